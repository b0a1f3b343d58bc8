"""Read the database state: extensions, AGE graphs and labels, sync triggers.

Each reader runs one catalog query and returns plain, normalized values, so the
comparators diff sets and tuples, never catalog rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from sqlalchemy_tridb.sql import quote_ident

__all__ = [
    "DbTrigger",
    "age_installed",
    "extensions",
    "graph_labels",
    "graph_schemas",
    "graphs",
    "index_opclasses",
    "partitions",
    "sync_triggers",
]

#: The prefix of every trigger the graph mirror installs.
TRIGGER_PREFIX = "tridb_"


@dataclass(frozen=True)
class DbTrigger:
    """A sync trigger found in the database, with what it takes to recreate and drop it."""

    schema: str
    table: str
    name: str
    function: str  # regprocedure text, e.g. ``tridb_person_vertex_ins()``
    source: str  # pg_proc.prosrc: the function body
    triggerdef: str  # pg_get_triggerdef()
    functiondef: str  # pg_get_functiondef()
    security_definer: bool = False  # pg_proc.prosecdef
    settings: tuple[str, ...] = ()  # pg_proc.proconfig: "name=value" items


def extensions(conn: Connection) -> set[str]:
    """Names of the installed extensions.

    :param conn: a connection to the database.
    """
    return set(conn.scalars(text("SELECT extname FROM pg_catalog.pg_extension")))


def age_installed(conn: Connection) -> bool:
    """Whether AGE's catalog exists in this database.

    :param conn: a connection to the database.
    """
    return (
        conn.scalar(text("SELECT pg_catalog.to_regclass('ag_catalog.ag_graph') IS NOT NULL"))
        is True
    )


def graphs(conn: Connection) -> set[str]:
    """Names of the AGE graphs (empty without AGE).

    :param conn: a connection to the database.
    """
    if not age_installed(conn):
        return set()
    return {str(n) for n in conn.scalars(text("SELECT name::text FROM ag_catalog.ag_graph"))}


def partitions(conn: Connection) -> frozenset[tuple[str | None, str]]:
    """``(schema, table)`` of every partition (``relispartition``); ``None``: the default schema.

    A partition is made by ``CREATE TABLE ... PARTITION OF`` (data-dependent DDL
    the models do not declare), so autogenerate must not take it for a table to
    drop.

    :param conn: a connection to the database.
    """
    rows = conn.execute(
        text(
            "SELECT CASE WHEN n.nspname = pg_catalog.current_schema() THEN NULL"
            " ELSE n.nspname::text END, c.relname::text"
            " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relispartition AND c.relkind IN ('r', 'p')"
        )
    )
    return frozenset((schema, name) for schema, name in rows)


def graph_schemas(conn: Connection) -> frozenset[str]:
    """Names of the graphs' schemas, as the filters compare them (empty without AGE).

    :param conn: a connection to the database.
    """
    if not age_installed(conn):
        return frozenset()
    rows = conn.scalars(text("SELECT namespace::regnamespace::text FROM ag_catalog.ag_graph"))
    return frozenset(str(r).strip('"') for r in rows)


def graph_labels(conn: Connection) -> set[tuple[str, str, str]]:
    """``(graph, label, kind)`` of every user label (AGE's own ``_ag_label_*`` left out).

    :param conn: a connection to the database.
    """
    if not age_installed(conn):
        return set()
    rows = conn.execute(
        text(
            "SELECT g.name::text, l.name::text, l.kind::text FROM ag_catalog.ag_label l "
            "JOIN ag_catalog.ag_graph g ON g.graphid = l.graph "
            "WHERE l.name::text NOT LIKE '\\_ag\\_label\\_%'"
        )
    )
    return {(g, lbl, kind) for g, lbl, kind in rows}


def index_opclasses(conn: Connection, name: str, schema: str | None = None) -> dict[str, str]:
    """The operator classes of an index's key elements that are not their type's default.

    Keyed by column name, or by the expression as PostgreSQL prints it: what
    SQLAlchemy 2.1 reflects as ``postgresql_ops`` (2.0 reflects none).

    :param conn: a connection to the database.
    :param name: the index.
    :param schema: its schema (``None``: found through the search path).
    """
    qualified = f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)
    rows = conn.execute(
        text(
            "SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k.n::int, true), opc.opcname "
            "FROM pg_catalog.pg_index i "
            "CROSS JOIN LATERAL unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opclass, n) "
            "JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass "
            "WHERE i.indexrelid = to_regclass(:name) AND k.n <= i.indnkeyatts "
            "AND NOT opc.opcdefault ORDER BY k.n"
        ),
        {"name": qualified},
    )
    return {str(element): str(opclass) for element, opclass in rows}


def sync_triggers(conn: Connection) -> dict[tuple[str, str], dict[str, DbTrigger]]:
    """The ``tridb_*`` triggers of every table, by ``(schema, table)`` and trigger name.

    :param conn: a connection to the database.
    """
    rows = conn.execute(
        text(
            "SELECT n.nspname, c.relname, t.tgname, p.oid::regprocedure::text, p.prosrc, "
            "pg_catalog.pg_get_triggerdef(t.oid), pg_catalog.pg_get_functiondef(p.oid), "
            "p.prosecdef, coalesce(p.proconfig, '{}') "
            "FROM pg_catalog.pg_trigger t "
            "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE 'tridb\\_%' "
            "ORDER BY n.nspname, c.relname, t.tgname"
        )
    )
    out: dict[tuple[str, str], dict[str, DbTrigger]] = {}
    for row in rows:
        schema, table, name, function, source, triggerdef, functiondef, secdef, config = row
        trig = DbTrigger(
            schema, table, name, function, source, triggerdef, functiondef, bool(secdef),
            tuple(config),
        )  # fmt: skip
        out.setdefault((trig.schema, trig.table), {})[trig.name] = trig
    return out
