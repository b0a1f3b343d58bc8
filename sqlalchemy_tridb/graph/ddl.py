"""DDL constructs for graphs, labels, their indexes and the sync triggers.

They are ``ExecutableDDLElement`` subclasses compiled with ``@compiles``, and
``metadata.create_all()`` runs them (through listeners scoped to that one
``MetaData``, installed when the first ``GraphNode``/``GraphEdge`` class is
defined on it).  Each is idempotent, so ``create_all`` can run again.  Graphs and
labels are never created lazily inside a flush: AGE fails a transaction when two
sessions create the same label at once (apache/age#2465).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler

from .._identifiers import quote_ident as q
from .._identifiers import validate_graph_name, validate_label
from .declare import EdgeSpec, GraphRegistry, NodeSpec
from .sync import Trigger, edge_triggers, node_triggers


def _lit(name: str) -> str:
    return "'" + name + "'"


#: AGE 1.8's create_graph / create_vlabel name ``graphid_ops`` unqualified, so
#: ``ag_catalog`` must be on the search path while they run: append it for the
#: rest of the transaction if the connection set-up did not.
_AG_PATH = (
    "IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN "
    "PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', true); "
    "END IF;"
)


def _index_name(label: str, suffix: str) -> str:
    name = f"{label}_tridb_{suffix}"
    if len(name) > 63:
        name = f"{label[:45]}_{hashlib.sha1(label.encode()).hexdigest()[:8]}_tridb_{suffix}"
    return name


class CreateGraph(ExecutableDDLElement):
    """``create_graph(name)`` unless the graph exists."""

    inherit_cache = False

    def __init__(self, name: str) -> None:
        self.name = validate_graph_name(name)


class DropGraph(ExecutableDDLElement):
    """``drop_graph(name, true)`` if the graph exists (its labels and data go with it)."""

    inherit_cache = False

    def __init__(self, name: str) -> None:
        self.name = validate_graph_name(name)


class CreateLabel(ExecutableDDLElement):
    """A vertex (``kind="v"``) or edge (``"e"``) label and the indexes the library needs.

    Vertex labels get a unique index on ``id`` (AGE 1.5 creates none on label
    tables); edge labels also get ``(start_id, end_id)`` and ``(end_id, start_id)``.
    """

    inherit_cache = False

    def __init__(self, graph: str, label: str, kind: Literal["v", "e"]) -> None:
        self.graph = validate_graph_name(graph)
        self.label = validate_label(label)
        self.kind = kind


class CreateSync(ExecutableDDLElement):
    """The sync triggers (and their functions) of one table."""

    inherit_cache = False

    def __init__(self, triggers: list[Trigger]) -> None:
        self.triggers = triggers


class DropSync(CreateSync):
    """Drop the sync triggers and their functions."""


@compiles(CreateGraph)
def _create_graph(element: CreateGraph, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"DO $tridb$ BEGIN {_AG_PATH} "
        "IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = "
        f"{_lit(element.name)}) THEN PERFORM ag_catalog.create_graph({_lit(element.name)}); "
        "END IF; END $tridb$"
    )


@compiles(DropGraph)
def _drop_graph(element: DropGraph, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        "DO $tridb$ BEGIN IF EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = "
        f"{_lit(element.name)}) THEN PERFORM ag_catalog.drop_graph({_lit(element.name)}, true); "
        "END IF; END $tridb$"
    )


@compiles(CreateLabel)
def _create_label(element: CreateLabel, compiler: DDLCompiler, **kw: Any) -> str:
    g, lbl = element.graph, element.label
    fn = "create_vlabel" if element.kind == "v" else "create_elabel"
    table = f"{q(g)}.{q(lbl)}"
    stmts = [
        _AG_PATH,
        "IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g "
        f"ON l.graph = g.graphid WHERE g.name = {_lit(g)} AND l.name = {_lit(lbl)}) THEN "
        f"PERFORM ag_catalog.{fn}({_lit(g)}, {_lit(lbl)}); END IF;",
        # AGE 1.8 makes a unique id index itself ("<label>_pkey"); 1.5 makes none
        "IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
        "i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = "
        f"{_lit(table)}::regclass AND i.indisunique AND i.indnatts = 1 AND a.attname = 'id') "
        f"THEN CREATE UNIQUE INDEX IF NOT EXISTS {q(_index_name(lbl, 'id'))} ON {table} (id); "
        "END IF;",
    ]
    if element.kind == "e":
        stmts += [
            f"CREATE INDEX IF NOT EXISTS {q(_index_name(lbl, 'start'))} ON {table} "
            "(start_id, end_id);",
            f"CREATE INDEX IF NOT EXISTS {q(_index_name(lbl, 'end'))} ON {table} "
            "(end_id, start_id);",
        ]
    return "DO $tridb$ BEGIN " + " ".join(stmts) + " END $tridb$"


@compiles(CreateSync)
def _create_sync(element: CreateSync, compiler: DDLCompiler, **kw: Any) -> str:
    return ";\n".join(s for t in element.triggers for s in t.create_sql())


@compiles(DropSync)
def _drop_sync(element: DropSync, compiler: DDLCompiler, **kw: Any) -> str:
    return ";\n".join(s for t in element.triggers for s in t.drop_sql())


def graph_ddl(nodes: list[NodeSpec], edges: list[EdgeSpec]) -> list[ExecutableDDLElement]:
    """The DDL that creates the graphs, labels, indexes and triggers of the declarations."""
    out: list[ExecutableDDLElement] = []
    for graph in dict.fromkeys([n.graph for n in nodes] + [e.graph for e in edges]):
        out.append(CreateGraph(graph))
    out += [CreateLabel(n.graph, n.label, "v") for n in nodes]
    out += [CreateLabel(e.graph, e.label, "e") for e in edges]
    out += [CreateSync(node_triggers(n)) for n in nodes]
    out += [CreateSync(edge_triggers(e)) for e in edges]
    return out


def create_graph_objects(connection: Connection, registry: GraphRegistry) -> None:
    """Create every graph object declared in *registry* on *connection*."""
    nodes, edges = registry.resolve()
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS age")
    for ddl in graph_ddl(nodes, edges):
        if isinstance(ddl, CreateSync):  # one statement per call (extended query protocol)
            for trigger in ddl.triggers:
                for statement in trigger.create_sql():
                    connection.exec_driver_sql(statement)
        else:
            connection.execute(ddl)


def drop_graph_objects(connection: Connection, registry: GraphRegistry) -> None:
    """Drop the triggers' functions and the graphs declared in *registry*."""
    nodes, edges = registry.resolve()
    for spec in [*(node_triggers(n) for n in nodes), *(edge_triggers(e) for e in edges)]:
        for trig in spec:
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {trig.function}() CASCADE")
    for graph in dict.fromkeys(n.graph for n in nodes):
        connection.execute(DropGraph(graph))


def install_ddl(metadata: MetaData, registry: GraphRegistry) -> None:
    """Have ``metadata.create_all``/``drop_all`` create/drop the graph objects (once)."""
    if registry.ddl_installed:
        return

    def after_create(target: MetaData, connection: Connection, **kw: Any) -> None:
        create_graph_objects(connection, registry)

    def after_drop(target: MetaData, connection: Connection, **kw: Any) -> None:
        drop_graph_objects(connection, registry)

    event.listen(metadata, "after_create", after_create)
    event.listen(metadata, "after_drop", after_drop)
    registry.ddl_installed = True
