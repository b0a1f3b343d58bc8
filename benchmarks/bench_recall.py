"""Recall at the defaults and after tuning (issue 15): recall@10 and p50 of ``nearest()``.

One run, one throw-away database.  ``--rows`` (100,000) deterministic-provider
embeddings (384 dims) of generated product text are loaded with binary COPY,
then the library's default HNSW index (m=16, ef_construction=64) is built.
Held-out queries (``--queries``, 200, other generated texts) measure recall@10
of a plain ``nearest()`` against exact neighbours (numpy, cosine) and its p50:

* at the defaults (pgvector's ``ef_search`` 40);
* after ``tune_search(recall=0.99)``, which samples ``--tune-queries`` (200)
  stored vectors, stores its choice on the index, and which the same plain
  ``nearest()`` then uses with no setting passed.

``--minilm-rows N`` (default 0: skipped) repeats it on N texts embedded with
the real all-MiniLM-L6-v2, the embeddings cached in ``benchmarks/.cache``.

    ../.venv/bin/python bench_recall.py [--rows 100000] [--queries 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import scratch_engine
from bench_embeddings import product_texts
from sqlalchemy import Engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding, nearest
from sqlalchemy_tridb.vector.tune import tune_search

DIM = 384
CACHE = Path(__file__).resolve().parent / ".cache"


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "recall_doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="body", provider=DeterministicProvider(dimension=DIM), index=HNSW()
    )


def load(engine: Engine, bodies: list[str], vecs: np.ndarray) -> float:
    """Binary COPY, then the index built over the loaded rows; the build's seconds."""
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        Doc.__table__.create(conn)  # type: ignore[attr-defined]
        conn.execute(text("DROP INDEX ix_recall_doc_embedding_hnsw"))
    raw: Any = engine.raw_connection()
    try:
        with (
            raw.cursor() as cur,
            cur.copy("COPY recall_doc (id, body, embedding) FROM STDIN WITH (FORMAT BINARY)") as cp,
        ):
            cp.set_types(["int4", "text", "vector"])
            for i, (b, v) in enumerate(zip(bodies, vecs, strict=True)):
                cp.write_row((i, b, v))
        raw.commit()
    finally:
        raw.close()
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        next(iter(Doc.__table__.indexes)).create(conn)  # type: ignore[attr-defined]
        conn.execute(text("ANALYZE recall_doc"))
    return time.perf_counter() - start


def measure(engine: Engine, vecs: np.ndarray, queries: np.ndarray, k: int = 10) -> dict[str, float]:
    """Recall@k of a plain nearest() against numpy's exact cosine neighbours; p50 in ms."""
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    recall, times = [], []
    with Session(engine) as s:
        for q in queries:
            dist = 1 - unit @ (q / np.linalg.norm(q))
            kth = np.partition(dist, k - 1)[k - 1]
            start = time.perf_counter()
            got = s.scalars(nearest(Doc.embedding, q, k=k).with_only_columns(Doc.id)).all()
            times.append(time.perf_counter() - start)
            s.rollback()
            # rows tied with the k-th count as found (duplicate texts share vectors)
            recall.append(min(k, int(np.sum(dist[list(got)] <= kth + 1e-5))) / k)
        ef = s.scalar(text("SELECT current_setting('hnsw.ef_search')"))
    return {"recall_at_10": float(np.mean(recall)), "p50_ms": statistics.median(times) * 1e3,
            "ef_search_in_effect": float(ef) if ef else 0.0}  # fmt: skip


def run(engine: Engine, name: str, bodies: list[str], vecs: np.ndarray, queries: np.ndarray,
        tune_queries: int) -> dict[str, Any]:  # fmt: skip
    """Load, measure at the defaults, tune, measure again."""
    build_s = load(engine, bodies, vecs)
    before = measure(engine, vecs, queries)
    start = time.perf_counter()
    report = tune_search(Doc.embedding, engine, recall=0.99, k=10, queries=tune_queries)
    tune_s = time.perf_counter() - start
    with Session(engine) as s:  # what the next plain nearest() sets, read back
        s.scalars(nearest(Doc.embedding, queries[0], k=10)).all()
        in_effect = s.scalar(text("SELECT current_setting('hnsw.ef_search')"))
    after = measure(engine, vecs, queries)
    print(report, flush=True)
    return {
        "data": name,
        "rows": len(bodies),
        "queries": len(queries),
        "hnsw_build_s": round(build_s, 1),
        "tune_s": round(tune_s, 1),
        "defaults": {"ef_search": 40, **_round(before)},
        "tuned": {"ef_search": report.chosen, "in_effect": in_effect, **_round(after)},
        "tune_trials": [vars(t) for t in report.trials],
        "advice": [vars(a) for a in report.advice],
    }


def _round(d: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in d.items() if k != "ef_search_in_effect"}


def minilm(n: int, queries: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """N texts and held-out queries embedded with MiniLM, cached in benchmarks/.cache."""
    bodies = [f"{a}. {b}" for a, b in product_texts(n, seed=5)]
    held = [f"{a}. {b}" for a, b in product_texts(queries, seed=6)]
    path = CACHE / f"minilm_{n}_{queries}.npz"
    if path.exists():
        cached = np.load(path)
        return bodies, cached["vecs"], cached["queries"]
    from sqlalchemy_tridb.embedding import SentenceTransformerProvider

    model = SentenceTransformerProvider()
    vecs, qs = model.embed(bodies), model.embed(held)
    CACHE.mkdir(exist_ok=True)
    np.savez(path, vecs=vecs, queries=qs)
    return bodies, vecs, qs


def main() -> None:
    """Run it; print the reports and a summary (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--tune-queries", type=int, default=200)
    parser.add_argument("--minilm-rows", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    det = DeterministicProvider(dimension=DIM)
    bodies = [f"{a}: {b}" for a, b in product_texts(args.rows, seed=3)]
    vecs = det.embed(bodies)
    queries = det.embed([f"{a}: {b}" for a, b in product_texts(args.queries, seed=4)])
    results = []
    with scratch_engine("bench_recall") as engine:
        results.append(run(engine, "deterministic", bodies, vecs, queries, args.tune_queries))
        if args.minilm_rows:
            mb, mv, mq = minilm(args.minilm_rows, args.queries)
            results.append(run(engine, "minilm", mb, mv, mq, args.tune_queries))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        d, t = r["defaults"], r["tuned"]
        print(
            f"{r['data']}: {r['rows']:,} rows, {r['queries']} held-out queries, HNSW m=16 "
            f"ef_construction=64 (build {r['hnsw_build_s']} s, tune {r['tune_s']} s)\n"
            f"  defaults  ef_search 40: recall@10 {d['recall_at_10']:.3f}, "
            f"p50 {d['p50_ms']:.2f} ms\n"
            f"  tuned     ef_search {t['ef_search']} (in effect: {t['in_effect']}): recall@10 "
            f"{t['recall_at_10']:.3f}, p50 {t['p50_ms']:.2f} ms"
        )


if __name__ == "__main__":
    main()
