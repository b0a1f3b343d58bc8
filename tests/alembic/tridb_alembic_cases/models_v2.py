"""Version 2: a new embedding column, a changed index, a new label, a removed model."""

from __future__ import annotations

from pgvector.sqlalchemy import HALFVEC, SPARSEVEC, VECTOR
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphNode, graph_edge
from sqlalchemy_tridb.vector import HNSW, Embedding

GRAPH = "atlas"
TINY = DeterministicProvider(dimension=4, name="alembic-tiny")


class Base(DeclarativeBase):
    pass


class City(GraphNode, Base):
    __tablename__ = "city"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class Person(GraphNode, Base):
    __tablename__ = "person"
    __graph__ = GRAPH
    __graph_exclude__ = ("embedding", "name_embedding")
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"))
    city: Mapped[City | None] = relationship(info=graph_edge("LIVES_IN"))
    embedding = mapped_column(VECTOR(3), nullable=True)
    name_embedding: Mapped[list[float] | None] = Embedding(
        source="{name}", provider=TINY, index=HNSW(m=8, ef_construction=32)
    )
    __table_args__ = (
        Index(
            "ix_person_embedding",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 32, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )


class Tag(GraphNode, Base):
    __tablename__ = "tag"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    half = mapped_column(HALFVEC(6), nullable=True)
    sparse = mapped_column(SPARSEVEC(5), nullable=True)
    __table_args__ = (
        Index(
            "ix_document_half",
            "half",
            postgresql_using="ivfflat",
            postgresql_with={"lists": 10},
            postgresql_ops={"half": "halfvec_ip_ops"},
        ),
    )
