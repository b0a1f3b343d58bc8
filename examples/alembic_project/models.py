"""The example project's models: a small library with a graph and embeddings.

``Author`` and ``Book`` rows are vertices of the ``library`` graph; ``Book.author``
is a ``WRITTEN_BY`` edge; each ``Cites`` row is a ``CITES`` edge.  ``Book.embedding``
is an embedding column with an HNSW index.  The provider is the deterministic
hashing one, so the example runs without downloading a model.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.vector import HNSW, Embedding

PROVIDER = DeterministicProvider(dimension=64, name="library-hash")


class Base(DeclarativeBase):
    pass


class Author(GraphNode, Base):
    __tablename__ = "author"
    __graph__ = "library"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Book(GraphNode, Base):
    __tablename__ = "book"
    __graph__ = "library"
    __graph_exclude__ = ("summary", "embedding")
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id", ondelete="CASCADE"))
    author: Mapped[Author | None] = relationship(info=graph_edge("WRITTEN_BY"))
    embedding: Mapped[list[float] | None] = Embedding(
        source="{title}: {summary}", provider=PROVIDER, index=HNSW(m=16, ef_construction=64)
    )


class Cites(GraphEdge, Base):
    __tablename__ = "cites"
    __edge_label__ = "CITES"
    __edge_source__ = "citing_id"
    __edge_target__ = "cited_id"
    citing_id: Mapped[int] = mapped_column(
        ForeignKey("book.id", ondelete="CASCADE"), primary_key=True
    )
    cited_id: Mapped[int] = mapped_column(
        ForeignKey("book.id", ondelete="CASCADE"), primary_key=True
    )
