"""Models of the outbox tests: deferred embedding columns on a provider registered per test."""

from __future__ import annotations

import uuid

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import Embedding

DIM = 16
PROVIDER = DeterministicProvider(dimension=DIM, name="outbox-det")


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None]
    views: Mapped[int] = mapped_column(default=0)
    embedding: Mapped[list[float] | None] = Embedding(
        source="{title}: {body}", provider="outbox", dim=DIM, sync="deferred", index=None
    )


class Doc(Base):
    """A text primary key and a column-list source."""

    __tablename__ = "doc"
    slug: Mapped[str] = mapped_column(String(50), primary_key=True)
    text: Mapped[str | None]
    embedding: Mapped[list[float] | None] = Embedding(
        source="text", provider="outbox", dim=DIM, sync="deferred", index=None
    )


def expected(text: str) -> list[float]:
    """The vector the provider makes of *text*."""
    return [float(x) for x in PROVIDER.embed([text])[0]]


class Part(Base):
    """A composite primary key with a UUID."""

    __tablename__ = "part"
    shelf: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    label: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source=("label",), provider="outbox", dim=DIM, sync="deferred", index=None
    )


class Card(Base):
    """A callable source with watch=: the triggers compare the watched columns."""

    __tablename__ = "card"
    id: Mapped[int] = mapped_column(primary_key=True)
    front: Mapped[str]
    back: Mapped[str]
    hits: Mapped[int] = mapped_column(default=0)
    embedding: Mapped[list[float] | None] = Embedding(
        source=lambda c: f"{c.front.upper()} / {c.back}",
        watch=["front", "back"],
        provider="outbox",
        dim=DIM,
        sync="deferred",
        index=None,
    )
