"""The embedding outbox: the queue's tables and each deferred column's triggers.

Declared state: the ``sync="deferred"`` embedding columns of the target
metadata (`sqlalchemy_tridb.vector.deferred_columns`).  Database state: whether
``tridb_outbox.embedding_job`` exists, and the ``outbox_emb_*`` triggers with
their functions (``pg_trigger``, ``pg_proc``).  A column's triggers are up to
date when all four exist on its table and each function's body
(``pg_proc.prosrc``) is the declared one, ``SECURITY DEFINER``.  A table that
has ``outbox_emb_*`` triggers for a column no longer deferred gets them dropped
(the downgrade restores them from ``pg_get_functiondef`` /
``pg_get_triggerdef``).  The queue is created when a deferred column needs it
and never dropped by autogenerate (it may hold other applications' jobs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alembic.util import PriorityDispatchResult
from sqlalchemy import Connection, text

from sqlalchemy_tridb.vector import (
    DeferredColumn,
    deferred_columns,
    outbox_create_sql,
    outbox_drop_sql,
)

from ..declared import metadatas
from ..operations.outbox import (
    CreateDeferredEmbeddingOp,
    CreateEmbeddingQueueOp,
    DropDeferredEmbeddingOp,
)

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import MigrateOperation, UpgradeOps

__all__ = ["compare_outbox"]

_EVENT = re.compile(r"^outbox_emb_(?P<column>.+)_(?:ins|upd|del|trunc)$")


@dataclass(frozen=True)
class DbOutboxTrigger:
    """One ``outbox_emb_*`` trigger as the catalog has it."""

    schema: str
    table: str
    name: str
    function: str  # regprocedure text, schema-qualified
    source: str
    security_definer: bool
    triggerdef: str
    functiondef: str


_TRIGGERS = text(
    "SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name,\n"
    "       t.tgfoid::pg_catalog.regprocedure::text AS function, p.prosrc AS source,\n"
    "       p.prosecdef AS security_definer,\n"
    "       pg_catalog.pg_get_triggerdef(t.oid) AS triggerdef,\n"
    "       pg_catalog.pg_get_functiondef(t.tgfoid) AS functiondef\n"
    "FROM pg_catalog.pg_trigger t\n"
    "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid\n"
    "WHERE NOT t.tgisinternal AND t.tgname LIKE 'outbox\\_emb\\_%'"
)


def outbox_triggers(conn: Connection) -> dict[tuple[str, str, str], dict[str, DbOutboxTrigger]]:
    """The database's outbox triggers by ``(schema, table, column)``, then by trigger name.

    :param conn: a connection.
    """
    out: dict[tuple[str, str, str], dict[str, DbOutboxTrigger]] = {}
    # with an empty search path the catalog's definitions name every schema, so
    # a downgrade that replays them works whatever path the migration runs with
    path = conn.execute(text("SELECT pg_catalog.current_setting('search_path')")).scalar()
    conn.execute(text("SELECT pg_catalog.set_config('search_path', '', true)"))
    try:
        rows = conn.execute(_TRIGGERS).mappings().all()
    finally:
        conn.execute(text("SELECT pg_catalog.set_config('search_path', :p, true)"), {"p": path})
    for r in rows:
        m = _EVENT.match(r["name"])
        if m is None:
            continue
        trig = DbOutboxTrigger(**r)
        out.setdefault((trig.schema, trig.table, m["column"]), {})[trig.name] = trig
    return out


def same(dc: DeferredColumn, found: dict[str, DbOutboxTrigger]) -> bool:
    """Whether the triggers *found* are the ones *dc* declares.

    :param dc: the deferred column.
    :param found: its table's outbox triggers for that column, by name.
    """
    want = dc.expected_functions()
    if len(found) != len(want):
        return False
    bodies = {t.function.split("(")[0].rsplit(".", 1)[-1].strip('"'): t for t in found.values()}
    return all(
        name in bodies and bodies[name].source == f"\n{body}\n" and bodies[name].security_definer
        for name, body in want.items()
    )


def _db_drop(found: dict[str, DbOutboxTrigger]) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {t.function} CASCADE" for t in found.values()]


def _db_create(found: dict[str, DbOutboxTrigger]) -> list[str]:
    return [s for t in found.values() for s in (t.functiondef.strip(), t.triggerdef)]


def _queue_exists(conn: Connection) -> bool:
    found = conn.execute(text("SELECT pg_catalog.to_regclass('tridb_outbox.embedding_job')"))
    return found.scalar() is not None


def compare_outbox(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema-level comparator.

    :param autogen_context: the run's context (connection, metadata, options).
    :param upgrade_ops: the upgrade's operations, which this appends to.
    :param schemas: the schemas compared (``None``: the default one).
    """
    conn = autogen_context.connection
    assert conn is not None
    default = conn.dialect.default_schema_name or "public"
    declared: dict[tuple[str, str, str], DeferredColumn] = {}
    for md in metadatas(autogen_context.metadata):
        for table in md.sorted_tables:
            if (None if table.schema in (None, default) else table.schema) not in schemas:
                continue
            for dc in deferred_columns(table):
                declared[(table.schema or default, table.name, dc.column.name)] = dc
    found = {
        k: v
        for k, v in outbox_triggers(conn).items()
        if (None if k[0] == default else k[0]) in schemas
    }
    drops: list[MigrateOperation] = []
    creates: list[MigrateOperation] = []
    if declared and not _queue_exists(conn):
        creates.append(
            CreateEmbeddingQueueOp(outbox_create_sql(), reverse_statements=outbox_drop_sql())
        )
    for key in sorted(set(declared) | set(found)):
        schema = None if key[0] == default else key[0]
        if not autogen_context.run_name_filters(key[1], "table", {"schema_name": schema}):
            continue
        want, have = declared.get(key), found.get(key, {})
        if want is not None and same(want, have):
            continue
        if want is None:
            drops.append(
                DropDeferredEmbeddingOp(
                    key[1],
                    key[2],
                    _db_drop(have),
                    reverse_statements=_db_create(have),
                    schema=schema,
                )
            )
            continue
        # a replaced set: drop what the upgrade made (same trigger names), then the old one
        reverse = want.drop_sql() + _db_create(have) if have else want.drop_sql()
        creates.append(
            CreateDeferredEmbeddingOp(
                key[1], key[2], want.create_sql(), reverse_statements=reverse, schema=schema
            )
        )
    upgrade_ops.ops[0:0] = drops
    upgrade_ops.ops.extend(creates)
    return PriorityDispatchResult.CONTINUE
