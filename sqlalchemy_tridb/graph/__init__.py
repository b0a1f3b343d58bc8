"""The graph mirror: rows as vertices, relationships and association rows as edges.

See :mod:`sqlalchemy_tridb.graph.declare` for declaring, and
:mod:`sqlalchemy_tridb.graph.sync` for how the graph is kept in step.
"""

from __future__ import annotations

from .ddl import CreateGraph as CreateGraph
from .ddl import CreateLabel as CreateLabel
from .ddl import CreateSync as CreateSync
from .ddl import DropGraph as DropGraph
from .ddl import create_graph_objects as create_graph_objects
from .ddl import drop_graph_objects as drop_graph_objects
from .ddl import graph_ddl as graph_ddl
from .declare import DEFAULT_GRAPH as DEFAULT_GRAPH
from .declare import GraphEdge as GraphEdge
from .declare import GraphNode as GraphNode
from .declare import GraphRegistry as GraphRegistry
from .declare import graph_edge as graph_edge
from .declare import registry_for as registry_for

__all__ = [
    "DEFAULT_GRAPH",
    "CreateGraph",
    "CreateLabel",
    "CreateSync",
    "DropGraph",
    "GraphEdge",
    "GraphNode",
    "GraphRegistry",
    "create_graph_objects",
    "drop_graph_objects",
    "graph_ddl",
    "graph_edge",
    "registry_for",
]
