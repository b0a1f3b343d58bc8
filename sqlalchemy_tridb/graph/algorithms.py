"""Graph algorithms (kept for its import path; the code is in `.query`)."""

from __future__ import annotations

from .query import Step as Step
from .query import degree_centrality as degree_centrality
from .query import pagerank as pagerank
from .query import suggest_connections as suggest_connections
from .query import walk as walk

__all__ = ["Step", "degree_centrality", "pagerank", "suggest_connections", "walk"]
