"""Traversal operators against the real server, cross-checked with networkx."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from sqlalchemy_tridb.exc import TraversalError
from sqlalchemy_tridb.graph.traverse import MAX_HOPS, shortest_path

from .models import WALK_GRAPH, Link, Node, Other, Person

graphs = st.integers(min_value=1, max_value=9).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(1, n), st.integers(1, n)), max_size=3 * n
        ),  # self-loops and parallel edges included
    )
)


def load(session: Session, n: int, links: list[tuple[int, int]]) -> list[Node]:
    session.execute(text("TRUNCATE node CASCADE"))
    session.execute(insert(Node), [{"id": i, "name": f"n{i}"} for i in range(1, n + 1)])
    if links:
        session.execute(
            insert(Link), [{"id": k, "src_id": a, "dst_id": b} for k, (a, b) in enumerate(links, 1)]
        )
    session.commit()
    return list(session.scalars(select(Node).order_by(Node.id)))


def nx_graph(n: int, links: list[tuple[int, int]], direction: str) -> Any:
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(1, n + 1))
    g.add_edges_from(links)
    if direction == "in":
        return g.reverse()
    if direction == "both":
        return g.to_undirected()
    return g


def expected(
    n: int, links: list[tuple[int, int]], start: int, lo: int, hi: int, d: str
) -> dict[int, int]:
    dist = nx.single_source_shortest_path_length(nx_graph(n, links, d), start, cutoff=hi)
    return {v: h for v, h in dist.items() if lo <= h <= hi}


def via_cte(session: Session, start: Node, lo: int, hi: int, d: Any) -> dict[int, int]:
    reach = Node.reachable(start, "LINK", min_hops=lo, max_hops=hi, direction=d)
    rows = session.execute(select(Node.id, reach.c.hops).join(reach, reach.c.id == Node.id)).all()
    return {i: h for i, h in rows}


def via_cypher(session: Session, start: Node, lo: int, hi: int, d: str) -> dict[int, int]:
    arrow = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}[d]
    query = (
        f"SELECT * FROM ag_catalog.cypher('{WALK_GRAPH}', $$ MATCH p = (a:Node){arrow[0]}"
        f"[:LINK*1..{hi}]{arrow[1]}(b:Node) WHERE a.id = $start RETURN b.id, min(length(p)) $$, "
        "CAST(%(params)s AS ag_catalog.agtype)) AS (b ag_catalog.agtype, h ag_catalog.agtype)"
    )
    rows = session.connection().exec_driver_sql(query, {"params": f'{{"start": {start.id}}}'}).all()
    got = {int(str(b)): int(str(h)) for b, h in rows if int(str(b)) != start.id}
    if lo == 0:
        got[start.id] = 0
    return {b: h for b, h in got.items() if lo <= h <= hi}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    graph=graphs,
    start=st.integers(1, 9),
    lo=st.integers(0, 2),
    hi=st.integers(0, 4),
    direction=st.sampled_from(["out", "in", "both"]),
)
def test_reachable_matches_networkx_and_cypher(
    session: Session, graph: Any, start: int, lo: int, hi: int, direction: str
) -> None:
    n, links = graph
    start = min(start, n)
    lo = min(lo, hi)
    nodes = load(session, n, links)
    want = expected(n, links, start, lo, hi, direction)
    assert via_cte(session, nodes[start - 1], lo, hi, direction) == want
    if hi >= 1:
        assert via_cypher(session, nodes[start - 1], lo, hi, direction) == want
    # the where() form selects the same rows
    where = set(
        session.scalars(
            select(Node.id).where(
                Node.reachable_from(
                    nodes[start - 1], "LINK", min_hops=lo, max_hops=hi, direction=direction
                )
            )
        )
    )
    assert where == set(want)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=graphs, direction=st.sampled_from(["out", "in", "both"]))
def test_degree_matches_networkx(session: Session, graph: Any, direction: str) -> None:
    n, links = graph
    load(session, n, links)
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(1, n + 1))
    g.add_edges_from(links)
    want = {"out": dict(g.out_degree()), "in": dict(g.in_degree()), "both": dict(g.degree())}
    got = dict(session.execute(select(Node.id, Node.degree("LINK", direction=direction))).all())
    assert got == want[direction]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    graph=graphs,
    a=st.integers(1, 9),
    b=st.integers(1, 9),
    direction=st.sampled_from(["out", "in", "both"]),
)
def test_shortest_path_matches_networkx(
    session: Session, graph: Any, a: int, b: int, direction: str
) -> None:
    n, links = graph
    a, b = min(a, n), min(b, n)
    nodes = load(session, n, links)
    g = nx_graph(n, links, direction)
    path = shortest_path(session, nodes[a - 1], nodes[b - 1], "LINK", direction=direction)  # type: ignore[arg-type]
    if not nx.has_path(g, a, b):
        assert path is None
        return
    assert path is not None
    assert path.length == nx.shortest_path_length(g, a, b)
    ids = [node.id for node in path.nodes]
    assert ids[0] == a and ids[-1] == b
    assert all(g.has_edge(x, y) for x, y in pairwise(ids))
    assert path.nodes[0] is nodes[a - 1]  # through the identity map


def test_operators_compose_with_filters_and_order(session: Session) -> None:
    nodes = load(session, 6, [(1, 2), (2, 3), (3, 4), (1, 5), (5, 6)])
    session.execute(
        insert(Other), [{"id": 1, "src_id": 1, "dst_id": 6}, {"id": 2, "src_id": 6, "dst_id": 4}]
    )
    session.commit()
    reach = Node.reachable(nodes[0], "LINK", max_hops=3)
    rows = session.execute(
        select(Node.name, reach.c.hops)
        .join(reach, reach.c.id == Node.id)
        .where(Node.name != "n5")
        .order_by(reach.c.hops.desc(), Node.name)
    ).all()
    assert rows == [("n4", 3), ("n3", 2), ("n6", 2), ("n2", 1)]
    both_labels = set(
        session.scalars(
            select(Node.id).where(Node.reachable_from(nodes[0], ["LINK", "OTHER"], max_hops=1))
        )
    )
    assert both_labels == {2, 5, 6}
    assert set(session.scalars(select(Node.id).where(Node.neighbors_of(nodes[5], "OTHER")))) == {4}


def test_bad_input_is_refused_before_sql(session: Session) -> None:
    nodes = load(session, 2, [(1, 2)])
    with pytest.raises(TraversalError, match="unknown edge label 'NOPE'"):
        Node.reachable_from(nodes[0], "NOPE")
    with pytest.raises(TraversalError, match="non-negative"):
        Node.reachable_from(nodes[0], "LINK", max_hops=-1)
    with pytest.raises(TraversalError, match="cap"):
        Node.reachable_from(nodes[0], "LINK", max_hops=MAX_HOPS + 1)
    with pytest.raises(TraversalError, match="greater than"):
        Node.reachable_from(nodes[0], "LINK", min_hops=3, max_hops=2)
    with pytest.raises(TraversalError, match="not been flushed"):
        Node.reachable_from(Node(id=99, name="new"), "LINK")
    with pytest.raises(TraversalError, match="not a GraphNode"):
        Node.reachable_from(object(), "LINK")
    with pytest.raises(TraversalError, match="direction"):
        Node.reachable_from(nodes[0], "LINK", direction="up")  # type: ignore[arg-type]
    p = Person(id=1, name="p")
    session.add(p)
    session.flush()
    with pytest.raises(TraversalError, match="graph"):
        Node.reachable_from(p, "FOLLOWS")
