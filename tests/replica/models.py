"""The shop the replica tests read: customers, products with embeddings, purchases."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.vector import HNSW, Embedding, EmbeddingSearchMixin

EMBED = DeterministicProvider(dimension=32, name="replica_test")


class Base(DeclarativeBase):
    pass


class Customer(GraphNode, Base):
    __tablename__ = "customer"
    __graph__ = "replica_shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(GraphNode, EmbeddingSearchMixin, Base):
    __tablename__ = "product"
    __graph__ = "replica_shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    shelf: Mapped[int] = mapped_column(default=0)
    embedding: Mapped[list[float] | None] = Embedding(source="name", provider=EMBED, index=HNSW())


class Purchase(GraphEdge, Base):
    __tablename__ = "purchase"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "customer_id"
    __edge_target__ = "product_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))


PRODUCTS = {
    1: "wireless headphones",
    2: "bluetooth earbuds",
    3: "noise cancelling headphones",
    4: "chef knife",
    5: "cast iron frying pan",
    6: "wireless speaker",
}
BOUGHT = {1: [1], 2: [1, 3, 4], 3: [1, 4, 5]}
