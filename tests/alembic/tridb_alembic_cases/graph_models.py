"""A two-label graph for the exact-render tests."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.graph import GraphEdge, GraphNode

GRAPH = "metro"


class Base(DeclarativeBase):
    pass


class Station(GraphNode, Base):
    __tablename__ = "station"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


class Route(GraphEdge, Base):
    __tablename__ = "route"
    __edge_label__ = "ROUTE"
    __edge_source__ = "src_id"
    __edge_target__ = "dst_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    src_id: Mapped[int] = mapped_column(ForeignKey("station.id", ondelete="CASCADE"))
    dst_id: Mapped[int] = mapped_column(ForeignKey("station.id", ondelete="CASCADE"))
