"""What every traversal needs: the start's spec and key, edge labels, checks, edge steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, Text, inspect, literal, select, union_all
from sqlalchemy.exc import NoInspectionAvailable

from ...exc import TraversalError
from ...sql import validate_label
from ...sql.age import label_id, label_table
from ..identity import vertex_id
from ..registry import registry_for
from ..spec import Direction, EdgeSpec, NodeSpec, find_node_spec

#: The largest hop count accepted: deeper walks are refused with TraversalError.
MAX_HOPS = 10

#: The opposite of each direction.
REVERSE: dict[Direction, Direction] = {"out": "in", "in": "out", "both": "both"}


def describe(obj: Any) -> str:
    """*obj* for an error message: its class and key (``User(id=3)``), never a bare repr."""
    try:
        state = inspect(obj)
    except NoInspectionAvailable:
        return f"a {type(obj).__name__}"
    name = type(obj).__name__
    identity = state.identity
    if identity is None:
        return f"a new {name}"
    cols = [c.key for c in state.mapper.primary_key]
    parts = ", ".join(f"{c}={v!r}" for c, v in zip(cols, identity, strict=False))
    return f"{name}({parts})"


def spec_of_class(cls: type) -> NodeSpec:
    """The `NodeSpec` of a mapped vertex class, else `TraversalError`."""
    spec = find_node_spec(cls) if isinstance(cls, type) else None
    if spec is None or "__table__" not in vars(cls):
        name = cls.__name__ if isinstance(cls, type) else repr(cls)
        raise TraversalError(f"{name} is not a mapped GraphNode class")
    return spec


def spec_of_instance(obj: Any) -> NodeSpec:
    """The `NodeSpec` of a vertex instance, else `TraversalError`."""
    spec = find_node_spec(type(obj))
    if spec is None:
        raise TraversalError(f"{describe(obj)} is not a GraphNode instance")
    return spec


def key_of(obj: Any) -> tuple[Any, ...]:
    """The primary key of a flushed instance."""
    state = inspect(obj)
    identity = state.identity
    if identity is None or state.pending or state.transient:
        raise TraversalError(
            f"{describe(obj)} has not been flushed: add it to the session and flush "
            "before traversing"
        )
    return tuple(identity)


def bound_key(spec: NodeSpec, key: tuple[Any, ...]) -> list[Any]:
    """*key* as bound values typed like *spec*'s key columns."""
    return [literal(v, c.type) for v, c in zip(key, spec.pk, strict=True)]


def edge_labels(spec: NodeSpec, labels: str | Sequence[str]) -> list[EdgeSpec]:
    """The declared edges of *labels* in *spec*'s graph, else `TraversalError`."""
    names = [labels] if isinstance(labels, str) else list(labels)
    if not names:
        raise TraversalError("name at least one edge label")
    _nodes, edges = registry_for(spec.table.metadata).resolve()
    declared = {e.label: e for e in edges if e.graph == spec.graph}
    out = []
    for name in names:
        validate_label(name, what="edge label")
        if name not in declared:
            raise TraversalError(
                f"unknown edge label {name!r} in graph {spec.graph!r}; declared: "
                f"{', '.join(sorted(declared)) or 'none'}"
            )
        out.append(declared[name])
    return out


def check_hops(min_hops: int, max_hops: int) -> None:
    """Hop bounds are integers with ``0 <= min_hops <= max_hops <= MAX_HOPS``."""
    for name, value in (("min_hops", min_hops), ("max_hops", max_hops)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TraversalError(f"{name} must be a non-negative integer, not {value!r}")
    if max_hops > MAX_HOPS:
        raise TraversalError(
            f"max_hops={max_hops} is above the cap of {MAX_HOPS}: deeper walks touch most of "
            "a connected graph; use a graph algorithm (pagerank, shortest_path) instead"
        )
    if min_hops > max_hops:
        raise TraversalError(f"min_hops ({min_hops}) is greater than max_hops ({max_hops})")


def check_direction(direction: str) -> None:
    """*direction* is ``"out"``, ``"in"`` or ``"both"``."""
    if direction not in ("out", "in", "both"):
        raise TraversalError(f"direction must be 'out', 'in' or 'both', not {direction!r}")


def edge_steps(
    edges: Sequence[EdgeSpec], direction: Direction, *, with_label: bool = False
) -> Subquery:
    """The edges of *edges*' labels as ``(src, dst)`` steps in *direction*.

    The one builder of edge unions: each label's table read forwards, backwards
    or both, ``UNION ALL``; with *with_label*, a ``label`` column says which.
    """
    parts = []
    for e in edges:
        t = label_table(e.graph, e.label, edge=True)
        ends = []
        if direction in ("out", "both"):
            ends.append((t.c.start_id, t.c.end_id))
        if direction in ("in", "both"):
            ends.append((t.c.end_id, t.c.start_id))
        for src, dst in ends:
            cols = [src.label("src"), dst.label("dst")]
            if with_label:
                cols.append(literal(e.label, Text).label("label"))
            parts.append(select(*cols))
    if len(parts) == 1:
        return parts[0].subquery("steps")
    return union_all(*parts).subquery("steps")


def label_once(spec: NodeSpec) -> Any:
    """The label id as an uncorrelated scalar subquery: evaluated once, not per row."""
    return select(label_id(spec.graph, spec.label)).scalar_subquery()


@dataclass(frozen=True)
class Start:
    """A traversal's start: its spec, its vertex id (bound) and the edges to follow."""

    spec: NodeSpec
    vid: ColumnElement[Any]
    edges: list[EdgeSpec]


def start_of(start: Any, labels: str | Sequence[str], direction: str) -> Start:
    """Validate *start* (a flushed vertex instance), *labels* and *direction*."""
    check_direction(direction)
    spec = spec_of_instance(start)
    vid = vertex_id(spec, bound_key(spec, key_of(start)))
    return Start(spec, vid, edge_labels(spec, labels))
