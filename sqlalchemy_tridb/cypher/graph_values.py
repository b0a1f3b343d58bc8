"""The graph values of agtype: `Vertex`, `Edge` and `Path`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..exc import AGTypeError

__all__ = ["Edge", "Path", "Vertex"]


@dataclass(frozen=True)
class Vertex:
    """A vertex as AGE returns it: graph id, label and property map.

    :param id: the vertex's graph id (AGE's ``graphid``: the label's id in
        the high 16 bits, the entry in the low 48).
    :param label: the vertex label.
    :param properties: the vertex's properties (not part of its hash).
    """

    id: int
    label: str
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Edge:
    """An edge as AGE returns it: graph id, label, end-point ids and property map.

    :param id: the edge's graph id.
    :param label: the edge label (the relationship type).
    :param start_id: the graph id of the vertex the edge leaves.
    :param end_id: the graph id of the vertex the edge enters.
    :param properties: the edge's properties (not part of its hash).
    """

    id: int
    label: str
    start_id: int
    end_id: int
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Path:
    """A path: ``edges[i]`` joins ``vertices[i]`` and ``vertices[i + 1]``.

    :param vertices: the vertices in path order, one more than *edges*
        (else `AGTypeError`).
    :param edges: the edges in path order (none for a one-vertex path).
    """

    vertices: tuple[Vertex, ...]
    edges: tuple[Edge, ...] = ()

    def __post_init__(self) -> None:
        if len(self.vertices) != len(self.edges) + 1:
            raise AGTypeError(
                f"a path needs one vertex more than it has edges, got {len(self.vertices)} "
                f"vertices and {len(self.edges)} edges"
            )

    def elements(self) -> Iterator[Vertex | Edge]:
        """Vertices and edges in path order: ``v0, e0, v1, e1, ..., vn``."""
        yield self.vertices[0]
        for edge, vertex in zip(self.edges, self.vertices[1:], strict=True):
            yield edge
            yield vertex
