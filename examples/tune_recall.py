"""Recall-targeted tuning: pick ``ef_search`` for recall@10 >= 0.99, stored for every process.

Run it with the local server (``tridb server start``) or ``TRIDB_DATABASE_URL`` set::

    python examples/tune_recall.py [--rows 5000]

It creates (and drops again) a database of its own, loads ``--rows`` vectors
of the deterministic provider into a table with an HNSW index, measures
recall@10 of ``nearest()`` at pgvector's default ``ef_search`` (40), runs
``tune_search()`` (what ``tridb tune`` runs), and measures again: the new
default comes from the index's comment, so the second measurement passes no
setting at all.
"""

from __future__ import annotations

import argparse

import numpy as np
from _support import example_database
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding, nearest
from sqlalchemy_tridb.vector.tune import tune_search

PROVIDER = DeterministicProvider(dimension=64, name="tune_example")


class Base(DeclarativeBase):
    pass


class Passage(Base):
    __tablename__ = "passage"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    # a sparse graph (m=4) builds fast and needs a higher ef_search for 0.99
    embedding: Mapped[list[float] | None] = Embedding(
        source="body", provider=PROVIDER, index=HNSW(m=4, ef_construction=10)
    )


def load(engine: Engine, rows: int) -> None:
    """*rows* generated passages, embedded in one provider call, inserted in binary."""
    words = ["river", "stone", "glass", "north", "violet", "engine", "harbor", "quiet", "amber"]
    rng = np.random.default_rng(7)
    bodies = [" ".join(rng.choice(words, 6)) + f" {i}" for i in range(rows)]
    vectors = PROVIDER.embed(bodies)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(Passage),
            [
                {"id": i, "body": b, "embedding": v}
                for i, (b, v) in enumerate(zip(bodies, vectors, strict=True))
            ],
        )


def recall_at_10(engine: Engine, queries: int = 50) -> float:
    """Mean recall@10 of a plain nearest() against exact neighbours (numpy)."""
    with Session(engine) as s:
        rows = s.execute(select(Passage.id, Passage.embedding)).all()
        ids = [r.id for r in rows]
        data = np.asarray([r.embedding for r in rows], dtype=np.float64)
        unit = data / np.linalg.norm(data, axis=1, keepdims=True)
        hits = []
        for q in range(queries):
            exact = {ids[i] for i in np.argsort(-(unit @ unit[q]))[:10]}
            found = {p.id for p in s.scalars(nearest(Passage.embedding, data[q], k=10))}
            hits.append(len(found & exact) / 10)
            s.rollback()  # the search settings end with the transaction
    return float(np.mean(hits))


def main() -> None:
    """Load, measure, tune, measure again."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    with example_database("example_tune") as engine:
        load(engine, args.rows)
        print(f"recall@10 at the defaults (ef_search 40): {recall_at_10(engine):.3f}")
        report = tune_search(Passage.embedding, engine, recall=0.99, k=10, queries=100)
        print(report)
        print(f"recall@10 after tuning, no setting passed: {recall_at_10(engine):.3f}")


if __name__ == "__main__":
    main()
