"""ORM paths at plain SQLAlchemy's cost (issue 15): ``nearest()`` against hand-written forms.

One throw-away database, ``--rows`` (20,000) rows x ``--dim`` (384) with an
HNSW index (m=16, ef_construction=64), vectors of the deterministic provider;
``--queries`` (200) stored vectors as query vectors, each path run over all of
them in turn, best p50 of ``--repeat`` (3) alternating rounds:

* ``library``: ``session.scalars(nearest(Doc.embedding, q, k=10)).all()``;
* ``hand SQLAlchemy``: the same table mapped with pgvector-python's ``VECTOR``
  (``HandDoc``) and ``select(HandDoc).order_by(HandDoc.embedding.cosine_distance(q))
  .limit(10)``, on the same tridb engine (vectors bound in binary);
* ``raw psycopg``: ``SELECT id, body, embedding FROM ... ORDER BY embedding <=> %b
  LIMIT 10`` with the same numpy vector.

Also printed: whether the statements hit SQLAlchemy's compiled cache (the
statement's cache key and the SQL text sent are the same for every query
vector), and the SQL each path sends.  ``reachable_from()`` and
``recommend()`` are not measured here yet (see docs/performance.md).

    ../.venv/bin/python bench_orm_paths.py [--rows 20000] [--queries 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import p50, scratch_engine
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import event, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding, nearest


def _models(dim: int) -> tuple[type[Any], type[Any], type[Any]]:
    class Base(DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "bench_paths"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]
        embedding: Mapped[list[float] | None] = Embedding(
            source="body",
            provider=DeterministicProvider(dimension=dim, name="bench_paths"),
            index=HNSW(),
        )

    class HandBase(DeclarativeBase):
        pass

    class HandDoc(HandBase):
        __tablename__ = "bench_paths"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]
        embedding: Mapped[Any] = mapped_column(VECTOR(dim))

    return Base, Doc, HandDoc


def _time(fn: Callable[[Any], Any], queries: np.ndarray) -> list[float]:
    out = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        out.append(time.perf_counter() - start)
    return out


def _key(statement: Any) -> Any:
    return statement._generate_cache_key().key


def main() -> None:
    """Load, run the three paths in alternation, print p50s, ratios and the cache check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    base, doc, hand = _models(args.dim)
    rng = np.random.default_rng(15)
    bodies = [
        f"item {i} " + " ".join(rng.choice(["red", "blue", "lamp", "desk"], 4))
        for i in range(args.rows)
    ]
    vectors = DeterministicProvider(dimension=args.dim, name="bench_paths").embed(bodies)
    queries = vectors[rng.choice(args.rows, args.queries, replace=False)]
    with scratch_engine("bench_paths") as engine:
        base.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(
                insert(doc),
                [
                    {"id": i, "body": b, "embedding": v}
                    for i, (b, v) in enumerate(zip(bodies, vectors, strict=True))
                ],
            )
            conn.exec_driver_sql("ANALYZE bench_paths")
        sent: dict[str, list[str]] = {}

        def record(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
            sent.setdefault(current[0], []).append(statement)

        current = ["setup"]
        event.listen(engine, "before_cursor_execute", record)
        session = Session(engine)
        raw_conn = engine.raw_connection()
        driver: Any = raw_conn.driver_connection

        def library(q: Any) -> Any:
            rows = session.scalars(nearest(doc.embedding, q, k=10)).all()
            session.rollback()
            return rows

        def hand_written(q: Any) -> Any:
            rows = session.scalars(
                select(hand).order_by(hand.embedding.cosine_distance(q)).limit(10)
            ).all()
            session.rollback()
            return rows

        def raw(q: Any) -> Any:
            with driver.cursor() as cur:
                cur.execute(
                    "SELECT id, body, embedding FROM bench_paths "
                    "ORDER BY embedding <=> %b LIMIT 10",
                    (q,),
                )
                rows = cur.fetchall()
            driver.rollback()
            return rows

        paths = {"library": library, "hand SQLAlchemy": hand_written, "raw psycopg": raw}
        for name, fn in paths.items():  # warm up, and the same rows from each
            current[0] = name
            fn(queries[0])
        ids = {
            name: sorted(r.id if hasattr(r, "id") else r[0] for r in fn(queries[1]))
            for name, fn in paths.items()
        }
        sent.clear()
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, fn in paths.items():
                current[0] = name
                t = p50(_time(fn, queries))
                best[name] = min(best.get(name, t), t)
        keys = {
            "library": {_key(nearest(doc.embedding, q, k=10)) for q in queries[:20]},
            "hand SQLAlchemy": {
                _key(select(hand).order_by(hand.embedding.cosine_distance(q)).limit(10))
                for q in queries[:20]
            },
        }
        session.close()
        raw_conn.close()
        event.remove(engine, "before_cursor_execute", record)
    hand_p50, raw_p50 = best["hand SQLAlchemy"], best["raw psycopg"]
    texts = {name: sorted(set(sent.get(name, []))) for name in paths}
    report: dict[str, Any] = {
        "rows": args.rows,
        "dim": args.dim,
        "queries": args.queries,
        "same_rows": len({tuple(v) for v in ids.values()}) == 1,
        "p50_ms": {k: round(v * 1000, 3) for k, v in best.items()},
        "vs_hand": {k: round(v / hand_p50, 3) for k, v in best.items()},
        "vs_raw": {k: round(v / raw_p50, 3) for k, v in best.items()},
        "cache_keys": {k: len(v) for k, v in keys.items()},
        "sql_texts": {k: len(v) for k, v in texts.items()},
        "sql": texts,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"nearest(k=10) over {args.rows:,} rows x {args.dim}, HNSW, {args.queries} queries, "
        f"best p50 of {args.repeat}"
    )
    print(f"  same rows from every path: {report['same_rows']}")
    print(
        f"  {'path':<16} {'p50 ms':>8} {'vs hand':>8} {'vs raw':>7} "
        f"{'cache keys':>11} {'SQL texts':>10}"
    )
    for name, t in best.items():
        ck = report["cache_keys"].get(name, "-")
        n = report["sql_texts"][name]
        print(
            f"  {name:<16} {t * 1000:>8.3f} {t / hand_p50:>7.2f}x {t / raw_p50:>6.2f}x "
            f"{ck!s:>11} {n:>10}"
        )
    for name, statements in texts.items():
        print(f"-- {name}:")
        for s in statements:
            print("   " + " ".join(s.split()))


if __name__ == "__main__":
    main()
