"""Whole-table fills as plain SQL: for migrations (online and ``--sql``) and ``create_all``.

``backfill_sql(spec)`` is the list of statements that makes one declaration's
label equal to its table's rows, without parameters, so Alembic can write it
out in offline mode:

    for ddl in backfill_ddl(spec):
        op.execute(ddl)

The statements first keep the session's values of the settings the triggers
fix (in ``tridb.saved_*``), set the triggers' values for the rest of the list,
and put the session's values back at the end: what runs after them in the
same transaction sees the session it had.  The downgrade of a backfill is
nothing: dropping the label (or the sync) removes what it wrote.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from ...sql import qualified_table, sql_literal
from ...sql.age import label_table_sql
from ...sql.ddl import TextDDL
from ..registry import GraphRegistry
from ..spec import EdgeSpec, NodeSpec
from ..triggers import function_settings
from . import statements as st


def _settings_sql() -> tuple[str, str, str]:
    """Save the session's settings, set the triggers', restore the session's.

    ``jit`` is turned off too, as the batch runner does: the statements have
    many subplans, and compiling them costs more than it saves.
    """
    items = {**function_settings(), "jit": "off"}
    save = ", ".join(
        f"pg_catalog.set_config('tridb.saved_{n}', "
        f"pg_catalog.current_setting({sql_literal(n)}), true)"
        for n in items
    )
    parts = []
    for name, value in items.items():
        if name == "search_path":  # the tables are found as the session finds them
            head = value.replace(", pg_temp", "")
            val = f"{sql_literal(head + ', ')} || pg_catalog.current_setting('search_path')"
        else:
            val = sql_literal(value)
        parts.append(f"pg_catalog.set_config({sql_literal(name)}, {val}, true)")
    restore = ", ".join(
        f"pg_catalog.set_config({sql_literal(n)}, "
        f"pg_catalog.current_setting('tridb.saved_{n}'), true)"
        for n in items
    )
    return f"SELECT {save}", f"SELECT {', '.join(parts)}", f"SELECT {restore}"


def _label_statements(spec: NodeSpec | EdgeSpec) -> list[str]:
    table = qualified_table(spec.table)
    lt = label_table_sql(spec.graph, spec.label)
    ids = st.LabelIds.calls(spec)
    rows = st.rows_sql(table, st.walk_key(spec), lo=False, hi=False)
    everywhere = st.id_range_sql(lo=False, hi=False)
    if isinstance(spec, NodeSpec):
        out = st.write_vertices(spec, lt, rows, ids)
        out.append(st.remove_vertices(spec, lt, table, ids, everywhere))
    elif spec.kind == "association":
        out = st.write_association_edges(spec, lt, rows, ids)
        out.append(st.remove_edges(spec, lt, table, ids, everywhere, "start"))
    else:
        anchor = st.anchor_of(spec)
        out = st.write_plain_edges(spec, lt, rows, ids, anchor)
        out.append(st.remove_edges(spec, lt, table, ids, everywhere, anchor))
    release = st.release_keys(spec, lt, ids)
    return out if release is None else [*out, release]


def backfill_sql(spec: NodeSpec | EdgeSpec) -> list[str]:
    """The statements that make *spec*'s label equal to its table's rows (plain SQL).

    Idempotent, set-based over the whole table, in the calling transaction.
    The graph and the label must exist (after ``CreateGraph`` /
    ``CreateLabel``); run vertex labels before the edges between them, so
    the key map's ids are shared.

    :param spec: a vertex (``NodeSpec``) or edge (``EdgeSpec``) declaration,
        from ``registry_for(metadata).resolve()``.
    """
    save, apply, restore = _settings_sql()
    return [save, apply, *_label_statements(spec), restore]


class BackfillStatement(TextDDL):
    """One statement of `backfill_sql()` as a construct (``op.execute()``, ``--sql``).

    :param sql: the statement's text.
    """

    def __init__(self, sql: str) -> None:
        self._sql = sql

    def sql(self) -> str:
        """The statement's text."""
        return self._sql


def backfill_ddl(spec: NodeSpec | EdgeSpec) -> list[BackfillStatement]:
    """`backfill_sql()` as constructs, for ``op.execute()`` online and offline.

    :param spec: the vertex or edge label to fill, from the graph registry.
    """
    return [BackfillStatement(s) for s in backfill_sql(spec)]


def _needs_fill(connection: Connection, spec: NodeSpec | EdgeSpec) -> bool:
    lt = label_table_sql(spec.graph, spec.label)
    sql = (
        f"SELECT NOT EXISTS (SELECT 1 FROM {lt})\n"
        f"   AND EXISTS (SELECT 1 FROM {qualified_table(spec.table)})"
    )
    return bool(connection.execute(text(sql)).scalar_one())


def fill_new_labels(connection: Connection, registry: GraphRegistry) -> list[str]:
    """Fill each label that is empty over a table that has rows; return their names.

    What ``create_all`` runs after creating the graph objects, so mixins
    added to tables that hold rows leave the graph equal to them.  A label
    that has vertices or edges is left alone (``sync_graph`` or ``tridb graph
    repair`` fixes drift there).

    :param connection: a connection in the transaction that created the labels.
    :param registry: the graph declarations (``registry_for(Base.metadata)``).
    :returns: the labels filled, as ``graph.label``.
    """
    nodes, edges = registry.resolve()
    specs: list[NodeSpec | EdgeSpec] = [*nodes, *edges]
    todo = [s for s in specs if _needs_fill(connection, s)]
    if not todo:
        return []
    save, apply, restore = _settings_sql()
    connection.exec_driver_sql(save)
    connection.exec_driver_sql(apply)
    for spec in todo:
        for sql in _label_statements(spec):
            connection.execute(BackfillStatement(sql))
    connection.exec_driver_sql(restore)
    return [f"{s.graph}.{s.label}" for s in todo]
