"""What a declaration means: vertex and edge specs, ``graph_edge()`` markers, the key policy.

A `NodeSpec` says which table's rows are the vertices of which label, with
which key and properties; an `EdgeSpec` which rows (a foreign key, a
secondary table or an association table) are the edges of one label.  Specs
are plain data built from validated names; the triggers, DDL and queries above
are generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Table
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.schema import Column

from ..exc import GraphDeclarationError
from ..sql import validate_graph_name, validate_label
from .properties import Property, select_properties

#: The graph a class goes to when it names none.
DEFAULT_GRAPH = "tridb"
#: The ``info`` key ``graph_edge()`` writes on a relationship or column.
EDGE_INFO_KEY = "tridb.graph_edge"
#: The attribute caching a class's :class:`NodeSpec`.
SPEC_ATTRIBUTE = "_tridb_node_spec"

#: Which way edges of a declaration point: from the declaring row (``"out"``) or to it.
EdgeDirection = Literal["out", "in"]
#: Which way a traversal follows edges.
Direction = Literal["out", "in", "both"]


@dataclass(frozen=True)
class EdgeMarker:
    """What ``graph_edge()`` puts in a relationship's or column's ``info``."""

    label: str
    direction: EdgeDirection = "out"


def graph_edge(label: str, *, direction: EdgeDirection = "out") -> dict[str, Any]:
    """Mark a many-to-one or many-to-many relationship (or a FK column) as graph edges.

    Use as ``relationship(..., info=graph_edge("WORKS_AT"))``.

    :param label: the edge label (an identifier of 1 to 63 letters, digits, ``_``).
    :param direction: ``"out"`` makes edges from the declaring row to its target,
        ``"in"`` the reverse.
    """
    validate_label(label, what="edge label")
    if direction not in ("out", "in"):
        raise GraphDeclarationError(f"direction must be 'out' or 'in', not {direction!r}")
    return {EDGE_INFO_KEY: EdgeMarker(label, direction)}


@dataclass(eq=False)
class NodeSpec:
    """A mapped class mirrored as vertices."""

    cls: type
    graph: str
    label: str
    table: Table
    pk: list[Column[Any]]
    props: list[Property]


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
    props: list[Property] = field(default_factory=list)
    #: association edges: the association row's own primary key
    pk: list[Column[Any]] = field(default_factory=list)


def owns_table(cls: type) -> bool:
    """Whether *cls* maps a table of its own (not an abstract or single-table subclass)."""
    return isinstance(cls.__dict__.get("__table__"), Table)


def graph_of(cls: type) -> str:
    """The validated graph name of *cls* (``__graph__``, else `DEFAULT_GRAPH`)."""
    name = getattr(cls, "__graph__", None)
    return validate_graph_name(DEFAULT_GRAPH if name is None else name)


def label_of(cls: type, attr: str, default: str) -> str:
    """The validated label *cls* declares in its own *attr*, else *default*."""
    name = cls.__dict__.get(attr)
    return validate_label(default if name is None else name)


def edge_label_of(cls: type) -> str:
    """An association class's edge label (``__edge_label__``, else its name in upper case)."""
    return label_of(cls, "__edge_label__", cls.__name__.upper())


_STABLE_KEY_TYPES = (sqltypes.Integer, sqltypes.String, sqltypes.Uuid, sqltypes.Boolean)


def check_key(owner: str, pk: list[Column[Any]]) -> None:
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


def find_node_spec(cls: type) -> NodeSpec | None:
    """The `NodeSpec` *cls* (or, for joined inheritance, a base class) was given."""
    for klass in cls.__mro__:
        spec = klass.__dict__.get(SPEC_ATTRIBUTE)
        if isinstance(spec, NodeSpec):
            return spec
    return None


def node_spec(cls: type) -> NodeSpec:
    """The `NodeSpec` of a vertex class, built (and validated) on first use.

    A joined-table subclass shares its base class's vertices.
    """
    spec = find_node_spec(cls)
    if spec is not None:
        return spec
    table: Table = cls.__dict__["__table__"]
    label = label_of(cls, "__graph_label__", cls.__name__)
    exclude = set(getattr(cls, "__graph_exclude__", ()))
    pk = list(table.primary_key.columns)
    if not pk:
        raise GraphDeclarationError(f"{cls.__name__} needs a primary key to be a GraphNode")
    check_key(cls.__name__, pk)
    props = select_properties(cls, table, exclude)
    spec = NodeSpec(cls, graph_of(cls), label, table, pk, props)
    setattr(cls, SPEC_ATTRIBUTE, spec)
    return spec
