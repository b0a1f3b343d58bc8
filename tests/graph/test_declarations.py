"""Bad declarations fail with clear, typed errors before any SQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers, mapped_column, relationship

from sqlalchemy_tridb.exc import GraphDeclarationError, IdentifierError
from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_ddl, graph_edge, registry_for


@pytest.fixture
def base() -> Any:
    class Base(DeclarativeBase):
        pass

    yield Base
    registry = Base.registry
    registry.dispose()


@pytest.mark.parametrize("name", ["g", "ab", "1abc", "bad name", "x" * 64, "trailing-", "quo'te"])
def test_graph_names_follow_age_rules(base: Any, name: str) -> None:
    with pytest.raises(IdentifierError, match="graph name"):

        class Thing(GraphNode, base):
            __tablename__ = "thing"
            __graph__ = name
            id: Mapped[int] = mapped_column(primary_key=True)


@pytest.mark.parametrize("label", ["", "has space", 'q"uote', "_ag_label_vertex", "x" * 64])
def test_labels_are_validated(base: Any, label: str) -> None:
    with pytest.raises(IdentifierError, match="label"):

        class Thing(GraphNode, base):
            __tablename__ = "thing"
            __graph_label__ = label
            id: Mapped[int] = mapped_column(primary_key=True)


def test_unsupported_property_type_is_an_error_at_class_definition(base: Any) -> None:
    with pytest.raises(GraphDeclarationError, match="no defined conversion"):

        class Doc(GraphNode, base):
            __tablename__ = "doc"
            __graph_properties__ = ("id", "blob")
            id: Mapped[int] = mapped_column(primary_key=True)
            blob: Mapped[bytes] = mapped_column(LargeBinary)


def test_unknown_property_is_an_error(base: Any) -> None:
    with pytest.raises(GraphDeclarationError, match="not a column"):

        class Doc(GraphNode, base):
            __tablename__ = "doc"
            __graph_properties__ = ("id", "nope")
            id: Mapped[int] = mapped_column(primary_key=True)


def test_binary_columns_are_left_out_by_default(base: Any) -> None:
    class Doc(GraphNode, base):
        __tablename__ = "doc"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str]
        blob: Mapped[bytes] = mapped_column(LargeBinary)

    nodes, _ = registry_for(base.metadata).resolve()
    assert [p for p, _c, _k in nodes[0].props] == ["id", "title"]


def test_edge_to_a_class_that_is_not_a_node(base: Any) -> None:
    class Plain(base):
        __tablename__ = "plain"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Node(GraphNode, base):
        __tablename__ = "node"
        id: Mapped[int] = mapped_column(primary_key=True)
        plain_id: Mapped[int] = mapped_column(ForeignKey("plain.id"))
        plain: Mapped[Plain] = relationship(info=graph_edge("TO_PLAIN"))

    with pytest.raises(GraphDeclarationError, match="not a GraphNode"):
        registry_for(base.metadata).resolve()


def test_one_to_many_edge_is_refused(base: Any) -> None:
    class Parent(GraphNode, base):
        __tablename__ = "parent"
        id: Mapped[int] = mapped_column(primary_key=True)
        children: Mapped[list[Child]] = relationship(info=graph_edge("HAS"))

    class Child(GraphNode, base):
        __tablename__ = "child"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))

    with pytest.raises(GraphDeclarationError, match="mark the many-to-one side"):
        registry_for(base.metadata).resolve()


def test_a_label_belongs_to_one_declaration(base: Any) -> None:
    class A(GraphNode, base):
        __tablename__ = "a"
        id: Mapped[int] = mapped_column(primary_key=True)
        b_id: Mapped[int] = mapped_column(ForeignKey("b.id"), info=graph_edge("LINK"))
        c_id: Mapped[int] = mapped_column(ForeignKey("b.id"), info=graph_edge("LINK"))

    class B(GraphNode, base):
        __tablename__ = "b"
        id: Mapped[int] = mapped_column(primary_key=True)

    with pytest.raises(GraphDeclarationError, match="belongs to one"):
        registry_for(base.metadata).resolve()


def test_graph_edge_needs_source_and_target(base: Any) -> None:
    with pytest.raises(GraphDeclarationError, match="__edge_source__"):

        class Link(GraphEdge, base):
            __tablename__ = "link"
            id: Mapped[int] = mapped_column(primary_key=True)


def test_direction_is_checked() -> None:
    with pytest.raises(GraphDeclarationError, match="direction"):
        graph_edge("X", direction="sideways")  # type: ignore[arg-type]


def test_ddl_compiles_with_quoted_identifiers_and_no_values(base: Any) -> None:
    class Node(GraphNode, base):
        __tablename__ = "my table"
        __graph__ = "my_graph"
        __graph_label__ = "Node"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]

    nodes, edges = registry_for(base.metadata).resolve()
    # the statements are laid out on several lines: compare them with whitespace folded
    sql = [
        " ".join(str(d.compile(dialect=postgresql.dialect())).split())
        for d in graph_ddl(nodes, edges)
    ]
    assert "IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'my_graph')" in sql[0]
    assert sql[0].startswith("DO $tridb$ BEGIN IF NOT 'ag_catalog' = ANY (current_schemas(false))")
    assert "PERFORM ag_catalog.create_vlabel('my_graph', 'Node')" in sql[1]
    assert 'CREATE UNIQUE INDEX IF NOT EXISTS "Node_tridb_id" ON "my_graph"."Node" (id)' in sql[1]
    assert 'AFTER TRUNCATE ON "my table"' in sql[3]


@pytest.mark.parametrize("method", ["degree", "reachable", "reachable_from", "walk"])
def test_a_column_hiding_a_query_method_is_refused(base: Any, method: str) -> None:
    with pytest.raises(GraphDeclarationError, match=rf"Station.{method} hides the method"):
        type(
            "Station",
            (GraphNode, base),
            {
                "__tablename__": "station",
                "__annotations__": {"id": "Mapped[int]", method: "Mapped[int]"},
                "id": mapped_column(primary_key=True),
            },
        )


def test_a_column_of_that_name_under_another_attribute_is_fine(base: Any) -> None:
    class Station(GraphNode, base):
        __tablename__ = "station"
        id: Mapped[int] = mapped_column(primary_key=True)
        degree_: Mapped[int] = mapped_column("degree")

    assert Station.__table__.c.degree.name == "degree"
    assert Station.degree_.property.columns[0].name == "degree"
    assert callable(Station.degree)


def test_an_edge_naming_no_column_fails_when_the_mappers_are_configured(base: Any) -> None:
    class City(GraphNode, base):
        __tablename__ = "city"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Road(GraphEdge, base):
        __tablename__ = "road"
        __edge_source__ = "from_id"
        __edge_target__ = "no_such_column"
        id: Mapped[int] = mapped_column(primary_key=True)
        from_id: Mapped[int] = mapped_column(ForeignKey("city.id"))

    # before any create_all, any SQL, or a look at the graph registry
    with pytest.raises(GraphDeclarationError, match=r"Road\.no_such_column: no such column"):
        configure_mappers()
