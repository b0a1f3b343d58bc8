"""Traversal inside ``select()`` (kept for its import path; the code is in `.query`)."""

from __future__ import annotations

from .query import MAX_HOPS as MAX_HOPS
from .query import GraphPath as GraphPath
from .query import degree as degree
from .query import in_reach as in_reach
from .query import reachable as reachable
from .query import shortest_path as shortest_path

__all__ = ["MAX_HOPS", "GraphPath", "degree", "in_reach", "reachable", "shortest_path"]
