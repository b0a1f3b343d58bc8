"""Declaring the graph: the ``GraphNode`` and ``GraphEdge`` mixins, and ``graph_edge()``.

```
class Person(GraphNode, Base):
    __tablename__ = "person"
    __graph__ = "social"                      # default: "tridb"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"))
    city: Mapped[City] = relationship(info=graph_edge("LIVES_IN"))       # many-to-one
    friends: Mapped[list[Person]] = relationship(
        secondary=friendship, primaryjoin=..., secondaryjoin=...,
        info=graph_edge("FRIEND"))                                     # many-to-many


class Follows(GraphEdge, Base):                   # association object: rows are edges
    __tablename__ = "follows"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower_id"               # a FK column or many-to-one relationship
    __edge_target__ = "followee_id"
    follower_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    followee_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    since: Mapped[date]                           # a property of the edge
```

Names (graph, labels, properties) are checked when the class is defined; edges,
which may name classes not defined yet, when the mappers are configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Subquery, event
from sqlalchemy.orm import Mapper

from .._mixins import check_not_shadowed
from ..exc import GraphDeclarationError
from .query import degree, in_reach, reachable, walk
from .query.walks import Step
from .registry import Kind, registry_for
from .schema import install_ddl
from .spec import DEFAULT_GRAPH, Direction, edge_label_of, graph_edge, node_spec, owns_table

__all__ = ["DEFAULT_GRAPH", "GraphEdge", "GraphNode", "graph_edge"]

#: The query methods of :class:`GraphNode`, which a mapped attribute must not hide.
NODE_METHODS = ("reachable", "reachable_from", "neighbors_of", "walk", "degree")


def _register(cls: type, kind: Kind) -> None:
    table = cls.__dict__["__table__"]
    registry = registry_for(table.metadata)
    registry.add(cls, kind)
    install_ddl(table.metadata, registry)
    # edges may name classes defined later: check them when this mapper is configured
    if not event.contains(cls, "mapper_configured", _check_edges):
        event.listen(cls, "mapper_configured", _check_edges)


def _check_edges(mapper: Mapper[Any], cls: type) -> None:
    registry_for(cls.__dict__["__table__"].metadata).check(cls)


class GraphNode:
    """Mixin: the rows of this mapped class are vertices of an AGE graph.

    Class attributes (all optional):

    ``__graph__``
        the graph's name (default ``"tridb"``), 3 to 63 characters;
    ``__graph_label__``
        the vertex label (default: the class name);
    ``__graph_properties__``
        the columns mirrored as properties (default: every column whose type
        has a defined conversion, see `sqlalchemy_tridb.graph.properties`);
    ``__graph_exclude__``
        columns left out of the default.

    A mapped attribute named like one of the query methods (``reachable``,
    ``reachable_from``, ``neighbors_of``, ``walk``, ``degree``) is an error at
    class definition.
    """

    __graph__: ClassVar[str | None] = None
    __graph_label__: ClassVar[str | None] = None
    __graph_properties__: ClassVar[Sequence[str] | None] = None
    __graph_exclude__: ClassVar[Sequence[str]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_not_shadowed(cls, GraphNode, NODE_METHODS, GraphDeclarationError)
        if owns_table(cls):
            node_spec(cls)  # validates names now, at class definition
            _register(cls, "node")

    @classmethod
    def reachable(
        cls,
        start: Any,
        labels: str | Sequence[str],
        *,
        min_hops: int = 1,
        max_hops: int = 1,
        direction: Direction = "out",
    ) -> Subquery:
        """Rows within *min_hops*..*max_hops* of *start*: columns ``vid``, ``hops``, ``id``.

        The same as `sqlalchemy_tridb.graph.query.reachable()` with this class as
        the target; ``id`` is there for a single integer primary key.

        :param start: a flushed ``GraphNode`` instance to walk from (any class
            of the same graph).
        :param labels: the edge label(s) to follow, of edges declared on the graph.
        :param min_hops: the least distance (0 includes *start* itself).
        :param max_hops: the greatest distance (at most `MAX_HOPS`, 10).
        :param direction: ``"out"`` along edges, ``"in"`` against them, ``"both"``.
        """
        return reachable(
            cls, start, labels, min_hops=min_hops, max_hops=max_hops, direction=direction
        )

    @classmethod
    def reachable_from(
        cls,
        start: Any,
        labels: str | Sequence[str],
        *,
        min_hops: int = 1,
        max_hops: int = 1,
        direction: Direction = "out",
    ) -> ColumnElement[bool]:
        """A predicate for ``where()``: the row is within *min_hops*..*max_hops* of *start*.

        :param start: a flushed ``GraphNode`` instance to walk from (any class
            of the same graph).
        :param labels: the edge label(s) to follow, of edges declared on the graph.
        :param min_hops: the least distance (0 includes *start* itself).
        :param max_hops: the greatest distance (at most `MAX_HOPS`, 10).
        :param direction: ``"out"`` along edges, ``"in"`` against them, ``"both"``.
        """
        reach = reachable(
            cls, start, labels, min_hops=min_hops, max_hops=max_hops, direction=direction
        )
        return in_reach(cls, reach)

    @classmethod
    def neighbors_of(
        cls, start: Any, labels: str | Sequence[str], *, direction: Direction = "out"
    ) -> ColumnElement[bool]:
        """A predicate for ``where()``: the row is a direct neighbour of *start*.

        Neighbours are the vertices at distance 1; *start* is at distance 0, so
        a self-loop never makes it its own neighbour (``min_hops=0`` in
        `reachable_from()` includes it).

        :param start: a flushed ``GraphNode`` instance to walk from (any class
            of the same graph).
        :param labels: the edge label(s) to follow, of edges declared on the graph.
        :param direction: ``"out"`` along edges, ``"in"`` against them, ``"both"``.
        """
        return cls.reachable_from(start, labels, min_hops=1, max_hops=1, direction=direction)

    @classmethod
    def walk(cls, start: Any, *steps: Step) -> Subquery:
        """Rows at the end of typed *steps* from *start*: columns ``vid``, ``paths``, ``id``.

        The same as `sqlalchemy_tridb.graph.query.walk()` with this class as the
        target: ``paths`` counts the walks that end at the row.

        :param start: a flushed ``GraphNode`` instance (any class of the same graph).
        :param steps: one or more steps, in order: an edge label (followed
            outwards) or a ``(label, direction)`` pair.
        """
        return walk(cls, start, *steps)

    @classmethod
    def degree(
        cls, labels: str | Sequence[str], *, direction: Direction = "out"
    ) -> ColumnElement[int]:
        """A column expression: the number of *labels* edges at each row.

        The same as `sqlalchemy_tridb.graph.query.degree()` for this class.

        :param labels: the edge label(s) counted.
        :param direction: ``"out"`` (edges leaving the row), ``"in"`` or ``"both"``.
        """
        return degree(cls, labels, direction=direction)


class GraphEdge:
    """Mixin for an association class: each row is an edge carrying its columns.

    Class attributes: ``__edge_label__`` (default: the class name in upper
    case), ``__edge_source__`` and ``__edge_target__`` (a foreign-key column or a
    many-to-one relationship, each pointing at a ``GraphNode`` class),
    ``__graph_properties__`` / ``__graph_exclude__`` as for `GraphNode`
    (the default leaves out the source and target columns).
    """

    __edge_label__: ClassVar[str | None] = None
    __edge_source__: ClassVar[str]
    __edge_target__: ClassVar[str]
    __graph_properties__: ClassVar[Sequence[str] | None] = None
    __graph_exclude__: ClassVar[Sequence[str]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if owns_table(cls):
            edge_label_of(cls)
            for attr in ("__edge_source__", "__edge_target__"):
                if not isinstance(getattr(cls, attr, None), str):
                    raise GraphDeclarationError(
                        f"{cls.__name__} is a GraphEdge: set {attr} to the name of a foreign-key "
                        "column or many-to-one relationship"
                    )
            _register(cls, "edge")
