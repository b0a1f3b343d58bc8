"""Version 1 of the models the round-trip tests migrate."""

from __future__ import annotations

from pgvector.sqlalchemy import HALFVEC, SPARSEVEC, VECTOR
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge

GRAPH = "atlas"


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
    __graph_exclude__ = ("embedding",)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"))
    city: Mapped[City | None] = relationship(info=graph_edge("LIVES_IN"))
    embedding = mapped_column(VECTOR(3), nullable=True)
    __table_args__ = (
        Index(
            "ix_person_embedding",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )


class Follows(GraphEdge, Base):
    __tablename__ = "follows"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower_id"
    __edge_target__ = "followee_id"
    follower_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    half = mapped_column(HALFVEC(4), nullable=True)
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
