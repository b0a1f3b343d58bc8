"""A model for the CLI tests, importable as tests.cli.cli_models:Note.embedding."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import Embedding

PROVIDER = DeterministicProvider(dimension=16, name="cli_test")


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="body", provider=PROVIDER, index=None)
