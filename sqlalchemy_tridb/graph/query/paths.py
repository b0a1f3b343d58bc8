"""Shortest paths: a bidirectional breadth-first search, one indexed query per level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Select, Text, any_, bindparam, cast, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ...exc import TraversalError
from ...sql.age import ENTRY_BITS, ENTRY_MASK, GraphId, graphid_as_bigint, label_id
from ..identity import direct_entry, is_integer_key, key_matches, key_table, vertex_id
from ..registry import registry_for
from ..spec import Direction, EdgeSpec
from .common import (
    MAX_HOPS,
    REVERSE,
    bound_key,
    check_hops,
    edge_steps,
    key_of,
    spec_of_instance,
    start_of,
)


@dataclass(frozen=True)
class GraphPath:
    """A path found by `shortest_path()`: ORM instances and the edges between them.

    :param nodes: the ORM instances along the path, from the start to the end
        (one more than *edges*).
    :param edges: ``(label, from vertex id, to vertex id)`` of each edge, in
        walking order: ``edges[i]`` leads from ``nodes[i]`` to ``nodes[i + 1]``,
        whichever way the edge itself points.
    """

    nodes: list[Any]
    edges: list[tuple[str, int, int]]

    @property
    def length(self) -> int:
        """The number of edges."""
        return len(self.edges)


def shortest_path(
    session: Session,
    start: Any,
    end: Any,
    labels: str | Sequence[str],
    *,
    max_hops: int = MAX_HOPS,
    direction: Direction = "out",
) -> GraphPath | None:
    """The shortest path from *start* to *end* over *labels* edges, or ``None``.

    A bidirectional breadth-first search: each round expands the smaller of
    the two frontiers by one level in one indexed query, so a path of length
    L costs about L queries touching about twice the square root of what a
    one-sided search would.  The path's rows are loaded through the session
    (its identity map first).

    :param session: the session to query (and load the path's rows) with.
    :param start: a flushed ``GraphNode`` instance.
    :param end: a flushed ``GraphNode`` instance of the same graph.
    :param labels: the edge label(s) to follow.
    :param max_hops: the longest path considered (at most `MAX_HOPS`).
    :param direction: ``"out"`` along edges, ``"in"`` against them, ``"both"``.
    """
    check_hops(0, max_hops)
    w = start_of(start, labels, direction)
    espec = spec_of_instance(end)
    if espec.graph != w.spec.graph:
        raise TraversalError("start and end are in different graphs")
    end_vid = vertex_id(espec, bound_key(espec, key_of(end)))
    ends = session.execute(select(w.vid, end_vid)).one()
    if ends[0] is None or ends[1] is None:  # a row whose key has no vertex id yet
        return None
    src, dst = int(ends[0]), int(ends[1])
    graph = w.spec.graph
    metadata = w.spec.table.metadata
    if src == dst:
        return GraphPath(_load(session, metadata, graph, [src]), [])
    # per side: distance and (neighbour towards the side's root, label)
    dist = ({src: 0}, {dst: 0})
    parent: tuple[dict[int, tuple[int, str]], dict[int, tuple[int, str]]] = ({}, {})
    frontier = ([src], [dst])
    best: tuple[int, int] | None = None  # (length, meeting vertex)
    while frontier[0] and frontier[1]:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        depth = dist[side][frontier[side][0]]
        if (
            best is not None
            and depth + 1 + min(dist[1 - side][v] for v in frontier[1 - side]) > best[0]
        ):
            break
        if dist[0][frontier[0][0]] + dist[1][frontier[1][0]] >= max_hops:
            break
        way = direction if side == 0 else REVERSE[direction]
        nxt: list[int] = []
        for label, a, b in _expand(session, w.edges, way, frontier[side]):
            if b in dist[side]:
                continue
            dist[side][b] = depth + 1
            parent[side][b] = (a, label)
            nxt.append(b)
            if b in dist[1 - side]:
                total = depth + 1 + dist[1 - side][b]
                if total <= max_hops and (best is None or total < best[0]):
                    best = (total, b)
        frontier = (nxt, frontier[1]) if side == 0 else (frontier[0], nxt)
    if best is None:
        return None
    chain, hops = _unwind(best[1], src, dst, parent)
    return GraphPath(_load(session, metadata, graph, chain), hops)


def _unwind(
    meet: int,
    src: int,
    dst: int,
    parent: tuple[dict[int, tuple[int, str]], dict[int, tuple[int, str]]],
) -> tuple[list[int], list[tuple[str, int, int]]]:
    """The vertex chain and edges from *src* through *meet* to *dst*."""
    chain = [meet]
    hops: list[tuple[str, int, int]] = []
    while chain[0] != src:
        prev, label = parent[0][chain[0]]
        hops.insert(0, (label, prev, chain[0]))
        chain.insert(0, prev)
    while chain[-1] != dst:
        nxt_vid, label = parent[1][chain[-1]]
        hops.append((label, chain[-1], nxt_vid))
        chain.append(nxt_vid)
    return chain, hops


def _expand(
    session: Session, edges: list[EdgeSpec], direction: Direction, frontier: list[int]
) -> list[tuple[str, int, int]]:
    """One level: ``(label, from, to)`` of every step leaving *frontier*."""
    ids = bindparam("frontier", [str(v) for v in frontier], type_=ARRAY(Text))
    steps = edge_steps(edges, direction, with_label=True)
    query = (
        select(
            steps.c.label,
            graphid_as_bigint(steps.c.src).label("a"),
            graphid_as_bigint(steps.c.dst).label("b"),
        )
        .where(steps.c.src == any_(cast(ids, ARRAY(GraphId()))))
        .order_by("a", "b")
    )
    return [(str(label), int(a), int(b)) for label, a, b in session.execute(query).all()]


def _load(session: Session, metadata: MetaData, graph: str, vids: list[int]) -> list[Any]:
    """The ORM instances of *graph*'s vertex ids *vids*, through the session's identity map."""
    nodes = [n for n in registry_for(metadata).resolve()[0] if n.graph == graph]
    label_ids = session.execute(select(*[label_id(n.graph, n.label) for n in nodes])).one()
    by_label = {int(lid): spec for lid, spec in zip(label_ids, nodes, strict=True)}
    keys = key_table(graph)
    mapped = [v for v in vids if not direct_entry(v & ENTRY_MASK)]
    texts: dict[int, str] = {}
    if mapped:
        ids = bindparam("vids", [str(v) for v in mapped], type_=ARRAY(Text))
        found_keys = select(graphid_as_bigint(keys.c.id), keys.c.key).where(
            keys.c.id == any_(cast(ids, ARRAY(GraphId())))
        )
        texts = {int(i): str(k) for i, k in session.execute(found_keys).all()}
    out: list[Any] = []
    for vid in vids:
        spec = by_label.get(vid >> ENTRY_BITS)
        if spec is None:
            raise TraversalError(f"vertex {vid} belongs to no declared GraphNode of {graph!r}")
        if direct_entry(vid & ENTRY_MASK) and is_integer_key(spec.pk):
            out.append(session.get(spec.cls, vid & ENTRY_MASK))
            continue
        if vid not in texts:
            raise TraversalError(f"vertex {vid} of {spec.cls.__name__} has no key in the key map")
        found: Select[Any] = select(spec.cls).where(key_matches(spec, literal(texts[vid], Text)))
        out.append(session.execute(found).scalar_one())
    return out
