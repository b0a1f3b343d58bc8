"""The graph mirror: rows as vertices, relationships and association rows as edges.

Rooms, from the bottom up: `.properties` (which columns, and how they
become agtype), `.spec` (what a declaration means), `.edges` and
`.registry` (resolving declarations),
`.identity` (the vertex-id rule), `.triggers` and `.schema` (the
SQL that keeps the graph in step, as DDL constructs), `.query`
(traversal), and `.declare` (the mixins).
"""

from __future__ import annotations

from .access import GrantGraphRead as GrantGraphRead
from .access import RevokeGraphRead as RevokeGraphRead
from .access import grant_graph_read as grant_graph_read
from .access import revoke_graph_read as revoke_graph_read
from .declare import GraphEdge as GraphEdge
from .declare import GraphNode as GraphNode
from .query import GraphPath as GraphPath
from .registry import GraphRegistry as GraphRegistry
from .registry import registry_for as registry_for
from .schema import CreateGraph as CreateGraph
from .schema import CreateLabel as CreateLabel
from .schema import CreateSyncFunction as CreateSyncFunction
from .schema import CreateSyncTrigger as CreateSyncTrigger
from .schema import DropGraph as DropGraph
from .schema import DropLabel as DropLabel
from .schema import DropSyncFunction as DropSyncFunction
from .schema import EnableSyncAlways as EnableSyncAlways
from .schema import create_graph_objects as create_graph_objects
from .schema import drop_graph_objects as drop_graph_objects
from .schema import enable_sync_always as enable_sync_always
from .schema import graph_ddl as graph_ddl
from .spec import DEFAULT_GRAPH as DEFAULT_GRAPH
from .spec import EdgeSpec as EdgeSpec
from .spec import NodeSpec as NodeSpec
from .spec import graph_edge as graph_edge
from .triggers import Trigger as Trigger
from .triggers import edge_triggers as edge_triggers
from .triggers import function_settings as function_settings
from .triggers import node_triggers as node_triggers

__all__ = [
    "DEFAULT_GRAPH",
    "CreateGraph",
    "CreateLabel",
    "CreateSyncFunction",
    "CreateSyncTrigger",
    "DropGraph",
    "DropLabel",
    "DropSyncFunction",
    "EdgeSpec",
    "EnableSyncAlways",
    "GrantGraphRead",
    "GraphEdge",
    "GraphNode",
    "GraphPath",
    "GraphRegistry",
    "NodeSpec",
    "RevokeGraphRead",
    "Trigger",
    "create_graph_objects",
    "drop_graph_objects",
    "edge_triggers",
    "enable_sync_always",
    "function_settings",
    "grant_graph_read",
    "graph_ddl",
    "graph_edge",
    "node_triggers",
    "registry_for",
    "revoke_graph_read",
]
