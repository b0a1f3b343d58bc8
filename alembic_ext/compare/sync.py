"""The sync triggers of mirrored tables (``pg_trigger`` / ``pg_proc``).

A table's trigger set is up to date when it has exactly the declared trigger
names, each calling the declared function, on the declared event, with the
declared body (``pg_proc.prosrc``).  Otherwise the old set is dropped (its
statements read back with ``pg_get_functiondef`` / ``pg_get_triggerdef``, so the
downgrade restores it) and the new one created.  Creations come after the
tables and labels; drops before anything else.

A table that already exists in the database and gets a sync it did not have
(or a label the database does not have yet) holds rows the triggers never
saw: after the creations come the graph backfills of its labels
(`alembic_ext.operations.BackfillGraphOp`), vertex labels before edge labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.util import PriorityDispatchResult
from sqlalchemy import inspect

from sqlalchemy_tridb.graph import EdgeSpec, NodeSpec, Trigger, function_settings, registry_for
from sqlalchemy_tridb.sql import quote_ident as q

from ..declared import declared_syncs, metadatas
from ..inspect import DbTrigger, graph_labels, sync_triggers
from ..operations import BackfillGraphOp, CreateGraphSyncOp, DropGraphSyncOp

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import UpgradeOps
    from sqlalchemy import Connection

__all__ = ["compare_syncs", "create_statements", "drop_statements", "same"]


def _bare(function: str) -> str:
    name = function.removesuffix("()").rsplit(".", 1)[-1]
    return name.strip('"')


def same(declared: list[Trigger], found: dict[str, DbTrigger]) -> bool:
    """Whether the triggers *found* in the database are the *declared* ones.

    :param declared: the table's triggers, from the models.
    :param found: the table's ``tridb_*`` triggers in the database, by name.
    """
    if {t.name for t in declared} != set(found):
        return False
    for t in declared:
        db = found[t.name]
        if db.source != f"\n{t.body}\n" or _bare(db.function) != _bare(t.function):
            return False
        if f" AFTER {t.event} ON " not in db.triggerdef:
            return False
        if not db.security_definer or _settings(db.settings) != function_settings():
            return False
    return True


def _settings(config: tuple[str, ...]) -> dict[str, str]:
    """``proconfig`` items (``name=value``) as ``{lower-case name: value}``."""
    pairs = (item.split("=", 1) for item in config)
    return {name.lower(): value for name, value in pairs}


def create_statements(triggers: list[Trigger]) -> list[str]:
    """The statements creating *triggers* (functions first).

    :param triggers: the triggers of one table.
    """
    return [s for t in triggers for s in t.create_sql()]


def drop_statements(triggers: list[Trigger]) -> list[str]:
    """The statements dropping *triggers* and their functions.

    :param triggers: the triggers of one table.
    """
    return [s for t in triggers for s in t.drop_sql()]


def _db_create(found: dict[str, DbTrigger]) -> list[str]:
    out: list[str] = []
    for t in found.values():
        out += [
            t.functiondef.strip(),
            f"DROP TRIGGER IF EXISTS {q(t.name)} ON {q(t.schema)}.{q(t.table)}",
            t.triggerdef,
        ]
    return out


def _db_drop(found: dict[str, DbTrigger]) -> list[str]:
    out: list[str] = []
    for t in found.values():
        out += [
            f"DROP TRIGGER IF EXISTS {q(t.name)} ON {q(t.schema)}.{q(t.table)}",
            f"DROP FUNCTION IF EXISTS {t.function}",
        ]
    return out


def _included(autogen_context: AutogenContext, schema: str | None, name: str) -> bool:
    """Whether the user's ``include_name`` / ``include_object`` keep this table."""
    if not autogen_context.run_name_filters(name, "table", {"schema_name": schema}):
        return False
    table = autogen_context.table_key_to_table.get(f"{schema}.{name}" if schema else name)
    return table is None or autogen_context.run_object_filters(table, name, "table", False, None)


def backfill_ops(
    conn: Connection,
    autogen_context: AutogenContext,
    created: dict[tuple[str, str], bool],
    default: str | None,
) -> list[BackfillGraphOp]:
    """The graph backfills of the tables getting a sync that hold rows from before it.

    :param conn: the run's connection.
    :param autogen_context: the run's context (its target metadata).
    :param created: ``(schema, table)`` -> whether the table had sync triggers
        before, for each table whose sync this migration creates.
    :param default: the connection's default schema.
    """
    if not created:
        return []
    insp = inspect(conn)
    labels = {(g, lbl) for g, lbl, _kind in graph_labels(conn)}
    out: list[BackfillGraphOp] = []
    nodes: list[NodeSpec | EdgeSpec] = []
    edges: list[NodeSpec | EdgeSpec] = []
    for md in metadatas(autogen_context.metadata):
        if registry_for(md).classes:
            n, e = registry_for(md).resolve()
            nodes += n
            edges += e
    for spec in [*nodes, *edges]:  # vertices first: edges find their ends' ids
        key = (spec.table.schema or default or "public", spec.table.name)
        if key not in created:
            continue
        schema = None if key[0] == default else key[0]
        if not insp.has_table(key[1], schema=schema):  # a new table: no rows yet
            continue
        if created[key] and (spec.graph, spec.label) in labels:  # changed triggers only
            continue
        out.append(BackfillGraphOp.for_spec(spec, schema=schema))
    return out


def compare_syncs(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema-level comparator.

    :param autogen_context: the run's context (connection, metadata, options).
    :param upgrade_ops: the upgrade's operations, which this appends to.
    :param schemas: the schemas compared (``None``: the default one).
    """
    conn = autogen_context.connection
    assert conn is not None
    default = conn.dialect.default_schema_name
    declared: dict[tuple[str, str], list[Trigger]] = {
        (s or default or "public", t): trig
        for (s, t), trig in declared_syncs(metadatas(autogen_context.metadata)).items()
        if (None if s in (None, default) else s) in schemas
    }
    found = {
        key: trig
        for key, trig in sync_triggers(conn).items()
        if (None if key[0] == default else key[0]) in schemas
    }
    drops, creates = [], []
    created: dict[tuple[str, str], bool] = {}
    for key in sorted(set(declared) | set(found)):
        schema = None if key[0] == default else key[0]
        if not _included(autogen_context, schema, key[1]):
            continue
        want, have = declared.get(key), found.get(key, {})
        if want is not None and same(want, have):
            continue
        if have:
            drops.append(
                DropGraphSyncOp(
                    key[1], _db_drop(have), reverse_statements=_db_create(have), schema=schema
                )
            )
        if want is not None:
            created[key] = bool(have)
            creates.append(
                CreateGraphSyncOp(
                    key[1],
                    create_statements(want),
                    reverse_statements=drop_statements(want),
                    schema=schema,
                )
            )
    fills = backfill_ops(conn, autogen_context, created, default)
    upgrade_ops.ops[0:0] = drops
    upgrade_ops.ops.extend(creates)
    upgrade_ops.ops.extend(fills)
    return PriorityDispatchResult.CONTINUE
