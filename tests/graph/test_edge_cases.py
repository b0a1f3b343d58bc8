"""Edge cases found in review: name clashes, key stability, time zones, inheritance."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, DateTime, Engine, ForeignKey, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from sqlalchemy_tridb.exc import GraphDeclarationError, TraversalError
from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.graph.algorithms import degree_centrality
from sqlalchemy_tridb.graph.traverse import shortest_path
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

G = "edge_cases"
LONG_A = "A" * 50 + "_first_lbl"
LONG_B = "A" * 50 + "_second_lb"


class Base(DeclarativeBase):
    pass


class Hub(GraphNode, Base):
    __tablename__ = "hub"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Spoke(GraphNode, Base):
    """Edge labels that used to clash with each other or with the vertex triggers."""

    __tablename__ = "spoke"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    a: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), info=graph_edge("vertex"))
    b: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), info=graph_edge("Knows"))
    c: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), info=graph_edge("KNOWS"))
    d: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), info=graph_edge(LONG_A))
    e: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), info=graph_edge(LONG_B))


class Person(GraphNode, Base):
    __tablename__ = "person"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str]
    name: Mapped[str]
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "person"}  # noqa: RUF012


class Employee(Person):
    """Joined-table inheritance: the rows stay Person vertices; own FK edges still work."""

    __tablename__ = "employee"
    id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    boss_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    boss: Mapped[Person | None] = relationship(
        foreign_keys=[boss_id], info=graph_edge("REPORTS_TO")
    )
    __mapper_args__ = {  # noqa: RUF012
        "polymorphic_identity": "employee",
        "inherit_condition": id == Person.id,
    }


class Topic(GraphNode, Base):
    """UUID keys: vertex ids are hashed."""

    __tablename__ = "topic"
    __graph__ = G
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]


class Related(GraphEdge, Base):
    __tablename__ = "related"
    __edge_label__ = "RELATED"
    __edge_source__ = "src"
    __edge_target__ = "dst"
    src: Mapped[uuid.UUID] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    dst: Mapped[uuid.UUID] = mapped_column(ForeignKey("topic.id"), primary_key=True)


class Station(GraphNode, Base):
    """A column called "degree" (under another attribute name) and a model-level degree()."""

    __tablename__ = "station"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    degree_: Mapped[int] = mapped_column("degree", default=0)

    @classmethod
    def degree(cls, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """The model's own meaning of degree: not the graph's."""
        return cls.degree_


class Line(GraphEdge, Base):
    __tablename__ = "line"
    __edge_label__ = "LINE"
    __edge_source__ = "a"
    __edge_target__ = "b"
    id: Mapped[int] = mapped_column(primary_key=True)
    a: Mapped[int] = mapped_column(ForeignKey("station.id"))
    b: Mapped[int] = mapped_column(ForeignKey("station.id"))


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


cases_template = tridb_database_factory(load=[_create])
cases_engine = tridb_engine_factory("cases_template")


@pytest.fixture
def session(cases_engine: Engine) -> Iterator[Session]:
    with Session(cases_engine) as s:
        yield s


def _count(session: Session, label: str) -> int:
    return int(session.execute(text(f'SELECT count(*) FROM {G}."{label}"')).scalar_one())


def test_edge_labels_never_clash_with_each_other_or_the_vertices(session: Session) -> None:
    triggers = session.execute(
        text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'spoke'::regclass AND NOT tgisinternal")
    ).scalars()
    names = list(triggers)
    assert len(names) == len(set(names)) == 4 + 5 * 4  # vertex: 4; each FK label: 4 too
    session.add(Hub(id=1))
    session.add(Spoke(id=1, a=1, b=1, c=1, d=1, e=1))
    session.commit()
    assert _count(session, "Spoke") == 1
    for label in ("vertex", "Knows", "KNOWS", LONG_A, LONG_B):
        assert _count(session, label) == 1, label


def test_timestamptz_properties_are_written_in_utc(session: Session) -> None:
    session.execute(text("SET TIME ZONE 'Asia/Tokyo'"))
    at = dt.datetime(2024, 5, 1, 12, 30, 15, tzinfo=dt.timezone.utc)
    session.add(Hub(id=1, at=at))
    session.commit()
    session.execute(text("SET TIME ZONE 'America/Lima'"))
    prop = session.execute(
        text(f"SELECT properties FROM {G}.\"Hub\"")
    ).scalar_one()  # fmt: skip
    assert '"at": "2024-05-01T12:30:15.000000+00:00"' in str(prop)


def test_keys_with_unstable_text_are_refused() -> None:
    class Other(DeclarativeBase):
        pass

    with pytest.raises(GraphDeclarationError, match="session settings"):

        class Reading(GraphNode, Other):
            __tablename__ = "reading"
            sensor: Mapped[int] = mapped_column(primary_key=True)
            ts: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), primary_key=True)

    Other.registry.dispose()


def test_joined_inheritance_keeps_one_vertex_per_row(session: Session) -> None:
    boss = Person(id=1, name="Grace")
    emp = Employee(id=2, name="Alan", boss=boss)
    session.add_all([boss, emp])
    session.commit()
    assert _count(session, "Person") == 2
    labels = session.execute(
        text("SELECT l.name FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON l.graph = "
             "g.graphid WHERE g.name = :g ORDER BY 1"), {"g": G}
    ).scalars()  # fmt: skip
    assert "Employee" not in list(labels)
    assert _count(session, "REPORTS_TO") == 1
    reports = select(Person.id).where(Person.neighbors_of(emp, "REPORTS_TO"))
    assert list(session.scalars(reports)) == [1]
    underlings = select(Person.id).where(Person.neighbors_of(boss, "REPORTS_TO", direction="in"))
    assert list(session.scalars(underlings)) == [2]
    session.delete(emp)
    session.commit()
    assert _count(session, "Person") == 1 and _count(session, "REPORTS_TO") == 0


def test_typed_errors_for_bad_algorithm_input(session: Session) -> None:
    session.add(Hub(id=1))
    session.commit()
    hub: Any = session.get(Hub, 1)
    with pytest.raises(TraversalError, match="a step is"):
        Hub.walk(hub, ("vertex",))  # type: ignore[arg-type]
    # composite keys are fine for the graph, but not for degree_centrality's keys
    with pytest.raises(TraversalError, match="integer primary key"):
        degree_centrality(session, _composite_node(), "x")


def _composite_node() -> type:
    class Other(DeclarativeBase):
        pass

    class Pair(GraphNode, Other):
        __tablename__ = "pair"
        __graph__ = "pairs_graph"
        a: Mapped[str] = mapped_column(primary_key=True)
        b: Mapped[str] = mapped_column(primary_key=True)

    return Pair


def test_hashed_keys_traverse_like_integer_keys(session: Session) -> None:
    topics = [Topic(id=uuid.UUID(int=i + 1), name=f"t{i}") for i in range(5)]
    session.add_all(topics)
    session.flush()
    chain = [(0, 1), (1, 2), (2, 3), (0, 4)]
    session.add_all(Related(src=topics[a].id, dst=topics[b].id) for a, b in chain)
    session.commit()
    within2 = select(Topic.name).where(Topic.reachable_from(topics[0], "RELATED", max_hops=2))
    assert sorted(session.scalars(within2)) == ["t1", "t2", "t4"]
    reach = Topic.reachable(topics[0], "RELATED", max_hops=3)
    assert "id" not in reach.c  # no integer key to join on: join on the vertex id
    path = shortest_path(session, topics[0], topics[3], "RELATED")
    assert path is not None and [t.name for t in path.nodes] == ["t0", "t1", "t2", "t3"]
    back = shortest_path(session, topics[3], topics[0], "RELATED", direction="in")
    assert back is not None and back.length == 3


def test_degree_centrality_does_not_depend_on_the_models_attribute_names(session: Session) -> None:
    session.add_all([Station(id=i, degree_=99) for i in (1, 2, 3)])
    session.flush()
    session.add_all([Line(id=1, a=1, b=2), Line(id=2, a=2, b=3)])
    session.commit()
    assert degree_centrality(session, Station, "LINE") == {1: 0.5, 2: 1.0, 3: 0.5}
    assert degree_centrality(session, Station, "LINE", direction="out") == {
        1: 0.5,
        2: 0.5,
        3: 0.0,
    }
