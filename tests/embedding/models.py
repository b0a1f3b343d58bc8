"""Models shared by the embedding tests (providers are registered per test)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding, EmbeddingSearchMixin

#: 32 dimensions keep the tests fast; the tests swap in counting wrappers by name.
DIM = 32
TINY = DeterministicProvider(dimension=DIM, name="tiny")


class Base(DeclarativeBase):
    pass


class Category(Base):
    __tablename__ = "category"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))


class Product(EmbeddingSearchMixin, Base):
    __tablename__ = "product"
    __embedding_attribute__ = "embedding"  # two embedding columns: name the default one
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None]
    price: Mapped[int] = mapped_column(default=0)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    category: Mapped[Category | None] = relationship()
    embedding: Mapped[list[float] | None] = Embedding(
        source="{name}: {description}", provider="products", dim=DIM, index=HNSW(m=8)
    )
    tag_embedding: Mapped[list[float] | None] = Embedding(
        source=lambda p: f"{p.name} in {p.category.title}" if p.category else None,
        provider="tags",
        dim=DIM,
        watch=("name", "category"),
        index=None,
    )
