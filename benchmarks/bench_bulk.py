"""Bulk loading (issue 15): `bulk_load()` against raw binary COPY and the ORM, in one run.

One throw-away database, one table ``(id int primary key, body text,
embedding vector(--dim))`` declared with ``Embedding(..., index=HNSW())``
(m=16, ef_construction=64), dropped and created again before each path;
``--rows`` (100,000) rows whose vectors the deterministic provider computed
beforehand (outside the timings):

* ``raw COPY``: psycopg alone on the same table: ``DROP INDEX``, ``COPY ...
  FROM STDIN (FORMAT BINARY)`` with ``write_row()`` and numpy vectors, then the
  same ``CREATE INDEX``, one transaction: the floor;
* ``bulk_load``: ``bulk_load(engine, Doc, rows)`` (vectors given, index dropped
  and built after, one transaction);
* ``bulk_load, embedding``: the same rows without vectors: the provider computes
  them in batches of ``--batch-size`` inside the load;
* ``ORM add_all``: ``session.add_all()`` + ``flush()`` + commit of
  ``--orm-rows`` (5,000) rows with the vectors assigned, into the table with
  its index (maintained row by row), scaled to ``--rows`` by its rate.

Printed: seconds and rows/s per path, and each as a ratio of ``raw COPY``.

    ../.venv/bin/python bench_bulk.py [--rows 100000] [--dim 384] [--orm-rows 5000] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import scratch_engine, timed
from sqlalchemy import Engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.schema import CreateIndex

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding
from sqlalchemy_tridb.vector.bulk import bulk_load

PROVIDERS: dict[int, DeterministicProvider] = {}


def _models(dim: int) -> tuple[type[Any], type[Any]]:
    provider = DeterministicProvider(dimension=dim, name=f"bench_bulk_{dim}")

    class Base(DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "bench_bulk"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]
        embedding: Mapped[list[float] | None] = Embedding(
            source="body", provider=provider, index=HNSW()
        )

    PROVIDERS[dim] = provider
    return Base, Doc


def _raw(
    engine: Engine, doc: Any, bodies: list[str], vectors: np.ndarray, index_after: bool
) -> Callable[[], None]:
    index = next(iter(doc.__table__.indexes))
    create = str(CreateIndex(index).compile(dialect=engine.dialect))

    def run() -> None:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur:  # type: ignore[union-attr]
                if index_after:
                    cur.execute(f'DROP INDEX "{index.name}"')
                oids = [
                    r[0]
                    for r in cur.execute(
                        "SELECT atttypid::int FROM pg_attribute WHERE attrelid = "
                        "'bench_bulk'::regclass AND attname = ANY(%s) ORDER BY attnum",
                        (["id", "body", "embedding"],),
                    )
                ]
                with cur.copy(
                    "COPY bench_bulk (id, body, embedding) FROM STDIN (FORMAT BINARY)"
                ) as c:
                    c.set_types(oids)
                    for i, (body, vector) in enumerate(zip(bodies, vectors, strict=True)):
                        c.write_row((i, body, vector))
                if index_after:
                    cur.execute(create)

    return run


def _bulk(
    engine: Engine,
    doc: Any,
    bodies: list[str],
    vectors: np.ndarray | None,
    batch: int,
    index_after: bool,
) -> Callable[[], None]:
    def run() -> None:
        if vectors is None:
            rows: Any = ({"id": i, "body": b} for i, b in enumerate(bodies))
        else:
            rows = (
                {"id": i, "body": b, "embedding": v}
                for i, (b, v) in enumerate(zip(bodies, vectors, strict=True))
            )
        bulk_load(engine, doc, rows, batch_size=batch, build_index_after=index_after)

    return run


def _orm(engine: Engine, doc: Any, bodies: list[str], vectors: np.ndarray) -> Callable[[], None]:
    def run() -> None:
        with Session(engine) as s:
            s.add_all(
                doc(id=i, body=b, embedding=v)
                for i, (b, v) in enumerate(zip(bodies, vectors, strict=True))
            )
            s.flush()
            s.commit()

    return run


def main() -> None:
    """Run every path once, print seconds, rows/s and ratios to raw COPY."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--orm-rows", type=int, default=5_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--reverse", action="store_true", help="run the paths in reverse order")
    parser.add_argument(
        "--no-index", action="store_true", help="no vector index at all: the load alone"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    base, doc = _models(args.dim)
    words = ["river", "stone", "glass", "north", "violet", "engine", "harbor", "quiet", "amber"]
    rng = np.random.default_rng(15)
    bodies = [" ".join(rng.choice(words, 6)) + f" {i}" for i in range(args.rows)]
    vectors = PROVIDERS[args.dim].embed(bodies)
    sample = args.orm_rows
    ix = not args.no_index
    with scratch_engine("bench_bulk") as engine:
        paths: dict[str, tuple[int, Callable[[], None]]] = {
            "raw COPY": (args.rows, _raw(engine, doc, bodies, vectors, not args.no_index)),
            "bulk_load": (args.rows, _bulk(engine, doc, bodies, vectors, args.batch_size, ix)),
            "bulk_load, embedding": (
                args.rows,
                _bulk(engine, doc, bodies, None, args.batch_size, ix),
            ),
            "ORM add_all": (sample, _orm(engine, doc, bodies[:sample], vectors[:sample])),
        }
        seconds: dict[str, float] = {}
        order = list(paths.items())[:: -1 if args.reverse else 1]
        for name, (rows, run) in order:
            base.metadata.drop_all(engine)
            base.metadata.create_all(engine)
            if args.no_index:
                with engine.begin() as conn:
                    for index in doc.__table__.indexes:
                        conn.exec_driver_sql(f'DROP INDEX "{index.name}"')
            took = timed(run)
            with engine.connect() as conn:
                stored = conn.scalar(text("SELECT count(*) FROM bench_bulk"))
                valid = conn.scalar(
                    text(
                        "SELECT bool_and(indisvalid) FROM pg_index "
                        "WHERE indrelid = 'bench_bulk'::regclass"
                    )
                )
            assert stored == rows and (valid or args.no_index), (name, stored, valid)
            seconds[name] = took * args.rows / rows  # the ORM sample scaled to --rows
        seconds = {name: seconds[name] for name in paths}
    raw = seconds["raw COPY"]
    report: dict[str, Any] = {
        "rows": args.rows,
        "dim": args.dim,
        "orm_rows": sample,
        "index": not args.no_index,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "rows_per_s": {k: round(args.rows / v) for k, v in seconds.items()},
        "of_raw_time": {k: round(v / raw, 3) for k, v in seconds.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    what = "no vector index" if args.no_index else "HNSW (m=16, ef_construction=64)"
    print(f"{args.rows:,} rows x {args.dim} dims, {what}, one run each")
    print(f"  {'path':<22} {'seconds':>9} {'rows/s':>9} {'time / raw COPY':>16}")
    for name, s in seconds.items():
        scaled = f" (scaled from {sample:,})" if name == "ORM add_all" else ""
        print(f"  {name:<22} {s:>9.2f} {args.rows / s:>9,.0f} {s / raw:>15.2f}x{scaled}")


if __name__ == "__main__":
    main()
