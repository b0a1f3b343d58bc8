"""A shop that existed before the mirror: integer keys, text keys (the key map), composite keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Numeric, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge

GRAPH = "adopt_shop"


class Base(DeclarativeBase):
    pass


tagging = Table(
    "a_tagging",
    Base.metadata,
    Column("product_sku", ForeignKey("a_product.sku", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("a_tag.id", ondelete="CASCADE"), primary_key=True),
)


class Customer(GraphNode, Base):
    __tablename__ = "a_customer"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)  # 0 and below go through the key map
    name: Mapped[str]
    since: Mapped[dt.datetime | None] = mapped_column(default=None)
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("a_customer.id"), default=None)
    referrer: Mapped[Customer | None] = relationship(
        remote_side="Customer.id", info=graph_edge("REFERRED", direction="in")
    )


class Tag(GraphNode, Base):
    __tablename__ = "a_tag"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(GraphNode, Base):
    __tablename__ = "a_product"
    __graph__ = GRAPH
    sku: Mapped[str] = mapped_column(String(20), primary_key=True)  # text keys: the key map
    name: Mapped[str]
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    tags: Mapped[list[Tag]] = relationship(secondary=tagging, info=graph_edge("TAGGED"))


class Order(GraphNode, Base):
    __tablename__ = "a_order"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("a_customer.id", ondelete="CASCADE"))
    customer: Mapped[Customer] = relationship(info=graph_edge("PLACED", direction="in"))
    total: Mapped[float] = mapped_column(default=0.0)


class Line(GraphEdge, Base):
    """An order line: an association edge ORDER -CONTAINS-> PRODUCT, with a composite key."""

    __tablename__ = "a_line"
    __edge_label__ = "CONTAINS"
    __edge_source__ = "order_id"
    __edge_target__ = "product_sku"
    order_id: Mapped[int] = mapped_column(
        ForeignKey("a_order.id", ondelete="CASCADE"), primary_key=True
    )
    product_sku: Mapped[str] = mapped_column(
        ForeignKey("a_product.sku", ondelete="CASCADE"), primary_key=True
    )
    qty: Mapped[int] = mapped_column(default=1)
