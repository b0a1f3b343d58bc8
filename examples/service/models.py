"""The service's models: users who follow users and buy products.

* rows: users, follows, products, purchases;
* vectors: a user's bio and a product's name and description, embedded on flush;
* a graph ``service``: user -FOLLOWS-> user and user -BOUGHT-> product,
  mirrored from the follow and purchase tables.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb import Embedding, EmbeddingSearchMixin, GraphEdge, GraphNode

#: the provider name the columns declare; `app.use_provider()` registers it
PROVIDER = "service-text"
DIM = 384  # all-MiniLM-L6-v2's


class Base(DeclarativeBase):
    pass


class User(EmbeddingSearchMixin, GraphNode, Base):
    __tablename__ = "service_user"
    __graph__ = "service"
    __graph_label__ = "User"
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    bio: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="bio", provider=PROVIDER, dim=DIM)


class Follow(GraphEdge, Base):
    """Each row is a FOLLOWS edge from the follower to the followee."""

    __tablename__ = "service_follow"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower_id"
    __edge_target__ = "followee_id"
    follower_id: Mapped[int] = mapped_column(
        ForeignKey("service_user.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[int] = mapped_column(
        ForeignKey("service_user.id", ondelete="CASCADE"), primary_key=True
    )


class Product(EmbeddingSearchMixin, GraphNode, Base):
    __tablename__ = "service_product"
    __graph__ = "service"
    __graph_label__ = "Product"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str]
    price: Mapped[float]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{name}: {description}", provider=PROVIDER, dim=DIM
    )


class Purchase(GraphEdge, Base):
    """Each purchase is a BOUGHT edge from the user to the product."""

    __tablename__ = "service_purchase"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "user_id"
    __edge_target__ = "product_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("service_product.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(default=1)
