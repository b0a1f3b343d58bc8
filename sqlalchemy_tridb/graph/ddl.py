"""Graph DDL constructs (kept for its import path; the code is in `.schema`)."""

from __future__ import annotations

from .schema import CreateGraph as CreateGraph
from .schema import CreateLabel as CreateLabel
from .schema import CreateSyncFunction as CreateSyncFunction
from .schema import CreateSyncTrigger as CreateSyncTrigger
from .schema import DropGraph as DropGraph
from .schema import DropLabel as DropLabel
from .schema import DropSyncFunction as DropSyncFunction
from .schema import create_graph_objects as create_graph_objects
from .schema import drop_graph_objects as drop_graph_objects
from .schema import graph_ddl as graph_ddl

__all__ = [
    "CreateGraph",
    "CreateLabel",
    "CreateSyncFunction",
    "CreateSyncTrigger",
    "DropGraph",
    "DropLabel",
    "DropSyncFunction",
    "create_graph_objects",
    "drop_graph_objects",
    "graph_ddl",
]
