"""Hybrid queries: traversal composed with similarity, and recommendations with score parts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.exc import TraversalError
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.recommend import recommend, related
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import HNSW, Embedding, install_embedding_sync

EMBED = DeterministicProvider(dimension=64, name="shop_test")


class Base(DeclarativeBase):
    pass


class Customer(GraphNode, Base):
    __tablename__ = "customer"
    __graph__ = "shop_test"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(GraphNode, Base):
    __tablename__ = "product"
    __graph__ = "shop_test"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="name", provider=EMBED, index=HNSW())


class Purchase(GraphEdge, Base):
    __tablename__ = "purchase"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "customer_id"
    __edge_target__ = "product_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


shop_template = tridb_database_factory(load=[_create])
shop_engine = tridb_engine_factory("shop_template")

PRODUCTS = {
    1: "wireless headphones",
    2: "bluetooth earbuds",
    3: "noise cancelling headphones",
    4: "chef knife",
    5: "cast iron frying pan",
    6: "wireless speaker",
}
BOUGHT = {1: [1], 2: [1, 3, 4], 3: [1, 4, 5]}


@pytest.fixture
def shop(shop_engine: Engine) -> Iterator[Session]:
    with Session(shop_engine) as session, install_embedding_sync(session):
        session.add_all(Customer(id=i, name=f"c{i}") for i in BOUGHT)
        session.add_all(Product(id=i, name=n) for i, n in PRODUCTS.items())
        session.flush()
        session.add_all(
            Purchase(id=10 * c + p, customer_id=c, product_id=p)
            for c, ps in BOUGHT.items()
            for p in ps
        )
        session.commit()
        yield session


def _vec(text: str) -> Any:
    v = EMBED.embed([text])[0].astype(np.float64)
    return v


def _cos_sim(a: Any, b: Any) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_traversal_composes_with_similarity_ordering(shop: Session) -> None:
    alice = shop.get(Customer, 1)
    # products within 3 hops of alice (her purchases and her co-buyers' purchases)
    stmt = (
        select(Product.id)
        .where(Product.reachable_from(alice, "BOUGHT", max_hops=3, direction="both"))
        .order_by(Product.embedding.cosine_distance("headphones"))
    )
    got = list(shop.scalars(stmt))
    reached = {1, 3, 4, 5}
    q = _vec("headphones")
    want = sorted(reached, key=lambda i: 1 - _cos_sim(_vec(PRODUCTS[i]), q))
    assert got == want


def test_recommend_returns_explainable_score_parts(shop: Session) -> None:
    alice = shop.get(Customer, 1)
    stmt = recommend(
        Product,
        alice,
        via=("BOUGHT", ("BOUGHT", "in"), "BOUGHT"),
        history=("BOUGHT",),
        embedding=Product.embedding,
        k=10,
        graph_weight=0.6,
        vector_weight=0.4,
    )
    rows = shop.execute(stmt).all()
    # walks alice -> 1 <- {alice, 2, 3} -> ...: product 4 twice, 3 and 5 once; 1 is history
    paths = {3: 1, 4: 2, 5: 1}
    taste = _vec(PRODUCTS[1])  # the centroid of what she bought
    expected = {}
    for pid in (2, 3, 4, 5, 6):
        g = paths.get(pid, 0) / 2
        v = _cos_sim(_vec(PRODUCTS[pid]), taste)
        expected[pid] = (g, v, 0.6 * g + 0.4 * v)
    assert [r[0].id for r in rows] == sorted(expected, key=lambda p: (-expected[p][2], p))
    for product, graph_score, vector_score, score in rows:
        g, v, s = expected[product.id]
        assert graph_score == pytest.approx(g)
        assert vector_score == pytest.approx(v, abs=1e-5)
        assert score == pytest.approx(s, abs=1e-5)
    assert 1 not in {r[0].id for r in rows}


def test_related_items_exclude_the_item_itself(shop: Session) -> None:
    headphones = shop.get(Product, 1)
    rows = shop.execute(
        related(
            Product,
            headphones,
            via=(("BOUGHT", "in"), "BOUGHT"),
            embedding=Product.embedding,
            k=3,
        )
    ).all()
    assert len(rows) == 3
    assert all(r[0].id != 1 for r in rows)
    # bought together with headphones by two customers: the knife has the top graph score
    assert max(rows, key=lambda r: r[1])[0].id == 4


def test_recommend_bad_input(shop: Session) -> None:
    alice = shop.get(Customer, 1)
    with pytest.raises(TraversalError, match="like"):
        recommend(Product, alice, via=("BOUGHT",), embedding=Product.embedding)
    with pytest.raises(TraversalError, match="k must be"):
        recommend(Product, alice, via=("BOUGHT",), embedding=Product.embedding, like="x", k=0)
    with pytest.raises(TraversalError, match="not an Embedding"):
        recommend(Product, alice, via=("BOUGHT",), embedding=Product.name, like="x")  # type: ignore[arg-type]
