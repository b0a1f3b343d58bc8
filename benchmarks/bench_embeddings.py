"""Embedding benchmarks (issue 3), each printing ratios measured in one run.

1. Flush of N new rows (default 10,000, 384 dims): deterministic provider through
   the sync vs the same vectors precomputed and assigned by hand (no sync).
   Target: <= 1.3x.
2. Real all-MiniLM-L6-v2: one batched flush vs one provider call per row, and
   the number of model loads (expect one).  Expect >= 2.5x.
3. ``nearest()`` through the ORM vs the same query in raw SQL over R rows
   (default 100,000) of 384 dims with HNSW: p50 ratio (target <= 1.1x) and
   recall@10 against exact search (target >= 0.95), on embeddings of
   generated product text, plus recall@10 on a MiniLM-embedded corpus.

    python benchmarks/bench_embeddings.py                      # the full run
    python benchmarks/bench_embeddings.py --rows 2000 --search-rows 20000 --minilm-rows 64
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from _common import scratch_engine, timed
from sqlalchemy import Engine, String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, defer, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider, SentenceTransformerProvider, providers
from sqlalchemy_tridb.embedding.sentence_transformers import load_count
from sqlalchemy_tridb.vector import HNSW, Embedding, install_embedding_sync, nearest

DIM = 384
providers.register(DeterministicProvider(dimension=DIM), name="bench")


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{name}: {description}", provider="bench", dim=DIM, index=HNSW(m=16)
    )


ADJ = [
    "compact",
    "wireless",
    "portable",
    "premium",
    "rugged",
    "vintage",
    "smart",
    "quiet",
    "heavy-duty",
    "ergonomic",
]
NOUN = [
    "headphones",
    "speaker",
    "kettle",
    "frying-pan",
    "knife",
    "blender",
    "lamp",
    "desk",
    "chair",
    "backpack",
    "tent",
    "jacket",
    "shoes",
    "watch",
    "camera",
    "tripod",
    "keyboard",
    "mouse",
    "monitor",
    "router",
    "drill",
    "saw",
]
USE = [
    "travel",
    "kitchen",
    "office",
    "gaming",
    "camping",
    "running",
    "studio",
    "garden",
    "workshop",
    "home",
]
MAT = [
    "steel",
    "aluminium",
    "bamboo",
    "leather",
    "cotton",
    "plastic",
    "glass",
    "oak",
    "carbon",
    "ceramic",
]


def product_texts(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        adj, noun, use, mat = rng.choice(ADJ), rng.choice(NOUN), rng.choice(USE), rng.choice(MAT)
        name = f"{adj.title()} {noun.replace('-', ' ')} {rng.randint(1, 999)}"
        out.append(
            (
                name,
                f"A {mat} {noun.replace('-', ' ')} for {use}, {rng.randint(1, 48)} months warranty",
            )
        )
    return out


def bench_flush(engine: Engine, n: int) -> dict[str, float]:
    rows = product_texts(n, seed=1)
    vectors = DeterministicProvider(dimension=DIM).embed([f"{a}: {b}" for a, b in rows])
    precomputed = [v.tolist() for v in vectors]

    def reset() -> None:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE item"))

    def by_hand() -> None:
        with Session(engine) as s:
            s.add_all(
                Item(id=i, name=a, description=b, embedding=precomputed[i])
                for i, (a, b) in enumerate(rows)
            )
            s.commit()

    def synced() -> None:
        from sqlalchemy_tridb.embedding.deterministic import _bucket

        _bucket.cache_clear()  # no warm n-gram cache from the precompute above
        with Session(engine) as s, install_embedding_sync(s):
            s.add_all(Item(id=i, name=a, description=b) for i, (a, b) in enumerate(rows))
            s.commit()

    times: dict[str, list[float]] = {"by_hand": [], "synced": []}
    for _ in range(2):  # alternate, keep the better of two
        for name, fn in (("by_hand", by_hand), ("synced", synced)):
            reset()
            times[name].append(timed(fn))
    with engine.connect() as conn:
        same = conn.execute(text("SELECT count(*) FROM item WHERE embedding IS NOT NULL")).scalar()
    hand, sync = min(times["by_hand"]), min(times["synced"])
    return {
        "rows": n,
        "by_hand_s": hand,
        "synced_s": sync,
        "ratio": sync / hand,
        "stored": same or 0,
    }


def bench_minilm(engine: Engine, n: int) -> dict[str, float]:
    minilm = SentenceTransformerProvider()
    providers.register(minilm, name="bench-minilm")

    class Base2(DeclarativeBase):
        pass

    class Doc(Base2):
        __tablename__ = "doc"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]
        embedding: Mapped[list[float] | None] = Embedding(
            source="body", provider="bench-minilm", index=None
        )

    Base2.metadata.create_all(engine)
    texts = [f"{a}. {b}" for a, b in product_texts(n, seed=2)]
    start = time.perf_counter()
    minilm.embed(["warm up"])
    load_s = time.perf_counter() - start

    def batched() -> None:
        with Session(engine) as s, install_embedding_sync(s):
            s.add_all(Doc(id=i, body=t) for i, t in enumerate(texts))
            s.commit()

    def per_row() -> None:
        with Session(engine) as s:
            for i, t in enumerate(texts):
                s.add(Doc(id=i, body=t, embedding=minilm.embed([t])[0].tolist()))
            s.commit()

    results = {}
    for name, fn in (("per_row", per_row), ("batched", batched)):
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE doc"))
        results[name] = timed(fn)
    return {
        "rows": n,
        "model_load_s": load_s,
        "batched_s": results["batched"],
        "per_row_s": results["per_row"],
        "speedup": results["per_row"] / results["batched"],
        "model_loads": load_count(),
    }


def copy_rows(
    engine: Engine, table: str, rows: Sequence[tuple[str, str]], vecs: np.ndarray
) -> None:
    raw: Any = engine.raw_connection()
    try:
        with (
            raw.cursor() as cur,
            cur.copy(
                f"COPY {table} (id, name, description, embedding) FROM STDIN WITH (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["int4", "varchar", "varchar", "vector"])
            for i, ((a, b), v) in enumerate(zip(rows, vecs, strict=True)):
                copy.write_row((i, a, b, v))
        raw.commit()
    finally:
        raw.close()


def build(engine: Engine, rows: Sequence[tuple[str, str]], vecs: np.ndarray) -> float:
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX IF EXISTS ix_item_embedding_hnsw"))
        conn.execute(text("TRUNCATE item"))
    copy_rows(engine, "item", rows, vecs)
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        conn.execute(text("SET LOCAL max_parallel_maintenance_workers = 1"))
        Item.__table__.indexes.copy().pop().create(conn)  # the Index object from MetaData
        conn.execute(text("ANALYZE item"))
    return time.perf_counter() - start


def bench_search(
    engine: Engine, queries: np.ndarray, k: int = 10, ef_search: int = 40, vectors: bool = True
) -> dict[str, float]:
    """ORM vs raw p50 and recall@k; ``vectors=False``: neither side fetches the embedding."""
    orm_t: list[float] = []
    raw_t: list[float] = []
    recall, agree = [], []
    columns = "id, name, description" + (", embedding" if vectors else "")
    raw_sql = f"SELECT {columns} FROM item ORDER BY embedding <=> %s LIMIT %s"
    options = () if vectors else (defer(Item.embedding),)
    with Session(engine) as s:
        raw: Any = s.connection().connection.driver_connection
        # the same session-level setting for both paths (not the per-query SET LOCAL)
        s.execute(text(f"SET hnsw.ef_search = {int(ef_search)}"))

        def orm_ids(q: np.ndarray) -> list[int]:
            return [p.id for p in s.scalars(nearest(Item.embedding, q, k=k).options(*options))]

        def raw_ids(q: np.ndarray) -> list[int]:
            return [r[0] for r in raw.execute(raw_sql, (q, k)).fetchall()]

        for q in queries:  # warm-up pass: both paths, every query
            orm_ids(q), raw_ids(q)
        s.expunge_all()
        for i, q in enumerate(queries):  # timed pass, alternating which goes first
            for path in ("orm", "raw") if i % 2 else ("raw", "orm"):
                t0 = time.perf_counter()
                (orm_ids if path == "orm" else raw_ids)(q)
                (orm_t if path == "orm" else raw_t).append(time.perf_counter() - t0)
            s.expunge_all()
        for q in queries:  # recall pass, untimed
            got = orm_ids(q)
            agree.append(len(set(got) & set(raw_ids(q))) / k)  # ties may reorder
            savepoint = s.begin_nested()  # rolled back: SET LOCAL must not outlive it
            s.execute(text("SET LOCAL enable_indexscan = off"))
            exact = s.scalars(
                select(Item.id).order_by(Item.embedding.cosine_distance(q)).limit(k)
            ).all()
            savepoint.rollback()
            recall.append(len(set(got) & set(exact)) / k)
        s.rollback()
    orm, rawp = statistics.median(orm_t), statistics.median(raw_t)
    return {
        "orm_p50_ms": orm * 1e3,
        "raw_p50_ms": rawp * 1e3,
        "ratio": orm / rawp,
        "recall_at_10": float(np.mean(recall)),
        "orm_raw_agreement": float(np.mean(agree)),
        "queries": len(queries),
        "ef_search": ef_search,
        "fetch_vectors": vectors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows for the flush benchmark")
    parser.add_argument("--minilm-rows", type=int, default=256)
    parser.add_argument("--search-rows", type=int, default=100_000)
    parser.add_argument("--minilm-corpus", type=int, default=5_000, help="MiniLM rows for recall")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--ef-search", type=int, action="append", help="hnsw.ef_search values (default 40 and 100)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--only", choices=["flush", "minilm", "search"], action="append", help="run only these"
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    out: dict[str, Any] = {}
    with scratch_engine("bench_embeddings") as engine:
        Base.metadata.create_all(engine)
        only = set(args.only or ["flush", "minilm", "search"])
        if "flush" in only:
            out["flush"] = bench_flush(engine, args.rows)
            print("flush", out["flush"], flush=True)
        if "minilm" in only:
            out["minilm_flush"] = bench_minilm(engine, args.minilm_rows)
            print("minilm_flush", out["minilm_flush"], flush=True)
        if "search" in only:
            search(engine, args, out)
        out["model_loads"] = load_count()
    if args.json:
        print(json.dumps(out))
    summary(out)


def search(engine: Engine, args: argparse.Namespace, out: dict[str, Any]) -> None:
    efs = args.ef_search or [40, 100]
    det = DeterministicProvider(dimension=DIM)
    rows = product_texts(args.search_rows, seed=3)
    start = time.perf_counter()
    vecs = det.embed([f"{a}: {b}" for a, b in rows])
    embed_s = time.perf_counter() - start
    queries = det.embed([f"{a}: {b}" for a, b in product_texts(args.queries, seed=4)])
    build_s = build(engine, rows, vecs)
    out["search"] = []
    for ef, vectors in [(ef, True) for ef in efs] + [(efs[0], False)]:
        result = {"rows": args.search_rows, "embed_s": embed_s, "hnsw_build_s": build_s}
        result.update(bench_search(engine, queries, ef_search=ef, vectors=vectors))
        out["search"].append(result)
        print("search", result, flush=True)

    minilm = SentenceTransformerProvider()
    corpus = product_texts(args.minilm_corpus, seed=5)
    start = time.perf_counter()
    mvecs = minilm.embed([f"{a}. {b}" for a, b in corpus])
    membed_s = time.perf_counter() - start
    mq = minilm.embed([f"{a}. {b}" for a, b in product_texts(min(args.queries, 100), seed=6)])
    mbuild = build(engine, corpus, mvecs)
    out["search_minilm"] = []
    for ef in efs:
        result = {"rows": args.minilm_corpus, "embed_s": membed_s, "hnsw_build_s": mbuild}
        result.update(bench_search(engine, mq, ef_search=ef))
        out["search_minilm"].append(result)
        print("search_minilm", result, flush=True)


def summary(out: dict[str, Any]) -> None:
    f, m = out.get("flush"), out.get("minilm_flush")
    print()
    if f:
        print(f"flush {f['rows']} rows, deterministic vs precomputed: {f['ratio']:.2f}x (<= 1.3)")
    if m:
        print(f"MiniLM batched vs per-row, {m['rows']} rows: {m['speedup']:.2f}x faster (>= 2.5)")
    print(f"model loads in this process: {out['model_loads']}")
    for sr in out.get("search", []):
        print(
            f"nearest() ORM vs raw SQL, {sr['rows']} rows, ef_search {sr['ef_search']}"
            f"{'' if sr['fetch_vectors'] else ', vectors not fetched'}: "
            f"p50 {sr['orm_p50_ms']:.2f} ms vs {sr['raw_p50_ms']:.2f} ms = {sr['ratio']:.2f}x "
            f"(<= 1.1); recall@10 {sr['recall_at_10']:.3f} (>= 0.95)"
        )
    for sm in out.get("search_minilm", []):
        print(
            f"MiniLM corpus, {sm['rows']} rows, ef_search {sm['ef_search']}: recall@10 "
            f"{sm['recall_at_10']:.3f}; ORM/raw p50 {sm['ratio']:.2f}x"
        )


if __name__ == "__main__":
    main()
