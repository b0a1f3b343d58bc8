"""Typed walks, suggestions and centrality against the real server, checked with networkx."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sqlalchemy_tridb.exc import TraversalError
from sqlalchemy_tridb.graph.algorithms import degree_centrality, pagerank, suggest_connections

from .models import Link, Node, Other
from .test_traverse import graphs, load

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def multigraph(n: int, links: list[tuple[int, int]]) -> Any:
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(1, n + 1))
    g.add_edges_from(links)
    return g


@SETTINGS
@given(graph=graphs)
def test_pagerank_matches_networkx(session: Session, graph: Any) -> None:
    n, links = graph
    load(session, n, links)
    got = pagerank(session, Node, "LINK")
    want = nx.pagerank(multigraph(n, links), alpha=0.85, tol=1e-12, max_iter=500)
    assert set(got) == set(want)
    for k in want:
        assert got[k] == pytest.approx(want[k], abs=1e-6)


@SETTINGS
@given(graph=graphs)
def test_degree_centrality_matches_networkx(session: Session, graph: Any) -> None:
    n, links = graph
    load(session, n, links)
    got = degree_centrality(session, Node, "LINK")
    want = nx.degree_centrality(multigraph(n, links))
    assert got == pytest.approx(want)


@SETTINGS
@given(graph=graphs, start=st.integers(1, 9))
def test_suggestions_are_friends_of_friends_ranked_by_mutuals(
    session: Session, graph: Any, start: int
) -> None:
    n, links = graph
    start = min(start, n)
    nodes = load(session, n, links)
    g = nx.DiGraph(links)
    g.add_nodes_from(range(1, n + 1))
    follows = set(g.successors(start))
    want: dict[int, int] = {}
    for friend in follows:
        for fof in g.successors(friend):
            if fof != start and fof not in follows:
                want[fof] = want.get(fof, 0) + 1
    pymk = suggest_connections(Node, nodes[start - 1], "LINK")
    rows = session.execute(select(Node.id, pymk.c.mutual).join(pymk, pymk.c.id == Node.id)).all()
    assert dict(rows) == want


@SETTINGS
@given(graph=graphs, start=st.integers(1, 9))
def test_typed_walk_counts_paths(session: Session, graph: Any, start: int) -> None:
    n, links = graph
    start = min(start, n)
    nodes = load(session, n, links)
    # second step along OTHER edges: i -> (i % n) + 1
    session.execute(
        insert(Other), [{"id": i, "src_id": i, "dst_id": i % n + 1} for i in range(1, n + 1)]
    )
    session.commit()
    want: dict[int, int] = {}
    for _a, b in [(a, b) for a, b in links if a == start]:
        c = b % n + 1
        want[c] = want.get(c, 0) + 1
    w = Node.walk(nodes[start - 1], "LINK", "OTHER")
    got = dict(session.execute(select(Node.id, w.c.paths).join(w, w.c.id == Node.id)).all())
    assert got == want


def test_walk_and_pagerank_refuse_bad_input(session: Session) -> None:
    nodes = load(session, 2, [(1, 2)])
    with pytest.raises(TraversalError, match="at least one step"):
        Node.walk(nodes[0])
    with pytest.raises(TraversalError, match="unknown edge label"):
        Node.walk(nodes[0], "LINK", ("NOPE", "in"))
    with pytest.raises(TraversalError, match="damping"):
        pagerank(session, Node, "LINK", damping=1.5)
    assert Link  # the models module defines LINK edges
