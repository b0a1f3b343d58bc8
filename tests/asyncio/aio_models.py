"""A small follower network with embedded bios, for the awaitable forms' tests."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.vector import Embedding

GRAPH = "aio_test"


class Base(DeclarativeBase):
    pass


class Member(GraphNode, Base):
    __tablename__ = "member"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(unique=True)
    bio: Mapped[str]
    bio_embedding: Mapped[list[float] | None] = Embedding(source="bio", provider="deterministic")


class Follow(GraphEdge, Base):
    __tablename__ = "follow"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower_id"
    __edge_target__ = "followee_id"
    follower_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    followee_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)


#: (follower, followee): 1 -> 2 -> 3 -> 4, 1 -> 5 -> 4, 6 alone, 2 -> 1
EDGES = [(1, 2), (2, 3), (3, 4), (1, 5), (5, 4), (2, 1)]
BIOS = {
    1: "graph databases and query planners",
    2: "vector search with pgvector",
    3: "cooking pasta at home",
    4: "hiking in the alps",
    5: "postgres extensions",
    6: "birdwatching",
}
