"""Queries over the mirror: reachability, paths, walks and centrality.

Everything runs as plain SQL over AGE's edge label tables (indexed by the
library), composable with ``select()``; the functions that need several round
trips (shortest paths, PageRank) take a session.
"""

from __future__ import annotations

from .centrality import degree_centrality as degree_centrality
from .centrality import pagerank as pagerank
from .common import MAX_HOPS as MAX_HOPS
from .paths import GraphPath as GraphPath
from .paths import shortest_path as shortest_path
from .reach import degree as degree
from .reach import in_reach as in_reach
from .reach import reachable as reachable
from .walks import Step as Step
from .walks import suggest_connections as suggest_connections
from .walks import walk as walk

__all__ = [
    "MAX_HOPS",
    "GraphPath",
    "Step",
    "degree",
    "degree_centrality",
    "in_reach",
    "pagerank",
    "reachable",
    "shortest_path",
    "suggest_connections",
    "walk",
]
