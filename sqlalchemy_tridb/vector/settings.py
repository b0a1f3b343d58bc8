"""Per-query pgvector settings: `SearchSettings`, `SearchSelect` and `apply_search_settings()`.

The settings of a search are ``SET LOCAL`` (``pg_catalog.set_config(..., true)``)
in the query's own transaction, run by the statement itself: `nearest()`
returns a `SearchSelect`, which sends one ``set_config`` statement on the
connection that executes it, right before the query, in any session or on any
connection (no hook needed).  On an autocommit connection the two run inside
one ``BEGIN`` / ``COMMIT``, so a transaction pooler keeps them on one server
connection and the settings end with the query.

Unless told otherwise, a search turns pgvector 0.8's iterative index scans on
(`DEFAULT_SETTINGS`), so a filtered ``nearest(...).where(...)`` returns k
rows whenever k rows match, within pgvector's scan bounds
(``hnsw.max_scan_tuples``, ``ivfflat.max_probes``).  On an older pgvector the
defaults are left out by the same statement.  Settings on another statement:
`with_search_settings()`, or `apply_search_settings()` in the transaction.

A setting that `tune_search()` (``tridb tune``) stored on the column's index,
as a line ``tridb.tune: ef_search=80 ...`` of the index's ``COMMENT``, is a
default too: the same ``set_config`` statement reads it from the catalog
(`TUNED_OPTION` names the index), so every process searches with it and no
query needs another round trip.  Explicit settings win over it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Column, Connection, Select, bindparam, text
from sqlalchemy.orm import Session

from .._compat import Finish, PreludeSelect, retype_select
from ..exc import ConfigurationError
from ..sql.identifiers import quote_ident

__all__ = [
    "DEFAULTS_OPTION",
    "DEFAULT_SETTINGS",
    "SEARCH_OPTION",
    "TUNED_OPTION",
    "TUNE_MARK",
    "IterativeScan",
    "SearchSelect",
    "SearchSettings",
    "apply_search_settings",
    "search_index_name",
    "with_search_settings",
]

#: The execution option that carries `SearchSettings` on a statement.
SEARCH_OPTION = "tridb_vector_search"
#: The execution option that, ``False``, leaves `DEFAULT_SETTINGS` out of a `SearchSelect`.
DEFAULTS_OPTION = "tridb_search_defaults"

#: The execution option naming the index (qualified, quoted) whose tuned setting applies.
TUNED_OPTION = "tridb_tuned_index"
#: How a line of an index's ``COMMENT`` that holds a tuned setting starts.
TUNE_MARK = "tridb.tune:"
#: The settings a tuning may store, by the word used in the comment.
_TUNABLE = {"hnsw.ef_search": "ef_search", "ivfflat.probes": "probes"}

#: pgvector's ``iterative_scan`` modes.
IterativeScan = Literal["off", "strict_order", "relaxed_order"]

#: Settings that only pgvector 0.8 and later know (left out on older servers when defaults).
_SINCE_08 = frozenset(
    {"hnsw.iterative_scan", "ivfflat.iterative_scan", "hnsw.max_scan_tuples", "ivfflat.max_probes"}
)


@dataclass(frozen=True)
class SearchSettings:
    """pgvector query settings, applied with ``SET LOCAL`` in the query's transaction.

    ``iterative_scan`` (pgvector 0.8) keeps scanning the index until enough rows
    pass the query's filters; IVFFlat only knows ``relaxed_order``, so any
    value other than ``off`` turns it on there.  A field left ``None`` keeps
    the server's value (or, in `nearest()`, the default of `DEFAULT_SETTINGS`).

    :param ef_search: HNSW's candidate list size (``hnsw.ef_search``, pgvector's default 40).
    :param probes: IVFFlat lists to scan (``ivfflat.probes``, default 1).
    :param iterative_scan: ``"off"``, ``"strict_order"`` or ``"relaxed_order"``.
    :param max_scan_tuples: HNSW's bound on an iterative scan
        (``hnsw.max_scan_tuples``, default 20,000).
    :param max_probes: IVFFlat's bound on an iterative scan (``ivfflat.max_probes``,
        default all lists).
    """

    ef_search: int | None = None
    probes: int | None = None
    iterative_scan: IterativeScan | None = None
    max_scan_tuples: int | None = None
    max_probes: int | None = None

    def gucs(self) -> dict[str, str]:
        """The settings as PostgreSQL configuration parameters."""
        out: dict[str, str] = {}
        for name, value in (
            ("hnsw.ef_search", self.ef_search),
            ("ivfflat.probes", self.probes),
            ("hnsw.max_scan_tuples", self.max_scan_tuples),
            ("ivfflat.max_probes", self.max_probes),
        ):
            if value is not None:
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
                out[name] = str(value)
        if self.iterative_scan is not None:
            if self.iterative_scan not in ("off", "strict_order", "relaxed_order"):
                raise ConfigurationError(
                    f"iterative_scan={self.iterative_scan!r}: "
                    "use off, strict_order or relaxed_order"
                )
            out["hnsw.iterative_scan"] = self.iterative_scan
            out["ivfflat.iterative_scan"] = (
                "off" if self.iterative_scan == "off" else "relaxed_order"
            )
        return out


#: What a search sets unless told otherwise: iterative scans, in exact distance
#: order for HNSW (IVFFlat has only ``relaxed_order``), within pgvector's bounds.
DEFAULT_SETTINGS = SearchSettings(iterative_scan="strict_order")

_SET_CONFIG = """\
SELECT pg_catalog.set_config(s.name, s.value, true)
  FROM (VALUES {rows}) AS s(name, value, since_08)
 WHERE s.value IS NOT NULL AND (NOT s.since_08
    OR (SELECT pg_catalog.string_to_array(pg_catalog.split_part(e.extversion, '-', 1), '.')
               ::pg_catalog.int4[] >= ARRAY[0, 8]
          FROM pg_catalog.pg_extension e WHERE e.extname = 'vector'))"""


# the number after "<word>=" on the index comment's tridb.tune line (NULL: none)
_TUNED_VALUE = (
    "pg_catalog.substring(pg_catalog.obj_description(pg_catalog.to_regclass(CAST(:t AS text)),"
    " 'pg_class'), CAST(:w{i} AS text))"
)


def _statement(
    explicit: Mapping[str, str], defaults: Mapping[str, str], tuned_index: str | None = None
) -> tuple[Any, dict[str, Any]]:
    rows = [(n, v, False) for n, v in explicit.items()]
    rows += [(n, v, n in _SINCE_08) for n, v in defaults.items() if n not in explicit]
    params: dict[str, Any] = {}
    values = []
    for i, (name, value, gated) in enumerate(rows):
        params[f"n{i}"], params[f"v{i}"], params[f"g{i}"] = name, value, gated
        values.append(f"(CAST(:n{i} AS text), CAST(:v{i} AS text), CAST(:g{i} AS boolean))")
    if tuned_index is not None:
        params["t"] = tuned_index
        for i, (name, word) in enumerate(_TUNABLE.items(), len(rows)):
            if name not in explicit:
                params[f"n{i}"], params[f"w{i}"] = name, rf"{TUNE_MARK}.*\m{word}=([0-9]+)"
                values.append(f"(CAST(:n{i} AS text), {_TUNED_VALUE.format(i=i)}, false)")
    stmt = text(_SET_CONFIG.format(rows=", ".join(values)))
    return stmt.bindparams(*(bindparam(k) for k in params)), params


def _apply(
    bind: Session | Connection,
    explicit: Mapping[str, str],
    defaults: Mapping[str, str],
    tuned_index: str | None = None,
) -> None:
    if explicit or defaults or tuned_index is not None:
        stmt, params = _statement(explicit, defaults, tuned_index)
        bind.execute(stmt, params)


def apply_search_settings(bind: Session | Connection, settings: SearchSettings) -> None:
    """``SET LOCAL`` *settings* in *bind*'s current transaction (one statement).

    For queries that are not a `SearchSelect` (those apply their own).  In an
    autocommit connection there is no transaction to keep them: open one
    (``with connection.begin():``) around this call and the query.

    :param bind: the session or connection whose transaction gets the settings.
    :param settings: the settings; nothing is executed when none is set.
    """
    _apply(bind, settings.gucs(), {})


def _autocommit(connection: Connection) -> bool:
    dbapi = getattr(connection.connection, "dbapi_connection", None)
    return bool(getattr(dbapi, "autocommit", False))


def _run_driver_sql(connection: Connection, sql: str) -> None:
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


class SearchSelect(PreludeSelect):
    """A ``Select`` that applies its search settings before it runs, on any connection.

    What `nearest()` returns: ``.where()``, ``.join()`` and the other
    generative methods keep the class.  It reads `SearchSettings` from the
    execution option `SEARCH_OPTION` (the statement's or the call's) and puts
    them over `DEFAULT_SETTINGS`, which the execution option `DEFAULTS_OPTION`
    set to ``False`` leaves out.
    """

    __slots__ = ()
    inherit_cache = True

    def prelude(self, connection: Connection, options: Mapping[str, Any]) -> Finish | None:
        """Send the settings' ``set_config`` on *connection*; in autocommit, open a transaction.

        :param connection: the connection about to run the query.
        :param options: the query's execution options.
        """
        settings = options.get(SEARCH_OPTION)
        explicit = settings.gucs() if isinstance(settings, SearchSettings) else {}
        with_defaults = options.get(DEFAULTS_OPTION, True)
        defaults = DEFAULT_SETTINGS.gucs() if with_defaults else {}
        tuned = options.get(TUNED_OPTION) if with_defaults else None
        if not explicit and not defaults and tuned is None:
            return None
        if not _autocommit(connection):
            _apply(connection, explicit, defaults, tuned)  # in the query's transaction
            return None
        if options.get("stream_results") or options.get("yield_per"):
            warnings.warn(
                "search settings of a streamed query on an autocommit connection are not "
                "applied: run it inside connection.begin()",
                stacklevel=4,
            )
            return None
        _run_driver_sql(connection, "BEGIN")  # one transaction: a pooler keeps one server
        try:
            _apply(connection, explicit, defaults, tuned)
        except BaseException:
            _run_driver_sql(connection, "ROLLBACK")
            raise

        def finish(ok: bool) -> None:
            _run_driver_sql(connection, "COMMIT" if ok else "ROLLBACK")

        return finish


def with_search_settings(
    statement: Select[Any],
    settings: SearchSettings | None = None,
    *,
    defaults: bool = True,
    tuned_index: str | None = None,
) -> SearchSelect:
    """*statement* as a `SearchSelect` that applies *settings* whenever it runs.

    :param statement: a ``select()`` whose index scans the settings are for.
    :param settings: the settings (validated now); ``None`` keeps the statement's own.
    :param defaults: put them over `DEFAULT_SETTINGS` (iterative scans on) and
        the setting stored on *tuned_index*.
    :param tuned_index: the index whose tuned setting (`tune_search()`) applies,
        as `search_index_name()` gives it; ``None``: none.
    """
    out = retype_select(statement, SearchSelect)
    options: dict[str, Any] = {DEFAULTS_OPTION: defaults}
    if tuned_index is not None:
        options[TUNED_OPTION] = tuned_index
    if settings is not None:
        settings.gucs()  # validate now, not at execution
        options[SEARCH_OPTION] = settings
    return out.execution_options(**options)


def search_index_name(column: Any) -> str | None:
    """The quoted, schema-qualified (when the table has a schema) name of *column*'s vector index.

    The first HNSW or IVFFlat index of *column*'s table over that column;
    ``None`` when there is none.  Unqualified names resolve as the table's
    own name does in the query (the search path).

    :param column: a table column (``Product.__table__.c.embedding``).
    """
    if not isinstance(column, Column) or column.table is None:
        return None
    for index in sorted(getattr(column.table, "indexes", ()), key=lambda i: str(i.name)):
        using = index.dialect_options["postgresql"].get("using")
        if using in ("hnsw", "ivfflat") and any(
            getattr(e, "name", None) == column.name for e in index.expressions
        ):
            name = quote_ident(str(index.name))
            schema = column.table.schema
            return f"{quote_ident(schema)}.{name}" if schema else name
    return None
