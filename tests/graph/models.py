"""A small social network used by the graph tests."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, LargeBinary, Numeric, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge

GRAPH = "social_test"


class Base(DeclarativeBase):
    pass


class Mood(enum.Enum):
    happy = "happy"
    grumpy = "grumpy"


friendship = Table(
    "friendship",
    Base.metadata,
    Column("a_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("b_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)


class City(GraphNode, Base):
    __tablename__ = "city"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Person(GraphNode, Base):
    __tablename__ = "person"
    __graph__ = GRAPH
    __graph_exclude__ = ("photo",)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    born: Mapped[dt.date | None]
    seen_at: Mapped[dt.datetime | None]
    balance: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    score: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)
    mood: Mapped[Mood | None]
    token: Mapped[uuid.UUID | None]
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"))
    city: Mapped[City | None] = relationship(info=graph_edge("LIVES_IN"))
    friends: Mapped[list[Person]] = relationship(
        secondary=friendship,
        primaryjoin=lambda: Person.id == friendship.c.a_id,
        secondaryjoin=lambda: Person.id == friendship.c.b_id,
        info=graph_edge("FRIEND"),
    )


class Follows(GraphEdge, Base):
    __tablename__ = "follows"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower"
    __edge_target__ = "followee_id"
    follower_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[dt.date]
    weight: Mapped[float] = mapped_column(default=1.0)
    follower: Mapped[Person] = relationship(foreign_keys=[follower_id])
    followee: Mapped[Person] = relationship(foreign_keys=[followee_id])


class Tag(GraphNode, Base):
    """A UUID primary key: vertex ids are hashed."""

    __tablename__ = "tag"
    __graph__ = GRAPH
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str]


WALK_GRAPH = "walk_test"


class Node(GraphNode, Base):
    """Vertices for the traversal tests (a graph of its own)."""

    __tablename__ = "node"
    __graph__ = WALK_GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Link(GraphEdge, Base):
    """A surrogate key, so parallel edges and self-loops are allowed."""

    __tablename__ = "link"
    __edge_label__ = "LINK"
    __edge_source__ = "src_id"
    __edge_target__ = "dst_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    src_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"))
    dst_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"))


class Other(GraphEdge, Base):
    __tablename__ = "other"
    __edge_label__ = "OTHER"
    __edge_source__ = "src_id"
    __edge_target__ = "dst_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    src_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"))
    dst_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"))
