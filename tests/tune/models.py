"""Models for the tuning tests, importable as tests.tune.models:Point.embedding."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, insert
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding, IVFFlat

DIM = 32
ROWS = 3000
PROVIDER = DeterministicProvider(dimension=DIM, name="tune_test")


class Base(DeclarativeBase):
    pass


class Point(Base):
    """A deliberately weak HNSW graph (m=4, ef_construction=8): low ef_search misses."""

    __tablename__ = "point"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="label", provider=PROVIDER, index=HNSW(m=4, ef_construction=8)
    )


class Cell(Base):
    """IVFFlat with far too many lists for its rows."""

    __tablename__ = "cell"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="label", provider=PROVIDER, index=IVFFlat(lists=60), distance="l2"
    )


class Bare(Base):
    """No vector index."""

    __tablename__ = "bare"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="label", provider=PROVIDER, index=None)


def vectors(rows: int = ROWS, seed: int = 15) -> np.ndarray:
    """Random Gaussian vectors: hard for an approximate index, unlike clustered text."""
    return np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)


def load(conn: Connection) -> None:
    """The schema, vectors loaded before the IVFFlat index is built (as pgvector advises)."""
    data = vectors()
    Base.metadata.create_all(conn, tables=[Point.__table__, Bare.__table__])
    rows = [{"id": i, "label": f"p{i}", "embedding": v} for i, v in enumerate(data)]
    conn.execute(insert(Point), rows)
    conn.execute(insert(Bare), rows[:200])
    Cell.__table__.create(conn)
    conn.execute(insert(Cell), rows[:2000])
    for index in Cell.__table__.indexes:  # rebuilt over the loaded rows
        conn.exec_driver_sql(f"REINDEX INDEX {index.name}")
