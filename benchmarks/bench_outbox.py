"""The embedding outbox (issue 16): the deferred triggers' insert cost and the worker's throughput.

Run from this folder with the local server (or ``TRIDB_DATABASE_URL``)::

    ../.venv/bin/python bench_outbox.py [--rows 20000] [--repeat 3] [--worker-rows 10000]

``insert``
    ``--rows`` rows into a table with a ``sync="deferred"`` column (its four
    statement triggers queue every row) vs the same table with a flush-mode
    column (no triggers), both through Core ``insert()`` in statements of 1,000
    rows, and 2,000 single-row INSERTs in their own transactions; alternating
    runs, median ratio (target <= 1.2x).
``worker``
    ``EmbeddingWorker.drain()`` of ``--worker-rows`` queued rows vs the same
    provider embedding the same texts in batches of the same size with no
    database (its own batched throughput; target >= 90%): with the
    deterministic provider (64 dims), with the local all-MiniLM-L6-v2
    (``--minilm-rows``, 384 dims), and with `OpenAIProvider` against the
    local OpenAI-speaking test server (``tests/outbox/openai_server.py``, 1 ms
    of simulated model time per request, ``request_size`` 128, concurrency 4).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _common import scratch_engine
from sqlalchemy import Engine, String, delete, insert, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.embedding.openai import OpenAIProvider
from sqlalchemy_tridb.vector import Embedding
from sqlalchemy_tridb.worker import EmbeddingWorker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.outbox.openai_server import fake_openai

DIM = 64
PROVIDER = DeterministicProvider(dimension=DIM, name="bench-outbox")
providers.register(PROVIDER, name="bench_outbox", replace=True)


class Base(DeclarativeBase):
    pass


class Deferred(Base):
    __tablename__ = "memo_deferred"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{title}: {body}", provider="bench_outbox", sync="deferred", index=None
    )


class DeferredMini(Base):
    """The same, with all-MiniLM-L6-v2's 384 dimensions."""

    __tablename__ = "memo_minilm"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{title}: {body}", provider="bench_minilm", dim=384, sync="deferred", index=None
    )


class Plain(Base):
    __tablename__ = "memo_plain"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{title}: {body}", provider="bench_outbox", index=None
    )


def _rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "title": f"memo {i}",
            "body": f"the user said thing number {i} about topic {i % 97}",
        }
        for i in range(start, start + n)
    ]


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE memo_deferred, memo_plain, memo_minilm"))
        conn.execute(text("TRUNCATE tridb_outbox.embedding_job, tridb_outbox.embedding_provenance"))


def _bulk(engine: Engine, model: type[Base], n: int) -> float:
    rows = _rows(n)
    start = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, n, 1000):
            conn.execute(insert(model), rows[i : i + 1000])
    return time.perf_counter() - start


def _single(engine: Engine, model: type[Base], n: int) -> float:
    rows = _rows(n)
    start = time.perf_counter()
    with engine.connect() as conn:
        for row in rows:
            conn.execute(insert(model).values(**row))
            conn.commit()
    return time.perf_counter() - start


def bench_insert(engine: Engine, n: int, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for label, fn, size in (("bulk", _bulk, n), ("single", _single, 2000)):
        _reset(engine)
        fn(engine, Deferred, size)  # warm-up
        _reset(engine)
        fn(engine, Plain, size)
        ratios, deferred, plain = [], [], []
        for _ in range(repeat):
            _reset(engine)
            d = fn(engine, Deferred, size)
            _reset(engine)
            p = fn(engine, Plain, size)
            deferred.append(d)
            plain.append(p)
            ratios.append(d / p)
        med = statistics.median(ratios)
        print(
            f"insert {label:>6} ({size} rows): deferred {min(deferred):.3f} s, plain "
            f"{min(plain):.3f} s; ratio per pair "
            + ", ".join(f"{r:.2f}" for r in sorted(ratios))
            + f" (median {med:.2f}x, target <= 1.2x)"
        )
        out[f"insert_{label}_ratio"] = med
    return out


def _provider_alone(provider: Any, texts: list[str], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        provider.embed(texts[i : i + batch])
    return time.perf_counter() - start


def _drain(engine: Engine, n: int, batch: int, model: Any) -> float:
    _reset(engine)
    with engine.begin() as conn:
        conn.execute(insert(model), _rows(n))
    worker = EmbeddingWorker(engine, model.embedding, batch_size=batch)
    start = time.perf_counter()
    done = worker.drain()
    elapsed = time.perf_counter() - start
    assert done == n, (done, n)
    return elapsed


def bench_worker(
    engine: Engine, n: int, batch: int, label: str, provider: Any, model: Any = Deferred
) -> float:
    name = "bench_minilm" if model is DeferredMini else "bench_outbox"
    providers.register(provider, name=name, replace=True)
    texts = [f"{r['title']}: {r['body']}" for r in _rows(n)]
    _provider_alone(provider, texts[: batch * 2], batch)  # warm-up
    alone = min(_provider_alone(provider, texts, batch) for _ in range(2))
    drained = min(_drain(engine, n, batch, model) for _ in range(2))
    share = alone / drained
    print(
        f"worker {label}: {n} rows drained in {drained:.2f} s ({n / drained:,.0f} vec/s); "
        f"the provider alone {alone:.2f} s ({n / alone:,.0f} vec/s): "
        f"{share:.0%} of its own throughput (target >= 90%)"
    )
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker-rows", type=int, default=10_000)
    parser.add_argument("--minilm-rows", type=int, default=2_000, help="0: skip the MiniLM run")
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    with scratch_engine("bench_outbox") as engine:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
        bench_insert(engine, args.rows, args.repeat)
        bench_worker(engine, args.worker_rows, args.batch, "deterministic", PROVIDER)
        with fake_openai(PROVIDER) as server:
            server.faults = []
            http = OpenAIProvider(
                model="bench-outbox",
                name="bench-outbox-http",
                dimension=DIM,
                base_url=server.url,
                request_size=128,
                concurrency=4,
            )
            bench_worker(engine, args.worker_rows, args.batch, "http", http)
            http.close()
        if args.minilm_rows:
            from sqlalchemy_tridb.embedding import SentenceTransformerProvider

            mini = SentenceTransformerProvider()
            bench_worker(engine, args.minilm_rows, args.batch, "MiniLM", mini, DeferredMini)
        with engine.begin() as conn:
            conn.execute(delete(Deferred))


if __name__ == "__main__":
    main()
