"""Declaring the graph: ``GraphNode`` and ``GraphEdge`` mixins and ``graph_edge()`` markers.

::

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

Names (graph, labels, properties) are checked when the class is defined; edges,
which may name classes not defined yet, when the mappers are configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

from sqlalchemy import ColumnElement, MetaData, Subquery, Table
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import Mapper
from sqlalchemy.sql.schema import Column

from .._identifiers import validate_graph_name, validate_label
from ..exc import GraphDeclarationError
from .properties import conversion

DEFAULT_GRAPH = "tridb"
_EDGE_KEY = "tridb.graph_edge"
_REGISTRY_KEY = "tridb.graph"

Direction = Literal["out", "in"]


@dataclass(frozen=True)
class EdgeMarker:
    """What ``graph_edge()`` puts in a relationship's or column's ``info``."""

    label: str
    direction: Direction = "out"


def graph_edge(label: str, *, direction: Direction = "out") -> dict[str, Any]:
    """Mark a many-to-one or many-to-many relationship (or a FK column) as graph edges.

    Use as ``relationship(..., info=graph_edge("WORKS_AT"))``.  ``direction="out"``
    makes edges from the declaring row to its target; ``"in"`` the reverse.
    """
    validate_label(label, what="edge label")
    if direction not in ("out", "in"):
        raise GraphDeclarationError(f"direction must be 'out' or 'in', not {direction!r}")
    return {_EDGE_KEY: EdgeMarker(label, direction)}


@dataclass(eq=False)
class NodeSpec:
    """A mapped class mirrored as vertices."""

    cls: type
    graph: str
    label: str
    table: Table
    pk: list[Column[Any]]
    props: list[tuple[str, Column[Any], str]]


@dataclass(eq=False)
class EdgeSpec:
    """Edges of one label, from one declaration (FK, secondary table or association)."""

    kind: Literal["fk", "secondary", "association"]
    graph: str
    label: str
    table: Table
    source: NodeSpec
    target: NodeSpec
    #: columns of ``table`` that hold the source's / target's primary key, in pk order
    source_cols: list[Column[Any]]
    target_cols: list[Column[Any]]
    owner: str
    props: list[tuple[str, Column[Any], str]] = field(default_factory=list)
    #: association edges: the association row's own primary key
    pk: list[Column[Any]] = field(default_factory=list)


@dataclass
class GraphRegistry:
    """Every graph declaration of one ``MetaData``, kept in ``metadata.info``."""

    classes: list[type] = field(default_factory=list)
    ddl_installed: bool = False
    _resolved: tuple[list[NodeSpec], list[EdgeSpec]] | None = field(default=None, repr=False)

    def classes_by_label(self, graph: str | None = None) -> dict[str, type]:
        """``{vertex label: mapped class}``, e.g. for :func:`sqlalchemy_tridb.cypher.resolve`."""
        return {
            spec.label: cls
            for cls, spec in self.nodes().items()
            if graph is None or spec.graph == graph
        }

    def nodes(self) -> dict[type, NodeSpec]:
        """Vertex declarations, by class."""
        specs = {c: _node_spec(c) for c in self.classes if issubclass(c, GraphNode)}
        return {c: spec for c, spec in specs.items() if spec.cls is c}

    def resolve(self) -> tuple[list[NodeSpec], list[EdgeSpec]]:
        """Resolve every declaration (configures the mappers); validate edge ownership.

        The result is cached until another class is registered.
        """
        if self._resolved is not None:
            return self._resolved
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
        nodes = self.nodes()
        by_table = {spec.table: spec for spec in nodes.values()}
        edges: list[EdgeSpec] = []
        for cls in self.classes:
            edges.extend(_edges_of(cls, nodes, by_table))
        owners: dict[tuple[str, str], str] = {}
        labels: dict[tuple[str, str], str] = {}
        for spec in nodes.values():
            key = (spec.graph, spec.label)
            if key in labels:
                raise GraphDeclarationError(
                    f"vertex label {spec.label!r} in graph {spec.graph!r} is declared by both "
                    f"{labels[key]} and {spec.cls.__name__}: give one a __graph_label__"
                )
            labels[key] = spec.cls.__name__
        for edge in edges:
            key = (edge.graph, edge.label)
            if key in labels:
                raise GraphDeclarationError(
                    f"edge label {edge.label!r} is also a vertex label in graph {edge.graph!r}"
                )
            if key in owners:
                raise GraphDeclarationError(
                    f"edge label {edge.label!r} in graph {edge.graph!r} is declared by both "
                    f"{owners[key]} and {edge.owner}: each edge label belongs to one "
                    "declaration (for a bidirectional relationship, mark one side only)"
                )
            owners[key] = edge.owner
        self._resolved = (list(nodes.values()), edges)
        return self._resolved


def registry_for(metadata: MetaData) -> GraphRegistry:
    """The :class:`GraphRegistry` of *metadata* (made on first use)."""
    reg = metadata.info.get(_REGISTRY_KEY)
    if reg is None:
        reg = metadata.info[_REGISTRY_KEY] = GraphRegistry()
    assert isinstance(reg, GraphRegistry)
    return reg


def _owns_table(cls: type) -> bool:
    return "__table__" in cls.__dict__ and isinstance(cls.__dict__["__table__"], Table)


def _register(cls: type) -> None:
    if not _owns_table(cls):
        return  # abstract bases and single-table subclasses share their parent's table
    table: Table = cls.__dict__["__table__"]
    reg = registry_for(table.metadata)
    if cls not in reg.classes:
        reg.classes.append(cls)
        reg._resolved = None
    from .ddl import install_ddl

    install_ddl(table.metadata, reg)


def _graph_of(cls: type) -> str:
    name = getattr(cls, "__graph__", None)
    return validate_graph_name(DEFAULT_GRAPH if name is None else name)


def _label_of(cls: type, attr: str, default: str) -> str:
    name = cls.__dict__.get(attr)
    return validate_label(default if name is None else name)


def _props(cls: type, table: Table, exclude: set[str]) -> list[tuple[str, Column[Any], str]]:
    names: Sequence[str] | None = getattr(cls, "__graph_properties__", None)
    columns = {c.key: c for c in table.columns}
    out: list[tuple[str, Column[Any], str]] = []
    if names is None:
        for key, col in columns.items():
            kind = conversion(col.type)
            if kind is not None and key not in exclude:
                out.append((validate_label(key, what="property name"), col, kind))
        return out
    if isinstance(names, str):
        raise GraphDeclarationError(f"{cls.__name__}.__graph_properties__ must be a sequence")
    for key in names:
        if key not in columns:
            raise GraphDeclarationError(
                f"{cls.__name__}.__graph_properties__ names {key!r}, which is not a column of "
                f"{table.name!r} (columns: {', '.join(columns)})"
            )
        col = columns[key]
        kind = conversion(col.type)
        if kind is None:
            raise GraphDeclarationError(
                f"{cls.__name__}.{key} has type {col.type!r}, which has no defined conversion "
                "to a graph property (supported: integers, floats, numerics, booleans, strings, "
                "enums, UUIDs, dates and times, JSON and arrays); leave it out of "
                "__graph_properties__"
            )
        out.append((validate_label(key, what="property name"), col, kind))
    return out


_STABLE_KEY_TYPES = (sqltypes.Integer, sqltypes.String, sqltypes.Uuid, sqltypes.Boolean)


def _check_key(owner: str, pk: list[Column[Any]]) -> None:
    """Keys other than one integer column are hashed from their text: it must be stable.

    Dates, times, floats and numerics print differently under other session
    settings (``TimeZone``, ``DateStyle``, ``extra_float_digits``), which would
    give one row different vertex ids in different sessions.
    """
    if len(pk) == 1 and isinstance(pk[0].type, sqltypes.Integer):
        return
    for col in pk:
        t = col.type.impl_instance if isinstance(col.type, sqltypes.TypeDecorator) else col.type
        if not isinstance(t, _STABLE_KEY_TYPES):
            raise GraphDeclarationError(
                f"{owner}: primary key column {col.name!r} has type {col.type!r}, whose text "
                "form depends on session settings, so it cannot identify a vertex or edge; "
                "use integer, string, UUID or boolean key columns (or a surrogate integer key)"
            )


def _node_spec(cls: type) -> NodeSpec:
    spec = cls.__dict__.get("_tridb_node_spec")
    if isinstance(spec, NodeSpec):
        return spec
    for base in cls.__mro__[1:]:  # joined-table inheritance: the base class's vertices
        inherited = base.__dict__.get("_tridb_node_spec")
        if isinstance(inherited, NodeSpec):
            return inherited
    table: Table = cls.__dict__["__table__"]
    label = _label_of(cls, "__graph_label__", cls.__name__)
    exclude = set(getattr(cls, "__graph_exclude__", ()))
    pk = list(table.primary_key.columns)
    if not pk:
        raise GraphDeclarationError(f"{cls.__name__} needs a primary key to be a GraphNode")
    _check_key(cls.__name__, pk)
    spec = NodeSpec(cls, _graph_of(cls), label, table, pk, _props(cls, table, exclude))
    cls._tridb_node_spec = spec  # type: ignore[attr-defined]
    return spec


class GraphNode:
    """Mixin: the rows of this mapped class are vertices of an AGE graph.

    Class attributes (all optional):

    ``__graph__``
        the graph's name (default ``"tridb"``), 3 to 63 characters;
    ``__graph_label__``
        the vertex label (default: the class name);
    ``__graph_properties__``
        the columns mirrored as properties (default: every column whose type
        has a defined conversion, see :mod:`sqlalchemy_tridb.graph.properties`);
    ``__graph_exclude__``
        columns left out of the default.
    """

    __graph__: ClassVar[str | None] = None
    __graph_label__: ClassVar[str | None] = None
    __graph_properties__: ClassVar[Sequence[str] | None] = None
    __graph_exclude__: ClassVar[Sequence[str]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if _owns_table(cls):
            _node_spec(cls)  # validates names now, at class definition
            _register(cls)

    # -- traversal operators (see sqlalchemy_tridb.graph.traverse) -------------
    @classmethod
    def reachable(
        cls,
        start: Any,
        labels: str | Sequence[str],
        *,
        min_hops: int = 1,
        max_hops: int = 1,
        direction: Literal["out", "in", "both"] = "out",
    ) -> Subquery:
        """Rows within *min_hops*..*max_hops* of *start*: columns ``vid``, ``hops``, ``id``."""
        from .traverse import reachable

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
        direction: Literal["out", "in", "both"] = "out",
    ) -> ColumnElement[bool]:
        """A predicate for ``where()``: the row is within *min_hops*..*max_hops* of *start*."""
        from .traverse import in_reach

        reach = cls.reachable(
            start, labels, min_hops=min_hops, max_hops=max_hops, direction=direction
        )
        return in_reach(cls, reach)

    @classmethod
    def neighbors_of(
        cls,
        start: Any,
        labels: str | Sequence[str],
        *,
        direction: Literal["out", "in", "both"] = "out",
    ) -> ColumnElement[bool]:
        """A predicate for ``where()``: the row is a direct neighbour of *start*."""
        return cls.reachable_from(start, labels, min_hops=1, max_hops=1, direction=direction)

    @classmethod
    def walk(cls, start: Any, *steps: str | tuple[str, Literal["out", "in", "both"]]) -> Subquery:
        """Rows at the end of typed *steps* from *start*: columns ``vid``, ``paths``, ``id``."""
        from .algorithms import walk

        return walk(cls, start, *steps)

    @classmethod
    def degree(
        cls, labels: str | Sequence[str], *, direction: Literal["out", "in", "both"] = "out"
    ) -> ColumnElement[int]:
        """A column expression: the number of *labels* edges at each row."""
        from .traverse import degree

        return degree(cls, labels, direction=direction)


class GraphEdge:
    """Mixin for an association class: each row is an edge carrying its columns.

    Class attributes: ``__edge_label__`` (default: the class name in upper
    case), ``__edge_source__`` and ``__edge_target__`` (a foreign-key column or a
    many-to-one relationship, each pointing at a ``GraphNode`` class),
    ``__graph_properties__`` / ``__graph_exclude__`` as for :class:`GraphNode`
    (the default leaves out the source and target columns).
    """

    __edge_label__: ClassVar[str | None] = None
    __edge_source__: ClassVar[str]
    __edge_target__: ClassVar[str]
    __graph_properties__: ClassVar[Sequence[str] | None] = None
    __graph_exclude__: ClassVar[Sequence[str]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if _owns_table(cls):
            _label_of(cls, "__edge_label__", cls.__name__.upper())
            for attr in ("__edge_source__", "__edge_target__"):
                if not isinstance(getattr(cls, attr, None), str):
                    raise GraphDeclarationError(
                        f"{cls.__name__} is a GraphEdge: set {attr} to the name of a foreign-key "
                        "column or many-to-one relationship"
                    )
            _register(cls)


# -- resolving edges (needs configured mappers) ---------------------------------


def _target_node(
    table: Table, cols: list[Column[Any]], by_table: dict[Table, NodeSpec], where: str
) -> tuple[NodeSpec, list[Column[Any]]]:
    """Find the GraphNode that FK columns *cols* point at; return it and cols in pk order."""
    target_table: Table | None = None
    pairs: dict[Column[Any], Column[Any]] = {}
    for col in cols:
        fks = list(col.foreign_keys)
        if len(fks) != 1:
            raise GraphDeclarationError(
                f"{where}: column {col.name!r} needs exactly one foreign key"
            )
        ref = fks[0].column
        if target_table is not None and ref.table is not target_table:
            raise GraphDeclarationError(f"{where}: the columns point at different tables")
        target_table = ref.table
        pairs[ref] = col
    assert target_table is not None
    node = by_table.get(target_table)
    if node is None:
        raise GraphDeclarationError(
            f"{where} points at table {target_table.name!r}, which is not a GraphNode: "
            "add the GraphNode mixin to its class"
        )
    try:
        ordered = [pairs[pk] for pk in node.pk]
    except KeyError as err:
        raise GraphDeclarationError(
            f"{where}: the foreign key must cover the whole primary key of {target_table.name!r}"
        ) from err
    return node, ordered


def _end_columns(
    cls: type, name: str, by_table: dict[Table, NodeSpec]
) -> tuple[NodeSpec, list[Column[Any]]]:
    from sqlalchemy import inspect

    mapper: Mapper[Any] = inspect(cls)
    table: Table = cls.__dict__["__table__"]
    where = f"{cls.__name__}.{name}"
    if name in mapper.relationships:
        rel = mapper.relationships[name]
        if rel.direction.name != "MANYTOONE":
            raise GraphDeclarationError(f"{where} must be a many-to-one relationship")
        cols = [cast(Column[Any], local) for local, _remote in rel.local_remote_pairs]
        return _target_node(table, cols, by_table, where)
    if name in table.columns:
        return _target_node(table, [table.columns[name]], by_table, where)
    raise GraphDeclarationError(f"{where}: no such column or relationship")


def _edges_of(
    cls: type, nodes: dict[type, NodeSpec], by_table: dict[Table, NodeSpec]
) -> list[EdgeSpec]:
    from sqlalchemy import inspect

    mapper: Mapper[Any] = inspect(cls)
    out: list[EdgeSpec] = []
    if issubclass(cls, GraphEdge):
        table: Table = cls.__dict__["__table__"]
        label = _label_of(cls, "__edge_label__", cls.__name__.upper())
        source, scols = _end_columns(cls, cls.__edge_source__, by_table)
        target, tcols = _end_columns(cls, cls.__edge_target__, by_table)
        if source.graph != target.graph:
            raise GraphDeclarationError(
                f"{cls.__name__}: source and target are in different graphs"
            )
        exclude = set(getattr(cls, "__graph_exclude__", ())) | {c.key for c in scols + tcols}
        pk = list(table.primary_key.columns)
        if not pk:
            raise GraphDeclarationError(f"{cls.__name__} needs a primary key to be a GraphEdge")
        _check_key(cls.__name__, pk)
        out.append(
            EdgeSpec(
                "association",
                source.graph,
                label,
                table,
                source,
                target,
                scols,
                tcols,
                cls.__name__,
                _props(cls, table, exclude),
                pk,
            )
        )
    if not issubclass(cls, GraphNode):
        return out
    me = _node_spec(cls)  # a joined-inheritance subclass: its base class's vertices
    own_table: Table = cls.__dict__["__table__"]
    own_pk = [own_table.columns[c.name] for c in own_table.primary_key.columns]
    for rel in mapper.relationships:
        marker = rel.info.get(_EDGE_KEY)
        if marker is None or rel.parent.class_ is not cls:
            continue
        where = f"{cls.__name__}.{rel.key}"
        target_spec = nodes.get(rel.mapper.class_)
        if target_spec is None:
            raise GraphDeclarationError(
                f"{where} points at {rel.mapper.class_.__name__}, which is not a GraphNode"
            )
        if target_spec.graph != me.graph:
            raise GraphDeclarationError(f"{where}: both ends must be in the same graph")
        if rel.secondary is not None:
            assert rel.secondary_synchronize_pairs is not None
            local = {p: cast(Column[Any], sec) for p, sec in rel.synchronize_pairs}
            remote = {p: cast(Column[Any], sec) for p, sec in rel.secondary_synchronize_pairs}
            secondary = cast(Table, rel.secondary)
            try:
                lcols = [local[c] for c in me.pk]
                rcols = [remote[c] for c in target_spec.pk]
            except KeyError as err:
                raise GraphDeclarationError(
                    f"{where}: the secondary table must hold both primary keys"
                ) from err
            src, tgt, scols, tcols = me, target_spec, lcols, rcols
            if marker.direction == "in":
                src, tgt, scols, tcols = tgt, src, tcols, scols
            out.append(
                EdgeSpec(
                    "secondary",
                    me.graph,
                    marker.label,
                    secondary,
                    src,
                    tgt,
                    scols,
                    tcols,
                    where,
                )
            )
        elif rel.direction.name == "MANYTOONE":
            fk_cols = [cast(Column[Any], local) for local, _remote in rel.local_remote_pairs]
            _node, ordered = _target_node(me.table, fk_cols, by_table, where)
            out.append(_fk_edge(me, own_table, own_pk, target_spec, ordered, marker, where))
        else:
            raise GraphDeclarationError(
                f"{where}: graph_edge() goes on a many-to-one or many-to-many relationship "
                "(for one-to-many, mark the many-to-one side)"
            )
    for col in own_table.columns:
        marker = col.info.get(_EDGE_KEY)
        if marker is None:
            continue
        where = f"{cls.__name__}.{col.key}"
        target_spec, ordered = _target_node(me.table, [col], by_table, where)
        if target_spec.graph != me.graph:
            raise GraphDeclarationError(f"{where}: both ends must be in the same graph")
        out.append(_fk_edge(me, own_table, own_pk, target_spec, ordered, marker, where))
    return out


def _fk_edge(
    me: NodeSpec,
    table: Table,
    key: list[Column[Any]],
    target: NodeSpec,
    fk_cols: list[Column[Any]],
    marker: EdgeMarker,
    where: str,
) -> EdgeSpec:
    """FK edges, written by triggers on *table* (the declaring class's own table).

    *key* holds the declaring row's primary key in *table* (for a joined-inheritance
    subclass, its own key columns, equal to its base class's key).
    """
    if marker.direction == "out":
        return EdgeSpec("fk", me.graph, marker.label, table, me, target, key, fk_cols, where)
    return EdgeSpec("fk", me.graph, marker.label, table, target, me, fk_cols, key, where)
