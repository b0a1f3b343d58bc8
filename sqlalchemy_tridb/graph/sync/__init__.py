"""Adopting the graph mirror over rows that exist: sync, check and repair.

    from sqlalchemy_tridb import check_graph, repair_graph, sync_graph

    report = sync_graph(engine, Base)       # the vertices and edges of the rows there are
    assert not check_graph(engine, Base).drift

`.run` walks tables and labels in batches (`sync_graph()`),
`.check` compares them in one snapshot (`check_graph()`),
`.repair` syncs what a check found (`repair_graph()`); the SQL
itself comes from `sqlalchemy_tridb.graph.fill`.
"""

from __future__ import annotations

from .check import CheckReport as CheckReport
from .check import KeyMapCheck as KeyMapCheck
from .check import LabelCheck as LabelCheck
from .check import check_graph as check_graph
from .repair import repair_graph as repair_graph
from .run import LabelSync as LabelSync
from .run import Progress as Progress
from .run import SyncReport as SyncReport
from .run import sync_graph as sync_graph

__all__ = [
    "CheckReport",
    "KeyMapCheck",
    "LabelCheck",
    "LabelSync",
    "Progress",
    "SyncReport",
    "check_graph",
    "repair_graph",
    "sync_graph",
]
