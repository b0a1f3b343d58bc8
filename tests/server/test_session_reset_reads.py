"""Every read path after the session was reset: the generated SQL does not need the search path.

A connection prepared by the engine plugin, then ``SET search_path = public``,
``DISCARD ALL`` or ``RESET ALL`` (what a pooler or a library might do): the
similarity, hybrid, traversal and Cypher reads return what they return on a
freshly prepared connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Engine, ForeignKey, bindparam, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.cypher import cypher, resolve, run_cypher
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import HNSW, Embedding, hybrid_search, install_embedding_sync, nearest

GRAPH = "reset_reads"
EMBED = DeterministicProvider(dimension=16, name="reset_reads")


class Base(DeclarativeBase):
    pass


class Customer(GraphNode, Base):
    __tablename__ = "customer"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(GraphNode, Base):
    __tablename__ = "product"
    __graph__ = GRAPH
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


PRODUCTS = {
    1: "wireless headphones",
    2: "bluetooth earbuds",
    3: "noise cancelling headphones",
    4: "chef knife",
    5: "cast iron frying pan",
}
BOUGHT = {1: [1], 2: [1, 3, 4], 3: [1, 4, 5]}


def _fill(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    with Session(conn, join_transaction_mode="create_savepoint") as s, install_embedding_sync(s):
        s.add_all(Customer(id=i, name=f"c{i}") for i in BOUGHT)
        s.add_all(Product(id=i, name=n) for i, n in PRODUCTS.items())
        s.flush()
        s.add_all(
            Purchase(id=10 * c + p, customer_id=c, product_id=p)
            for c, ps in BOUGHT.items()
            for p in ps
        )
        s.commit()


reset_template = tridb_database_factory(load=[_fill])
reset_engine = tridb_engine_factory("reset_template", scope="module", pool_size=1)

RESETS = [
    "SET search_path = public",
    "DISCARD ALL",
    "RESET ALL",
    "SET search_path = tenant_a, public",
]


def _reads(session: Session) -> dict[str, Any]:
    """Every read path, with its results in a comparable form."""
    out: dict[str, Any] = {}
    out["nearest"] = session.scalars(
        nearest(Product.embedding, "wireless headphones", k=3).with_only_columns(Product.id)
    ).all()
    out["similarity"] = [
        round(x, 6)
        for x in session.scalars(
            select(Product.embedding.similarity("headphones")).order_by(Product.id)
        )
    ]
    out["hybrid"] = [
        (p.id, round(score, 9))
        for p, score in session.execute(
            hybrid_search(Product.embedding, "headphones", text=[Product.name], k=3)
        )
    ]
    return out


def _reachable(session: Session) -> list[int]:
    reach = Product.reachable(session.get(Customer, 2), "BOUGHT")
    return sorted(session.scalars(select(Product.id).join(reach, reach.c.id == Product.id)))


def _degree(session: Session) -> list[tuple[int, int]]:
    stmt = select(Product.id, Product.degree("BOUGHT", direction="in")).order_by(Product.id)
    return [(i, d) for i, d in session.execute(stmt)]


def _cypher_reads(session: Session) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rows = run_cypher(
        session,
        GRAPH,
        "MATCH (c:Customer)-[:BOUGHT]->(p:Product) WHERE c.id = $cid RETURN p ORDER BY p.id",
        cid=3,
    )
    out["cypher"] = [r.result.properties["id"] for r in rows]
    out["resolve"] = [resolve(session, r.result, Base.metadata).name for r in rows]
    bought = cypher(
        GRAPH,
        "MATCH (c:Customer {id: $cid})-[:BOUGHT]->(p) RETURN p.id",
        bindparam("params"),
        columns=[("pid", Product.id.type)],
        name="bought",
    )
    stmt = select(Product.name).join(bought, bought.c.pid == Product.id).order_by(Product.id)
    out["cypher_join"] = session.scalars(stmt, {"params": {"cid": 2}}).all()
    return out


def _reset(conn: Connection, statement: str) -> None:
    """Run *statement* on the session outside any transaction (DISCARD ALL needs that)."""
    conn.commit()
    raw = conn.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)
    raw.autocommit = True
    try:
        raw.execute(statement)
    finally:
        raw.autocommit = False


@pytest.fixture(scope="module")
def baseline(reset_engine: Engine) -> dict[str, Any]:
    with Session(reset_engine) as s:
        return {**_reads(s), **_cypher_reads(s), "reachable": _reachable(s), "degree": _degree(s)}


@pytest.fixture(params=RESETS)
def reset_session(request: pytest.FixtureRequest, reset_engine: Engine) -> Iterator[Session]:
    with reset_engine.connect() as conn:
        _reset(conn, request.param)
        schemas = conn.exec_driver_sql("SELECT current_schemas(false)").scalar_one()
        assert "ag_catalog" not in schemas  # the set-up's search path is gone
        with Session(conn) as session:
            yield session
        conn.invalidate()  # the pool must not hand the reset session to the next test


def test_the_baseline_is_what_the_rows_say(baseline: dict[str, Any]) -> None:
    assert baseline["nearest"][0] == 1 and len(baseline["nearest"]) == 3
    assert {pid for pid, _ in baseline["hybrid"]} >= {1, 3}
    assert baseline["reachable"] == [1, 3, 4]
    assert baseline["degree"] == [(1, 3), (2, 0), (3, 1), (4, 2), (5, 1)]
    assert baseline["cypher"] == [1, 4, 5]
    assert baseline["resolve"] == ["wireless headphones", "chef knife", "cast iron frying pan"]
    assert baseline["cypher_join"] == [PRODUCTS[1], PRODUCTS[3], PRODUCTS[4]]


def test_similarity_reads_after_a_reset(baseline: dict[str, Any], reset_session: Session) -> None:
    got = _reads(reset_session)
    assert got == {k: baseline[k] for k in got}


def test_cypher_reads_after_a_reset(baseline: dict[str, Any], reset_session: Session) -> None:
    got = _cypher_reads(reset_session)
    assert got == {k: baseline[k] for k in got}


def test_reachable_after_a_reset(baseline: dict[str, Any], reset_session: Session) -> None:
    assert _reachable(reset_session) == baseline["reachable"]


def test_degree_after_a_reset(baseline: dict[str, Any], reset_session: Session) -> None:
    assert _degree(reset_session) == baseline["degree"]


def test_age_resolves_cypher_operators_through_the_search_path(reset_engine: Engine) -> None:
    """Why each Cypher statement gets its prelude: AGE 1.5 looks ``=`` up by name."""
    url = reset_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    query = (
        f"SELECT * FROM ag_catalog.cypher('{GRAPH}', $$ MATCH (c:Customer)-[:BOUGHT]->(p) "
        "WHERE c.id = 1 RETURN p.id $$) AS (pid ag_catalog.agtype)"
    )
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("LOAD 'age'")  # its parser hooks (the local server does not preload AGE)
        raw.execute("SET search_path = public")
        with pytest.raises(psycopg.errors.UndefinedFunction, match="operator does not exist"):
            raw.execute(query)
        raw.execute("SET search_path = public, ag_catalog")
        assert [str(v) for (v,) in raw.execute(query)] == ["1"]
