"""agtype, cypher() and run_cypher() against the real PostgreSQL + AGE."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    bindparam,
    event,
    literal,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.cypher import AGType, Vertex, cypher, dumps, resolve, run_cypher
from sqlalchemy_tridb.exc import CypherError, IdentifierError, VertexResolutionError

from ._values import INJECTION, same, values

GRAPH = "test_graph"
ON_SERVER = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Badge(Base):
    __tablename__ = "badge"
    code: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)


@pytest.fixture
def conn(tridb_engine: Engine) -> Iterator[Connection]:
    with tridb_engine.connect() as connection:
        connection.execute(text("SELECT ag_catalog.create_graph(:g)"), {"g": GRAPH})
        connection.commit()
        yield connection


@pytest.fixture
def session(tridb_engine: Engine) -> Iterator[Session]:
    Base.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s:
        s.execute(text("SELECT ag_catalog.create_graph(:g)"), {"g": GRAPH})
        s.add_all([Person(id=i, name=f"p{i}") for i in (1, 2, 3)])
        s.commit()
        for i in (1, 2, 3):
            run_cypher(s, GRAPH, "CREATE (:Person {id: $id, name: $name})", id=i, name=f"p{i}")
        run_cypher(
            s,
            GRAPH,
            "MATCH (a:Person {id: 1}), (b:Person) WHERE b.id > 1 "
            "CREATE (a)-[:KNOWS {since: b.id * 1000}]->(b)",
        )
        s.commit()
        yield s


# ------------------------------------------------------------- round trips


@ON_SERVER
@given(values)
def test_round_trip_through_agtype_in(conn: Connection, value: Any) -> None:
    stmt = text("SELECT CAST(:v AS text)::ag_catalog.agtype AS v").columns(v=AGType())
    assert same(conn.execute(stmt, {"v": dumps(value)}).scalar_one(), value)
    assert same(conn.execute(select(literal(value, AGType()))).scalar_one(), value)


@ON_SERVER
@given(values)
def test_round_trip_through_a_cypher_property(conn: Connection, value: Any) -> None:
    rows = run_cypher(conn, GRAPH, "CREATE (n:Thing {v: $v}) RETURN n.v", v=value)
    conn.rollback()
    assert same(rows[0].result, value)


def test_injection_corpus_is_stored_and_returned_verbatim(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE sentinel (x int)"))
    for s in INJECTION:
        props = {"s": s, "m": {s: [s]}}
        (row,) = run_cypher(
            conn,
            GRAPH,
            "CREATE (n:Thing {s: $s, m: $m}) RETURN n, n.s, n.m",
            s=s,
            m=props["m"],
            columns=["n", "s", "m"],
        )
        assert row.s == s and row.m == {s: [s]}
        assert isinstance(row.n, Vertex) and row.n.properties == props
    (found,) = run_cypher(conn, GRAPH, "MATCH (n:Thing) RETURN count(n)")
    assert found.result == len(INJECTION)
    for s in INJECTION:  # matched back as a parameter, exactly
        rows = run_cypher(conn, GRAPH, "MATCH (n:Thing) WHERE n.s = $s RETURN n.s", {"s": s})
        assert [r.result for r in rows] == [s]
    assert conn.execute(text("SELECT count(*) FROM sentinel")).scalar_one() == 0


def test_query_text_with_dollars_quotes_and_percent(conn: Connection) -> None:
    rows = run_cypher(
        conn,
        GRAPH,
        "RETURN 'a$$b', '$tridb$', \"dq\", 10 % 3, '%(x)s' // trailing $tridb",
        columns=["a", "b", "c", "d", "e"],
    )
    assert tuple(rows[0]) == ("a$$b", "$tridb$", "dq", 1, "%(x)s")


def test_null_and_missing_parameters(conn: Connection) -> None:
    (row,) = run_cypher(conn, GRAPH, "RETURN $a, $missing", {"a": None}, columns=["a", "b"])
    assert tuple(row) == (None, None)


# ------------------------------------------------------------- the construct


def test_construct_joined_with_a_relational_table(session: Session) -> None:
    friends = cypher(
        GRAPH,
        "MATCH (a:Person {id: $id})-[k:KNOWS]->(b:Person) RETURN b.id, k.since, b",
        {"id": 1},
        columns=[("id", Integer), ("since", Integer), "b"],
        name="friends",
    )
    stmt = (
        select(Person.name, friends.c.since, friends.c.b)
        .join_from(Person, friends, Person.id == friends.c.id)
        .order_by(Person.id)
    )
    rows = session.execute(stmt).all()
    assert [(r.name, r.since) for r in rows] == [("p2", 2000), ("p3", 3000)]
    assert all(isinstance(r.b, Vertex) and r.b.label == "Person" for r in rows)
    # and as a subquery filter
    people = session.scalars(select(Person).where(Person.id.in_(select(friends.c.id)))).all()
    assert sorted(p.name for p in people) == ["p2", "p3"]


def test_same_statement_shape_with_other_values_and_queries(conn: Connection) -> None:
    for n in range(3):  # the compiled form is cached; values must still differ
        assert run_cypher(conn, GRAPH, "RETURN $n", n=n)[0].result == n
    assert run_cypher(conn, GRAPH, "RETURN 'x'")[0].result == "x"
    assert run_cypher(conn, GRAPH, "RETURN 'y'")[0].result == "y"


def test_agtype_columns_compare_with_python_values(conn: Connection) -> None:
    c = cypher(GRAPH, "UNWIND $xs AS x RETURN x", {"xs": ["a", 1, 2.5, {"k": [None]}]})
    for value in ("a", 1, 2.5, {"k": [None]}):
        assert conn.execute(select(c.c.result).where(c.c.result == value)).scalar_one() == value


def test_execution_time_parameters(conn: Connection) -> None:
    stmt = select(cypher(GRAPH, "RETURN $x", bindparam("p")))
    assert conn.execute(stmt, {"p": {"x": [1, "two"]}}).scalar_one() == [1, "two"]
    assert conn.execute(stmt, {"p": {"x": 3}}).scalar_one() == 3


def test_bad_graph_name_raises_before_sql(tridb_engine: Engine) -> None:
    statements: list[str] = []
    event.listen(tridb_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with tridb_engine.connect() as c, pytest.raises(IdentifierError):
        run_cypher(c, "g'); DROP TABLE person; --", "RETURN 1")
    assert statements == []


def test_column_count_mismatch_says_what_to_do(conn: Connection) -> None:
    with pytest.raises(CypherError, match=r"pass columns=\[\.\.\.\]"):
        run_cypher(conn, GRAPH, "RETURN 1, 2")


# ------------------------------------------------------------- resolve


def test_resolve_vertices_to_orm_instances(session: Session) -> None:
    p2 = session.get(Person, 2)
    rows = run_cypher(session, GRAPH, "MATCH (p:Person) RETURN p ORDER BY p.id")
    people = [resolve(session, r.result, {"Person": Person}) for r in rows]
    assert [p.name for p in people if p] == ["p1", "p2", "p3"]
    assert people[1] is p2  # the identity map's instance
    session.execute(text("DELETE FROM person WHERE id = 3"))
    session.expunge_all()
    assert resolve(session, rows[2].result, {"Person": Person}) is None


def test_resolve_errors(session: Session) -> None:
    vertex = Vertex(1, "Person", {"name": "no key"})
    with pytest.raises(VertexResolutionError, match="no mapped class"):
        resolve(session, vertex, {})
    with pytest.raises(VertexResolutionError, match="property 'id'"):
        resolve(session, vertex, {"Person": Person})
    with pytest.raises(VertexResolutionError, match="not a mapped class"):
        resolve(session, vertex, {"Person": dict})
    with pytest.raises(VertexResolutionError, match="takes a Vertex"):
        resolve(session, {"id": 1}, {"Person": Person})  # type: ignore[arg-type]


def test_resolve_composite_uuid_key(session: Session) -> None:
    code = uuid.uuid4()
    session.add(Badge(code=code, year=2024))
    session.commit()
    (row,) = run_cypher(
        session, GRAPH, "CREATE (b:Badge {code: $code, year: $year}) RETURN b", code=code, year=2024
    )
    assert row.result.properties["code"] == str(code)
    badge = resolve(session, row.result, {"Badge": Badge})
    assert badge is not None and badge.code == code and badge.year == 2024
