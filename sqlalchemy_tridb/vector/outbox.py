"""The embedding outbox: the queue, the provenance table and the triggers that fill the queue.

A column declared ``Embedding(..., sync="deferred")`` is not embedded in the
flush.  Statement-level triggers on its table record, in the writer's own
transaction, the primary key of every row whose *source* changed -- an INSERT
always, an UPDATE only where the source columns differ between the old and the
new row (compared in SQL), so every writer is covered: ORM flushes, Core and
bulk statements, upserts, ``COPY``, ``psql``.  An UPDATE of the primary key
forgets the old key's job and provenance (as a DELETE does) and queues the new
key.  A worker
(`sqlalchemy_tridb.worker`) embeds the rows later.

Everything lives in its own schema, ``tridb_outbox``:

``embedding_job``
    one row per (table, column, key) waiting to be embedded; a change to a row
    already queued bumps its ``version`` instead of adding a row;
``embedding_failed``
    jobs that failed ``max_attempts`` times, with the last error;
``embedding_provenance``
    per embedded row: provider, model, the hash of the source values the vector
    was made from (`fingerprint()`) and the SHA-256 of the text itself.

The trigger functions follow the graph sync's rules: ``SECURITY DEFINER`` (the
writing role needs no rights on ``tridb_outbox``), ``SET search_path =
pg_catalog, pg_temp``, every name schema-qualified, names validated.  This module
builds SQL text only; its triggers and functions are named ``outbox_emb_*``
(outside the graph sync's ``tridb_*`` namespace, which its comparator owns).
`sqlalchemy_tridb.vector.column` runs it from ``create_all`` and ``alembic_ext``
renders it into migrations.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    MetaData,
    Table,
    Text,
    TextClause,
    cast,
    func,
    literal,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB

from ..embedding import EmbeddingProvider
from ..exc import EmbeddingDeclarationError
from ..sql import bounded_identifier, qualified_table, quote_ident, sql_literal
from ..sql.ddl import TextDDL
from .sources import CallableSource, ColumnsSource, TemplateSource
from .spec import EmbeddingSpec, spec_of

__all__ = [
    "FAILED",
    "JOBS",
    "NEXT_VERSION",
    "OUTBOX_SCHEMA",
    "PROVENANCE",
    "VERSIONS",
    "DeferredColumn",
    "OutboxDDL",
    "deferred_columns",
    "fingerprint",
    "jobs_table",
    "outbox_create_sql",
    "outbox_drop_sql",
    "pin_settings_sql",
    "provenance_table",
    "provider_identity",
]

#: The schema of the queue and provenance tables (one per database).
OUTBOX_SCHEMA = "tridb_outbox"
JOBS = f"{OUTBOX_SCHEMA}.embedding_job"
FAILED = f"{OUTBOX_SCHEMA}.embedding_failed"
PROVENANCE = f"{OUTBOX_SCHEMA}.embedding_provenance"
#: Job versions: unique across the queue's life, so a job deleted and queued again
#: never comes back with a version a worker still holds.
VERSIONS = f"{OUTBOX_SCHEMA}.embedding_job_version"
NEXT_VERSION = f"pg_catalog.nextval('{VERSIONS}')"

#: What each trigger function runs with, whatever the writing session set.
FUNCTION_SETTINGS: tuple[tuple[str, str], ...] = (
    ("search_path", "pg_catalog, pg_temp"),
    ("extra_float_digits", "1"),
    ("datestyle", "'ISO, YMD'"),
    ("intervalstyle", "'iso_8601'"),
    ("timezone", "'UTC'"),
    ("bytea_output", "'hex'"),
)


def pin_settings_sql() -> TextClause:
    """A statement giving this transaction the triggers' settings (`FUNCTION_SETTINGS`).

    Whoever rebuilds a job's key or a source fingerprint in SQL (the worker) must
    render them as the triggers did: a ``timestamptz`` key prints in the session's
    ``TimeZone``, a float in its ``extra_float_digits``.
    """
    pinned = [
        (name, value.strip("'")) for name, value in FUNCTION_SETTINGS if name != "search_path"
    ]
    calls = ", ".join(f"pg_catalog.set_config(:n{i}, :v{i}, true)" for i in range(len(pinned)))
    params = {
        f"{k}{i}": v for i, pair in enumerate(pinned) for k, v in zip("nv", pair, strict=True)
    }
    return sql_text(f"SELECT {calls}").bindparams(**params)


_META = MetaData(schema=OUTBOX_SCHEMA)  # the library's own: never in a user's MetaData

#: ``embedding_job`` and ``embedding_provenance`` as Core tables (the columns queries use).
jobs_table = Table(
    "embedding_job",
    _META,
    Column("table_name", Text, primary_key=True),
    Column("column_name", Text, primary_key=True),
    Column("key", JSONB, primary_key=True),
    Column("version", BigInteger),
)
provenance_table = Table(
    "embedding_provenance",
    _META,
    Column("table_name", Text, primary_key=True),
    Column("column_name", Text, primary_key=True),
    Column("key", JSONB, primary_key=True),
    Column("provider", Text),
    Column("model", Text),
    Column("source_hash", Text),
    Column("text_hash", Text),
)

_KEY = "table_name text NOT NULL,\n    column_name text NOT NULL,\n    key jsonb NOT NULL"


def outbox_create_sql() -> list[str]:
    """The statements creating the outbox schema and its tables (idempotent)."""
    return [
        f"CREATE SCHEMA IF NOT EXISTS {OUTBOX_SCHEMA}",
        f"CREATE SEQUENCE IF NOT EXISTS {VERSIONS} AS bigint",
        f"CREATE TABLE IF NOT EXISTS {JOBS} (\n    {_KEY},\n"
        f"    version bigint NOT NULL DEFAULT {NEXT_VERSION},\n"
        "    enqueued_at timestamptz NOT NULL DEFAULT pg_catalog.now(),\n"
        "    attempts integer NOT NULL DEFAULT 0,\n"
        "    run_after timestamptz,\n"
        "    last_error text,\n"
        "    PRIMARY KEY (table_name, column_name, key)\n)",
        f"CREATE INDEX IF NOT EXISTS embedding_job_ready ON {JOBS} "
        "(table_name, column_name, enqueued_at)",
        f"CREATE TABLE IF NOT EXISTS {FAILED} (\n    {_KEY},\n"
        "    attempts integer NOT NULL,\n    error text,\n"
        "    failed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),\n"
        "    PRIMARY KEY (table_name, column_name, key)\n)",
        f"CREATE TABLE IF NOT EXISTS {PROVENANCE} (\n    {_KEY},\n"
        "    provider text NOT NULL,\n    model text NOT NULL,\n"
        "    source_hash text NOT NULL,\n    text_hash text,\n"
        "    embedded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),\n"
        "    PRIMARY KEY (table_name, column_name, key)\n)",
    ]


def outbox_drop_sql() -> list[str]:
    """The statement dropping the outbox schema, its tables and their rows."""
    return [f"DROP SCHEMA IF EXISTS {OUTBOX_SCHEMA} CASCADE"]


class OutboxDDL(TextDDL):
    """One statement of the outbox's DDL, as a construct (see `sqlalchemy_tridb.sql.ddl`).

    :param statement: the statement's text, from this module's builders.
    """

    def __init__(self, statement: str) -> None:
        self.statement = statement

    def sql(self) -> str:
        """The statement's text."""
        return self.statement


def provider_identity(provider: EmbeddingProvider) -> tuple[str, str]:
    """``(provider, model)`` as provenance records them.

    The model is the provider's ``model`` attribute where it has one (remote
    providers), else its name.

    :param provider: the provider.
    """
    model = getattr(provider, "model", None)
    return provider.name, str(model) if model else provider.name


def _literal(value: str) -> str:
    try:
        return sql_literal(value)
    except Exception as err:
        raise EmbeddingDeclarationError(
            f"{value!r}: a deferred embedding's table, schema and column names cannot "
            "contain a quote or a backslash"
        ) from err


@dataclass(frozen=True)
class DeferredColumn:
    """A deferred embedding column of one table, and the SQL its sync needs.

    :param table: the source table.
    :param column: the embedding column.
    :param spec: its declaration.
    """

    table: Table
    column: Column[Any]
    spec: EmbeddingSpec

    @property
    def table_name(self) -> str:
        """The table as the queue names it: ``schema.table`` (``public`` by default)."""
        return f"{self.table.schema or 'public'}.{self.table.name}"

    @property
    def label(self) -> str:
        """``table.column``, for messages."""
        return f"{self.table.name}.{self.column.name}"

    def key_columns(self) -> list[Column[Any]]:
        """The table's primary key columns."""
        cols = list(self.table.primary_key.columns)
        if not cols:
            raise EmbeddingDeclarationError(
                f"{self.label}: a deferred embedding needs a primary key"
            )
        return cols

    def source_columns(self) -> list[Column[Any]]:
        """The columns whose change re-embeds (the source's, or a callable's ``watch``)."""
        source = self.spec.source
        names = source.watch
        if isinstance(source, CallableSource) and names is None:
            names = tuple(c.name for c in self.table.columns if spec_of(c) is None)
        missing = [n for n in names or () if n not in self.table.c]
        if missing or not names:
            raise EmbeddingDeclarationError(
                f"{self.label}: deferred mode reads the source from the table's columns, "
                f"and {missing or names} are not columns of {self.table.name!r}; name "
                "columns in source= (or watch= for a callable)"
            )
        return [self.table.c[n] for n in names]

    def declaration(self) -> str:
        """The source declaration, part of every fingerprint (a new template re-embeds)."""
        source = self.spec.source
        if isinstance(source, TemplateSource):
            return f"template:{source.template}"
        if isinstance(source, ColumnsSource):
            return f"columns:{source.separator!r}:{','.join(source.names)}"
        return f"callable:{getattr(source.fn, '__qualname__', 'fn')}"

    def fingerprint(self, table: Any = None) -> ColumnElement[str]:
        """This column's `fingerprint()` over *table*.

        :param table: an alias of the table (default: the table itself).
        """
        t = self.table if table is None else table
        return fingerprint([t.c[c.key] for c in self.source_columns()], self.declaration())

    # -- the triggers -------------------------------------------------------------

    def _function(self, event: str) -> str:
        # the table name's length first: "doc" + "body_embedding" and "doc_body" +
        # "embedding" would otherwise join to the same name in the same schema
        table, column = self.table.name, self.column.name
        base = bounded_identifier(f"outbox_emb_{len(table)}_{table}_{column}_{event}")
        schema = quote_ident(self.table.schema) + "." if self.table.schema else "public."
        return schema + quote_ident(base)

    def _trigger_name(self, event: str) -> str:
        return bounded_identifier(f"outbox_emb_{self.column.name}_{event}")

    def _bodies(self) -> dict[str, tuple[str, str, list[str]]]:
        """``{event: (REFERENCING clause, PL/pgSQL statements)}``."""
        tname, cname = _literal(self.table_name), _literal(self.column.name)
        for part in (self.table.name, self.column.name, self.table.schema or ""):
            _literal(part)
        keys = self.key_columns()

        def key_of(alias: str) -> str:
            return ", ".join(f"{alias}.{quote_ident(c.name)}" for c in keys)

        enqueue = (
            f"INSERT INTO {JOBS} AS j (table_name, column_name, key)\n"
            f"SELECT {tname}, {cname}, pg_catalog.jsonb_build_array({key_of('n')})\n"
            "FROM new_rows n"
        )
        conflict = (
            "ON CONFLICT (table_name, column_name, key)\n"
            f"DO UPDATE SET version = {NEXT_VERSION}, attempts = 0, run_after = NULL"
        )
        src = self.source_columns()
        new_src = ", ".join(f"n.{quote_ident(c.name)}" for c in src)
        old_src = ", ".join(f"o.{quote_ident(c.name)}" for c in src)
        join = " AND ".join(f"o.{quote_ident(c.name)} = n.{quote_ident(c.name)}" for c in keys)
        changed = (
            f"{enqueue}\nLEFT JOIN old_rows o ON {join}\n"
            f"WHERE o.{quote_ident(keys[0].name)} IS NULL\n"
            f"   OR ROW({new_src}) IS DISTINCT FROM ROW({old_src})\n{conflict}"
        )
        mine = f"table_name = {tname} AND column_name = {cname}"
        gone = f"key IN (SELECT pg_catalog.jsonb_build_array({key_of('o')}) FROM old_rows o)"
        forget = [f"DELETE FROM {t}\nWHERE {mine}\n  AND {gone}" for t in (JOBS, PROVENANCE)]
        # an UPDATE of the key: the old keys no row has any more are forgotten, as by a DELETE
        moved = (
            f"key IN (SELECT pg_catalog.jsonb_build_array({key_of('o')})\n"
            f"    FROM old_rows o LEFT JOIN new_rows n ON {join}\n"
            f"    WHERE n.{quote_ident(keys[0].name)} IS NULL)"
        )
        rekeyed = [f"DELETE FROM {t}\nWHERE {mine}\n  AND {moved}" for t in (JOBS, PROVENANCE)]
        truncate = [f"DELETE FROM {t}\nWHERE {mine}" for t in (JOBS, PROVENANCE, FAILED)]
        return {
            "ins": ("INSERT", "REFERENCING NEW TABLE AS new_rows", [f"{enqueue}\n{conflict}"]),
            "upd": (
                "UPDATE",
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                [changed, *rekeyed],
            ),
            "del": ("DELETE", "REFERENCING OLD TABLE AS old_rows", forget),
            "trunc": ("TRUNCATE", "", truncate),
        }

    def create_sql(self) -> list[str]:
        """The statements creating (or replacing) this column's trigger functions and triggers."""
        out: list[str] = []
        settings = "".join(f"\nSET {name} = {value}" for name, value in FUNCTION_SETTINGS)
        for slug, (event, referencing, stmts) in self._bodies().items():
            body = self.function_body(stmts)
            fn = self._function(slug)
            out.append(
                f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger\n"
                f"LANGUAGE plpgsql\nSECURITY DEFINER{settings}\nAS $tridb$\n{body}\n$tridb$"
            )
            ref = f"\n{referencing}" if referencing else ""
            out.append(
                f"CREATE OR REPLACE TRIGGER {quote_ident(self._trigger_name(slug))}\n"
                f"AFTER {event} ON {qualified_table(self.table)}{ref}\n"
                f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()"
            )
        return out

    @staticmethod
    def function_body(statements: list[str]) -> str:
        """A PL/pgSQL body running *statements* (as ``pg_proc.prosrc`` holds it, trimmed).

        :param statements: the SQL statements, without their semicolons.
        """
        stmts = "\n".join(textwrap.indent(s, "    ") + ";" for s in statements)
        return f"BEGIN\n{stmts}\n    RETURN NULL;\nEND"

    def expected_functions(self) -> dict[str, str]:
        """``{function name: body}`` of this column's trigger functions (for comparisons)."""
        return {
            self._function(slug).rsplit(".", 1)[1].strip('"'): self.function_body(stmts)
            for slug, (_, _, stmts) in self._bodies().items()
        }

    def drop_sql(self) -> list[str]:
        """The statements dropping this column's triggers and functions."""
        return [f"DROP FUNCTION IF EXISTS {self._function(s)}() CASCADE" for s in self._bodies()]


def fingerprint(columns: list[Any], declaration: str) -> ColumnElement[str]:
    """The SHA-256 (hex) of a row's source values and the source declaration, in SQL.

    ``encode(sha256(convert_to(jsonb_build_array(declaration, col, ...)::text,
    'UTF8')), 'hex')``: computed by the database, so the worker's conditional
    write, `stale_rows()` and any SQL client agree on it without Python.

    :param columns: the source columns (or the same columns of an alias).
    :param declaration: the source declaration (`DeferredColumn.declaration()`).
    """
    array = func.pg_catalog.jsonb_build_array(cast(literal(declaration), Text), *columns)
    text = func.pg_catalog.convert_to(cast(array, Text), "UTF8")
    return func.pg_catalog.encode(func.pg_catalog.sha256(text), "hex")


def deferred_columns(table: Table) -> list[DeferredColumn]:
    """The deferred embedding columns of *table*.

    :param table: any table.
    """
    return [
        DeferredColumn(table, c, spec)
        for c in table.columns
        if (spec := spec_of(c)) is not None and spec.sync == "deferred"
    ]
