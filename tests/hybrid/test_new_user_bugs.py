"""Regressions from a new user's first week (issue 14, traversal and recommendations).

Each test failed before its fix: filters on ``recommend()`` ignored (a cartesian
product with an aliased entity), vector candidates capped by the index's search
width before the history was removed, two ``reachable()`` subqueries in one
statement, vertex ids as text, paths loading objects of another graph, and
error messages naming objects by their repr.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.exc import TraversalError
from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.graph.query import shortest_path
from sqlalchemy_tridb.recommend import recommend
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import HNSW, Embedding, install_embedding_sync

EMBED = DeterministicProvider(dimension=32, name="newuser_test")


class Base(DeclarativeBase):
    pass


class Shopper(GraphNode, Base):
    __tablename__ = "nu_shopper"
    __graph__ = "nu_shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    friend_id: Mapped[int | None] = mapped_column(
        ForeignKey("nu_shopper.id"), info=graph_edge("FRIEND")
    )


class Item(GraphNode, Base):
    __tablename__ = "nu_item"
    __graph__ = "nu_shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    category: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="name", provider=EMBED, index=HNSW())


class Bought(GraphEdge, Base):
    __tablename__ = "nu_bought"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "shopper_id"
    __edge_target__ = "item_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("nu_shopper.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("nu_item.id"))


class City(GraphNode, Base):
    """A second graph, whose label ids repeat the first graph's."""

    __tablename__ = "nu_city"
    __graph__ = "nu_geo"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    next_id: Mapped[int | None] = mapped_column(ForeignKey("nu_city.id"), info=graph_edge("ROAD"))


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


nu_template = tridb_database_factory(load=[_create])
nu_engine = tridb_engine_factory("nu_template")

N_ITEMS = 2000
HISTORY = 30


@pytest.fixture
def shop(nu_engine: Engine) -> Iterator[Session]:
    with Session(nu_engine) as session, install_embedding_sync(session):
        session.add_all([Shopper(id=1, name="ann"), Shopper(id=2, name="bob", friend_id=1)])
        session.add_all(
            Item(id=i, name=f"item {i}", category="books" if i % 10 == 0 else "other")
            for i in range(1, N_ITEMS + 1)
        )
        session.flush()
        session.add_all(Bought(id=i, shopper_id=1, item_id=i * 7) for i in range(1, HISTORY + 1))
        session.add(Bought(id=1000, shopper_id=2, item_id=3))
        session.commit()
        yield session


def test_recommend_takes_filters_on_the_target(shop: Session) -> None:
    ann = shop.get(Shopper, 1)
    stmt = recommend(
        Item, ann, via=("BOUGHT",), history=("BOUGHT",), embedding=Item.embedding, k=5
    ).where(Item.category == "books")
    rows = shop.execute(stmt).all()
    assert rows, "no recommendation among the books"
    assert all(item.category == "books" for item, *_ in rows)
    assert len({item.id for item, *_ in rows}) == len(rows)  # no row repeated


def test_recommend_returns_k_rows_when_k_candidates_exist(shop: Session) -> None:
    ann = shop.get(Shopper, 1)
    stmt = recommend(
        Item,
        ann,
        via=(("FRIEND", "in"), "BOUGHT"),
        history=("BOUGHT",),
        embedding=Item.embedding,
        k=50,
        candidates=100,
    )
    with Session(shop.get_bind()) as reader:  # no embedding sync: the statement sets its scan
        rows = reader.execute(stmt).all()
    assert len(rows) == 50
    bought = {i * 7 for i in range(1, HISTORY + 1)}
    assert not bought & {item.id for item, *_ in rows}


def test_a_start_with_no_history_gets_only_graph_candidates(shop: Session) -> None:
    bob = shop.get(Shopper, 2)
    shop.add(Shopper(id=3, name="cy"))
    shop.commit()
    cy = shop.get(Shopper, 3)
    stmt = recommend(Item, cy, via=("BOUGHT",), history=("BOUGHT",), embedding=Item.embedding)
    assert shop.execute(stmt).all() == []  # not the first k rows with zero scores
    assert bob is not None


def test_two_reachable_subqueries_in_one_statement(shop: Session) -> None:
    ann, bob = shop.get(Shopper, 1), shop.get(Shopper, 2)
    of_ann = Item.reachable(ann, "BOUGHT")
    of_bob = Item.reachable(bob, "BOUGHT")
    both = select(Item.id).join(of_ann, of_ann.c.id == Item.id).join(of_bob, of_bob.c.id == Item.id)
    assert shop.scalars(both).all() == []
    either = select(Item.id).where(
        Item.reachable_from(ann, "BOUGHT") | Item.reachable_from(bob, "BOUGHT")
    )
    assert len(shop.scalars(either).all()) == HISTORY + 1


def test_vertex_ids_are_integers(shop: Session) -> None:
    ann = shop.get(Shopper, 1)
    reach = Item.reachable(ann, "BOUGHT")
    vids = shop.scalars(select(reach.c.vid)).all()
    assert vids and all(isinstance(v, int) for v in vids)
    assert shop.scalars(select(reach.c.id).where(reach.c.vid == vids[0])).all() != []


def test_paths_load_objects_of_their_own_graph(nu_engine: Engine) -> None:
    with Session(nu_engine) as session:
        session.add_all([City(id=3, name="c3"), City(id=2, name="c2", next_id=3)])
        session.add(City(id=1, name="c1", next_id=2))
        session.add_all([Shopper(id=2, name="s2"), Shopper(id=1, name="s1", friend_id=2)])
        session.commit()
        path = shortest_path(session, session.get(City, 1), session.get(City, 3), "ROAD")
        assert path is not None
        assert [(type(n).__name__, n.name) for n in path.nodes] == [
            ("City", "c1"),
            ("City", "c2"),
            ("City", "c3"),
        ]
        friends = shortest_path(session, session.get(Shopper, 1), session.get(Shopper, 2), "FRIEND")
        assert friends is not None
        assert [(type(n).__name__, n.name) for n in friends.nodes] == [
            ("Shopper", "s1"),
            ("Shopper", "s2"),
        ]


def test_errors_name_the_class_and_key(shop: Session) -> None:
    with pytest.raises(TraversalError, match=r"a new Shopper has not been flushed"):
        Item.reachable(Shopper(id=99, name="new"), "BOUGHT")
    with pytest.raises(TraversalError) as err:
        Item.reachable(object(), "BOUGHT")
    assert "object at 0x" not in str(err.value)
