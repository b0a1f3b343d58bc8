"""Vectors in binary (issue 15): flush throughput against raw psycopg and pgvector-python's ORM.

One run, one throw-away database, one table ``(id int primary key, embedding
vector(384))`` with no vector index, emptied between runs; ``--rows`` (10,000)
rows, best of ``--repeat`` (2) runs of each path, in alternation:

* ``raw binary``: psycopg ``executemany`` with pgvector's binary adapter
  (``%b``, numpy arrays), the floor;
* ``pgvector ORM``: plain SQLAlchemy (no tridb set-up) with pgvector-python's
  ``VECTOR``, which binds vectors as text;
* ``tridb ORM``: the same ORM flush on an engine with the tridb set-up
  (vectors bound in binary, multi-row inserts), vectors assigned as numpy arrays;
* ``tridb ORM, lists``: the same with vectors assigned as ``list[float]``;
* ``tridb Core``: ``conn.execute(insert(t), rows)`` on the tridb engine;
* ``tridb Embedding``: an ``Embedding`` column (no index) whose vectors the
  deterministic provider computes during the flush (``install_embedding_sync``);
* ``ORM, no vector``: the same ORM flush of rows holding two integers and no
  vector: SQLAlchemy's own unit-of-work cost, the ceiling of any ORM path.

Targets: ``tridb ORM`` >= 1/3 of ``raw binary`` and >= 4x ``pgvector ORM``.

Then the rows are read back (``select(Row)``, all 10,000): raw psycopg with
binary results, plain SQLAlchemy with pgvector-python's type (text), the
tridb engine in text (the default) and with ``tridb_binary_results=True``.

    ../.venv/bin/python bench_vectors.py [--rows 10000] [--repeat 2] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import psycopg
from _common import scratch_engine, timed
from pgvector.psycopg import register_vector
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import Embedding, install_embedding_sync

DIM = 384


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "bench_vec"
    id: Mapped[int] = mapped_column(primary_key=True)
    embedding: Mapped[Any] = mapped_column(VECTOR(DIM))


class Doc(Base):
    __tablename__ = "bench_doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="body",
        provider=DeterministicProvider(dimension=DIM, name="bench_vectors"),
        index=None,
    )


class Bare(Base):
    """The same rows without the vector: the ORM's own cost, the ceiling of any ORM path."""

    __tablename__ = "bench_bare"
    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int]


def _raw(url: str, vectors: np.ndarray) -> Callable[[], None]:
    def run() -> None:
        with psycopg.connect(url) as conn:
            register_vector(conn)
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO bench_vec (id, embedding) VALUES (%s, %b)",
                    [(i, v) for i, v in enumerate(vectors)],
                )

    return run


def _orm(engine: Engine, values: list[Any]) -> Callable[[], None]:
    def run() -> None:
        with Session(engine) as s:
            s.add_all(Row(id=i, embedding=v) for i, v in enumerate(values))
            s.commit()

    return run


def _bare(engine: Engine, rows: int) -> Callable[[], None]:
    def run() -> None:
        with Session(engine) as s:
            s.add_all(Bare(id=i, n=i) for i in range(rows))
            s.commit()

    return run


def _core(engine: Engine, vectors: np.ndarray) -> Callable[[], None]:
    def run() -> None:
        with engine.begin() as conn:
            conn.execute(insert(Row), [{"id": i, "embedding": v} for i, v in enumerate(vectors)])

    return run


def _raw_read(url: str) -> Callable[[], None]:
    def run() -> None:
        with psycopg.connect(url) as conn:
            register_vector(conn)
            rows = conn.execute("SELECT id, embedding FROM bench_vec", binary=True).fetchall()
            assert len(rows) > 0

    return run


def _orm_read(engine: Engine, **options: Any) -> Callable[[], None]:
    def run() -> None:
        with Session(engine) as s:
            rows = s.scalars(select(Row).execution_options(**options)).all()
            assert len(rows) > 0 and isinstance(rows[0].embedding, list)

    return run


def _embedding(engine: Engine, rows: int) -> Callable[[], None]:
    def run() -> None:
        with Session(engine) as s, install_embedding_sync(s):
            s.add_all(Doc(id=i, body=f"product {i} in aisle {i % 97}") for i in range(rows))
            s.commit()

    return run


def main() -> None:
    """Run every path, print rows/s and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    vectors = np.random.default_rng(15).random((args.rows, DIM), dtype=np.float32)
    lists = vectors.tolist()
    with scratch_engine("bench_vectors") as engine:
        Base.metadata.create_all(engine)
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        plain = create_engine(engine.url)  # no tridb set-up: pgvector-python's text binding
        paths: dict[str, tuple[str, Callable[[], None]]] = {
            "raw binary": ("bench_vec", _raw(url, vectors)),
            "pgvector ORM": ("bench_vec", _orm(plain, list(vectors))),
            "tridb ORM": ("bench_vec", _orm(engine, list(vectors))),
            "tridb ORM, lists": ("bench_vec", _orm(engine, lists)),
            "tridb Core": ("bench_vec", _core(engine, vectors)),
            "tridb Embedding": ("bench_doc", _embedding(engine, args.rows)),
            "ORM, no vector": ("bench_bare", _bare(engine, args.rows)),
        }
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, (table, run) in paths.items():
                with engine.begin() as conn:
                    conn.execute(text(f"TRUNCATE {table}"))
                seconds = timed(run)
                best[name] = min(best.get(name, seconds), seconds)
        with engine.connect() as conn:
            stored = conn.scalar(text("SELECT count(*) FROM bench_doc"))
            assert stored == args.rows, stored
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE bench_vec"))
        _core(engine, vectors)()
        reads = {
            "raw binary": _raw_read(url),
            "pgvector ORM": _orm_read(plain),
            "tridb ORM, text": _orm_read(engine),
            "tridb ORM, binary": _orm_read(engine, tridb_binary_results=True),
        }
        read_best: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, read in reads.items():
                seconds = timed(read)
                read_best[name] = min(read_best.get(name, seconds), seconds)
        plain.dispose()
    rate = {name: args.rows / s for name, s in best.items()}
    raw, pgv = rate["raw binary"], rate["pgvector ORM"]
    report: dict[str, Any] = {
        "rows": args.rows,
        "dim": DIM,
        "rows_per_s": {k: round(v) for k, v in rate.items()},
        "of_raw": {k: round(v / raw, 3) for k, v in rate.items()},
        "vs_pgvector_orm": {k: round(v / pgv, 2) for k, v in rate.items()},
    }
    read_rate = {name: args.rows / s for name, s in read_best.items()}
    report["read_rows_per_s"] = {k: round(v) for k, v in read_rate.items()}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{args.rows:,} rows x {DIM} dims, no vector index, best of {args.repeat}")
    print(f"  {'path':<18} {'rows/s':>9} {'of raw':>7} {'vs pgvector ORM':>16}")
    for name in rate:
        print(
            f"  {name:<18} {rate[name]:>9,.0f} {rate[name] / raw:>7.2f} {rate[name] / pgv:>15.2f}x"
        )
    print(f"reading the {args.rows:,} rows back (select(Row)), best of {args.repeat}")
    rraw, rpgv = read_rate["raw binary"], read_rate["pgvector ORM"]
    for name, r in read_rate.items():
        print(f"  {name:<18} {r:>9,.0f} {r / rraw:>7.2f} {r / rpgv:>15.2f}x")
    ok = rate["tridb ORM"] >= raw / 3 and rate["tridb ORM"] >= 4 * pgv
    print(f"  target (tridb ORM >= 1/3 raw and >= 4x pgvector ORM): {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
