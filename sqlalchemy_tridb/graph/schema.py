"""DDL constructs for graphs, labels, their indexes and the sync triggers.

Each is a `TextDDL`: one statement, run with
``connection.execute()``, idempotent so ``create_all`` can run again.
``metadata.create_all()`` / ``drop_all()`` run them through listeners scoped to
that one ``MetaData``, installed when the first ``GraphNode``/``GraphEdge``
class is defined on it.  Graphs and labels are never created lazily inside a
flush: AGE fails a transaction when two sessions create the same label at once
(apache/age#2465).
"""

from __future__ import annotations

import textwrap
from typing import Any, Literal

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection
from sqlalchemy.schema import ExecutableDDLElement

from ..sql import (
    bounded_identifier,
    qualified_table,
    quote_ident,
    sql_literal,
    validate_graph_name,
    validate_label,
)
from ..sql.age import label_table_sql
from ..sql.ddl import CreateExtension, LockDDL, TextDDL
from .fill import fill_new_labels
from .identity import key_map_ddl, key_table_sql
from .properties import json_function_ddl, json_function_sql
from .registry import GraphRegistry
from .spec import EdgeSpec, NodeSpec
from .triggers import Trigger, edge_triggers, node_triggers

LabelKind = Literal["v", "e"]

#: AGE 1.8's create_graph / create_vlabel name ``graphid_ops`` unqualified, so
#: ``ag_catalog`` must be on the search path while they run: append it for the
#: rest of the transaction if the connection set-up did not.
_AG_PATH = """\
    IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN
        PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
    END IF;"""


def _do(*blocks: str) -> str:
    return "DO $tridb$\nBEGIN\n" + "\n".join(blocks) + "\nEND\n$tridb$"


def _label_exists(graph: str, label: str) -> str:
    return (
        "EXISTS (\n        SELECT 1 FROM ag_catalog.ag_label l\n"
        "        JOIN ag_catalog.ag_graph g ON l.graph = g.graphid\n"
        f"        WHERE g.name = {sql_literal(graph)} AND l.name = {sql_literal(label)}\n    )"
    )


def _graph_exists(graph: str) -> str:
    return f"EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = {sql_literal(graph)})"


def _key_map(graph: str) -> str:
    """The statements (in a DO block) creating *graph*'s key map and JSON function if missing."""
    stmts = "\n".join(textwrap.indent(stmt, "    ") + ";" for stmt in key_map_ddl(graph))
    fn = sql_literal(f"{json_function_sql(graph)}(jsonb)")
    create_fn = textwrap.indent(json_function_ddl(graph), "        ")
    return (
        f"{stmts}\n    IF pg_catalog.to_regprocedure({fn}) IS NULL THEN\n{create_fn};\n    END IF;"
    )


def index_name(label: str, suffix: str) -> str:
    """The name of an index the library adds to a label's table (bounded, hashed).

    :param label: the label whose table gets the index.
    :param suffix: what the index is for: ``id``, or ``start`` / ``end`` for an
        edge label's end-point indexes.
    """
    return bounded_identifier(f"{label}_tridb_{suffix}")


class CreateGraph(TextDDL):
    """``create_graph(name)`` unless the graph exists, and the graph's key map.

    The key map (``"tridb$keys"``) and its sequence hold the vertex ids of keys
    that are not their own ids (see `sqlalchemy_tridb.graph.identity`).

    :param name: the graph's name (validated as AGE requires).
    """

    def __init__(self, name: str) -> None:
        self.name = validate_graph_name(name)

    def sql(self) -> str:
        """The statement's text."""
        name = sql_literal(self.name)
        return _do(
            _AG_PATH,
            f"    IF NOT {_graph_exists(self.name)} THEN\n"
            f"        PERFORM ag_catalog.create_graph({name});\n    END IF;",
            _key_map(self.name),
        )


class DropGraph(TextDDL):
    """``drop_graph(name, true)`` if the graph exists (its labels and data go with it).

    :param name: the graph's name.
    """

    def __init__(self, name: str) -> None:
        self.name = validate_graph_name(name)

    def sql(self) -> str:
        """The statement's text."""
        name = sql_literal(self.name)
        # nothing to drop where AGE was never installed (drop_all on a fresh database)
        return _do(
            "    IF pg_catalog.to_regclass('ag_catalog.ag_graph') IS NOT NULL THEN\n"
            f"        IF {_graph_exists(self.name)} THEN\n"
            f"            PERFORM ag_catalog.drop_graph({name}, true);\n        END IF;\n"
            "    END IF;"
        )


class CreateLabel(TextDDL):
    """A vertex (``kind="v"``) or edge (``"e"``) label and the indexes the library needs.

    Vertex labels get a unique index on ``id`` (AGE 1.5 creates none on label
    tables); edge labels also get ``(start_id, end_id)`` and ``(end_id, start_id)``.

    :param graph: the graph, which must exist.
    :param label: the label's name.
    :param kind: ``"v"`` for a vertex label, ``"e"`` for an edge label.
    """

    def __init__(self, graph: str, label: str, kind: LabelKind) -> None:
        self.graph = validate_graph_name(graph)
        self.label = validate_label(label)
        self.kind = kind

    def sql(self) -> str:
        """The statement's text."""
        g, lbl = sql_literal(self.graph), sql_literal(self.label)
        fn = "create_vlabel" if self.kind == "v" else "create_elabel"
        table = label_table_sql(self.graph, self.label)
        blocks = [
            _AG_PATH,
            _key_map(self.graph),  # for graphs made before the key map, or by hand
            f"    IF NOT {_label_exists(self.graph, self.label)} THEN\n"
            f"        PERFORM ag_catalog.{fn}({g}, {lbl});\n    END IF;",
            # AGE 1.8 makes a unique id index itself ("<label>_pkey"); 1.5 makes none
            "    IF NOT EXISTS (\n        SELECT 1 FROM pg_catalog.pg_index i\n"
            "        JOIN pg_catalog.pg_attribute a\n"
            "          ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]\n"
            f"        WHERE i.indrelid = {sql_literal(table)}::regclass\n"
            "          AND i.indisunique AND i.indnatts = 1 AND a.attname = 'id'\n    ) THEN\n"
            f"        CREATE UNIQUE INDEX IF NOT EXISTS {quote_ident(index_name(self.label, 'id'))}"
            f"\n            ON {table} (id);\n    END IF;",
        ]
        if self.kind == "e":
            for suffix, cols in (("start", "start_id, end_id"), ("end", "end_id, start_id")):
                name = quote_ident(index_name(self.label, suffix))
                blocks.append(
                    f"    CREATE INDEX IF NOT EXISTS {name}\n        ON {table} ({cols});"
                )
        return _do(*blocks)


class DropLabel(TextDDL):
    """``drop_label(graph, label)`` if the label exists (its table and data go with it).

    :param graph: the graph.
    :param label: the label's name.
    """

    def __init__(self, graph: str, label: str) -> None:
        self.graph = validate_graph_name(graph)
        self.label = validate_label(label)

    def sql(self) -> str:
        """The statement's text."""
        g, lbl = sql_literal(self.graph), sql_literal(self.label)
        keys = key_table_sql(self.graph)
        return _do(
            f"    IF {_label_exists(self.graph, self.label)} THEN\n"
            f"        IF pg_catalog.to_regclass({sql_literal(keys)}) IS NOT NULL THEN\n"
            f"            DELETE FROM {keys} WHERE label = ag_catalog._label_id({g}, {lbl});\n"
            "        END IF;\n"
            f"        PERFORM ag_catalog.drop_label({g}, {lbl});\n    END IF;"
        )


class CreateSyncFunction(TextDDL):
    """``CREATE OR REPLACE FUNCTION`` of one sync trigger.

    :param trigger: the trigger, from `node_triggers()` / `edge_triggers()`.
    """

    def __init__(self, trigger: Trigger) -> None:
        self.trigger = trigger

    def sql(self) -> str:
        """The statement's text."""
        return self.trigger.function_sql()


class CreateSyncTrigger(CreateSyncFunction):
    """``CREATE OR REPLACE TRIGGER`` of one sync trigger (its function must exist)."""

    def sql(self) -> str:
        """The statement's text."""
        return self.trigger.trigger_sql()


class DropSyncFunction(CreateSyncFunction):
    """``DROP FUNCTION IF EXISTS ... CASCADE`` of one sync trigger (the trigger goes with it)."""

    def sql(self) -> str:
        """The statement's text."""
        return self.trigger.drop_function_sql()


class EnableSyncAlways(CreateSyncFunction):
    """``ALTER TABLE ... ENABLE ALWAYS TRIGGER``: the trigger fires in replica sessions too.

    Sessions with ``session_replication_role = replica`` (logical-replication
    subscribers, ``pg_restore --disable-triggers``) skip ordinary triggers, so
    their writes bypass the mirror; a subscriber whose graph should follow its
    rows enables the sync triggers ``ALWAYS``.
    """

    def sql(self) -> str:
        """The statement's text."""
        t = self.trigger
        return f"ALTER TABLE {qualified_table(t.table)} ENABLE ALWAYS TRIGGER {quote_ident(t.name)}"


def enable_sync_always(connection: Connection, registry: GraphRegistry) -> None:
    """Have every sync trigger of *registry* fire in replica sessions too.

    :param connection: a connection of the tables' owner.
    :param registry: the graph declarations (``registry_for(Base.metadata)``).
    """
    for trigger in sync_triggers(*registry.resolve()):
        connection.execute(EnableSyncAlways(trigger))


def sync_triggers(nodes: list[NodeSpec], edges: list[EdgeSpec]) -> list[Trigger]:
    """Every sync trigger of the declarations, vertices first.

    :param nodes: the vertex labels' specs (`GraphRegistry.resolve()`'s first list).
    :param edges: the edge labels' specs (its second list).
    """
    return [t for n in nodes for t in node_triggers(n)] + [
        t for e in edges for t in edge_triggers(e)
    ]


def graph_ddl(nodes: list[NodeSpec], edges: list[EdgeSpec]) -> list[ExecutableDDLElement]:
    """The DDL that creates the graphs, labels, indexes and triggers of the declarations.

    :param nodes: the vertex labels' specs (`GraphRegistry.resolve()`'s first list).
    :param edges: the edge labels' specs (its second list).
    """
    out: list[ExecutableDDLElement] = []
    for graph in dict.fromkeys([n.graph for n in nodes] + [e.graph for e in edges]):
        out.append(CreateGraph(graph))
    out += [CreateLabel(n.graph, n.label, "v") for n in nodes]
    out += [CreateLabel(e.graph, e.label, "e") for e in edges]
    for trigger in sync_triggers(nodes, edges):
        out += [CreateSyncFunction(trigger), CreateSyncTrigger(trigger)]
    return out


def drop_graph_ddl(nodes: list[NodeSpec], edges: list[EdgeSpec]) -> list[ExecutableDDLElement]:
    """The DDL that drops the triggers' functions and the graphs of the declarations.

    :param nodes: the vertex labels' specs (`GraphRegistry.resolve()`'s first list).
    :param edges: the edge labels' specs (its second list).
    """
    out: list[ExecutableDDLElement] = [DropSyncFunction(t) for t in sync_triggers(nodes, edges)]
    out += [DropGraph(g) for g in dict.fromkeys(n.graph for n in nodes)]
    return out


def create_graph_objects(connection: Connection, registry: GraphRegistry) -> None:
    """Create every graph object declared in *registry* on *connection*.

    :param connection: a connection of a role that may create extensions,
        graphs and triggers on the tables (their owner).
    :param registry: the graph declarations (``registry_for(Base.metadata)``).
    """
    connection.execute(LockDDL())
    connection.execute(CreateExtension("age"))
    for ddl in graph_ddl(*registry.resolve()):
        connection.execute(ddl)


def drop_graph_objects(connection: Connection, registry: GraphRegistry) -> None:
    """Drop the triggers' functions and the graphs declared in *registry*.

    :param connection: a connection of the graphs' and tables' owner.
    :param registry: the graph declarations (``registry_for(Base.metadata)``).
    """
    connection.execute(LockDDL())
    for ddl in drop_graph_ddl(*registry.resolve()):
        connection.execute(ddl)


def install_ddl(metadata: MetaData, registry: GraphRegistry) -> None:
    """Have ``metadata.create_all``/``drop_all`` create/drop the graph objects (once).

    ``create_all`` also fills each label that is empty over a table with rows
    (`fill_new_labels()`).

    :param metadata: the ``MetaData`` whose ``create_all`` / ``drop_all`` get
        the ``after_create`` / ``after_drop`` listeners.
    :param registry: the graph declarations of *metadata* (``registry_for(metadata)``).
    """
    if registry.ddl_installed:
        return

    def after_create(target: MetaData, connection: Connection, **kw: Any) -> None:
        create_graph_objects(connection, registry)
        fill_new_labels(connection, registry)  # labels made over tables that have rows

    def after_drop(target: MetaData, connection: Connection, **kw: Any) -> None:
        drop_graph_objects(connection, registry)

    event.listen(metadata, "after_create", after_create)
    event.listen(metadata, "after_drop", after_drop)
    registry.ddl_installed = True
