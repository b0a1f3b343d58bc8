"""The engine's listeners: `setup_engine()`, its handle `ConnectionSetup`, the ``tridb`` plugin.

`ConnectionSetup` prepares each new pooled connection (`prepare_dbapi_connection()`),
runs the Cypher prelude before each Cypher statement, batches ORM inserts
(insertmanyvalues without ``RETURNING``) and, with psycopg, binds pgvector
columns in binary (`sqlalchemy_tridb.engine.vectors`).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import URL, CreateEnginePlugin, Dialect, Engine

from ..exc import ConnectionSetupError
from ..sql.reflection import TriDBInspector
from .prepare import prepare_dbapi_connection, run_sql
from .vectors import BINARY_RESULTS, ask_binary_results, binary_colspecs

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["ConnectionSetup", "TriDBPlugin", "setup_engine", "vector_schema"]

_INFO_KEY = "sqlalchemy_tridb.prepared"
_PRELUDE_KEY = "sqlalchemy_tridb.cypher_prelude"
#: set while a Cypher statement on an autocommit connection runs in its own transaction
_CYPHER_TX_KEY = "sqlalchemy_tridb.cypher_transaction"
#: A statement that calls Cypher (``ag_catalog.cypher(`` or an unqualified ``cypher(``).
_CYPHER_CALL = re.compile(r"\bcypher\s*\(", re.IGNORECASE)

_VECTOR_SCHEMAS: WeakKeyDictionary[Dialect, str] = WeakKeyDictionary()


def vector_schema(dialect: Dialect) -> str | None:
    """The schema of the ``vector`` extension, as the set-up of *dialect*'s engine found it.

    ``None`` before the engine's first prepared connection, for engines without
    the set-up, and when the database has no ``vector`` extension.

    :param dialect: an engine's dialect (``engine.dialect``, the compiler's ``dialect``).
    """
    return _VECTOR_SCHEMAS.get(dialect)


@dataclass
class ConnectionSetup:
    """The handle `setup_engine()` returns; `remove()` undoes it.

    :param engine: the (sync) engine whose connections are set up.
    :param load_age: as for `prepare_dbapi_connection()`: ``None`` loads AGE
        when the role may use it, ``True`` also runs ``LOAD 'age'``, ``False``
        leaves AGE alone.
    :param register_vector: register pgvector's psycopg types when the
        ``vector`` extension exists.
    """

    engine: Engine
    load_age: bool | None = None
    register_vector: bool = True
    _batched: bool | None = field(default=None, init=False, repr=False)
    _colspecs: Any = field(default=None, init=False, repr=False)
    _inspector: Any = field(default=None, init=False, repr=False)

    def _on_connect(self, dbapi_connection: Any, connection_record: Any) -> None:
        prepared = prepare_dbapi_connection(
            dbapi_connection, load_age=self.load_age, register_vector=self.register_vector
        )
        connection_record.info[_INFO_KEY] = True
        connection_record.info[_PRELUDE_KEY] = prepared.cypher_prelude
        dialect = self.engine.dialect
        if prepared.vector_schema is not None and _VECTOR_SCHEMAS.get(dialect) != (
            prepared.vector_schema
        ):
            _VECTOR_SCHEMAS[dialect] = prepared.vector_schema
            self.engine.clear_compiled_cache()  # distances compiled before were unqualified

    def _before_cursor_execute(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if context is not None and context.execution_options.get(BINARY_RESULTS):
            ask_binary_results(cursor)
        prelude = conn.info.get(_PRELUDE_KEY)
        if prelude is not None and _CYPHER_CALL.search(statement):
            if _autocommit(conn):
                # prelude and statement in one transaction: a transaction pooler
                # would otherwise run them on different server connections
                run_sql(conn.connection, "BEGIN")
                conn.info[_CYPHER_TX_KEY] = True
            run_sql(conn.connection, prelude)

    def _after_cursor_execute(self, conn: Any, *args: Any) -> None:
        if conn.info.pop(_CYPHER_TX_KEY, False):
            run_sql(conn.connection, "COMMIT")

    def _handle_error(self, context: Any) -> None:
        conn = context.connection
        if conn is not None and conn.info.pop(_CYPHER_TX_KEY, False):
            # if the connection itself failed, the pool discards it anyway
            with contextlib.suppress(Exception):
                run_sql(conn.connection, "ROLLBACK")

    def install(self) -> ConnectionSetup:
        """Listen for new pooled connections (existing ones are recycled) and Cypher statements.

        With psycopg, ORM flushes of many rows also become multi-row
        ``INSERT`` statements (SQLAlchemy's "insertmanyvalues" without
        ``RETURNING``): one statement per 1,000 rows instead of one per row, so
        the graph's statement-level triggers run once per batch.  With psycopg
        and ``register_vector``, pgvector's ``VECTOR`` and ``HALFVEC`` columns
        bind in binary (`sqlalchemy_tridb.engine.vectors`).
        """
        for name, listener in self._listeners():
            event.listen(self.engine, name, listener)
        dialect = self.engine.dialect
        if dialect.driver == "psycopg" and dialect.use_insertmanyvalues:
            self._batched = dialect.use_insertmanyvalues_wo_returning
            dialect.use_insertmanyvalues_wo_returning = True
            self.engine.clear_compiled_cache()
        if dialect.driver == "psycopg" and self.register_vector and self._colspecs is None:
            # pgvector's VECTOR / HALFVEC columns bind in binary (the types stay pgvector's)
            self._colspecs = dialect.colspecs
            vars(dialect)["colspecs"] = binary_colspecs(dialect.colspecs)
            self.engine.clear_compiled_cache()
        if dialect.name == "postgresql" and "inspector" not in vars(dialect):
            # ag_catalog on the search path must not make AGE's catalog reflect
            # as tables of the default schema (drop_all, Alembic's drop_table)
            self._inspector = TriDBInspector
            vars(dialect)["inspector"] = TriDBInspector  # what inspect(engine) constructs
        self.engine.pool.dispose()  # connections made before now lack the set-up
        return self

    def _listeners(self) -> list[tuple[str, Any]]:
        return [
            ("connect", self._on_connect),
            ("before_cursor_execute", self._before_cursor_execute),
            ("after_cursor_execute", self._after_cursor_execute),
            ("handle_error", self._handle_error),
        ]

    def remove(self) -> None:
        """Stop preparing new connections and Cypher statements."""
        for name, listener in self._listeners():
            if event.contains(self.engine, name, listener):
                event.remove(self.engine, name, listener)
        if self._inspector is not None:
            vars(self.engine.dialect).pop("inspector", None)  # the dialect class's again
            self._inspector = None
        if self._colspecs is not None:
            # types the engine used already keep their binary binding (SQLAlchemy
            # memoizes a type's dialect form); connections made from now on still
            # need pgvector's psycopg types registered for them
            vars(self.engine.dialect)["colspecs"] = self._colspecs
            self._colspecs = None
        if self._batched is not None:
            self.engine.dialect.use_insertmanyvalues_wo_returning = self._batched
            self._batched = None
            self.engine.clear_compiled_cache()


def setup_engine(
    engine: Engine | AsyncEngine, *, load_age: bool | None = None, register_vector: bool = True
) -> ConnectionSetup:
    """Prepare every connection *engine*'s pool makes; return a removable handle.

    Call it before the engine is first used (the engine plugin does, at
    creation): statements the ORM compiled before keep their one-row form.

    :param engine: a sync or async engine.
    :param load_age: as for `prepare_dbapi_connection()`.
    :param register_vector: as for `prepare_dbapi_connection()`.
    """
    sync_engine: Engine = engine.sync_engine if hasattr(engine, "sync_engine") else engine
    return ConnectionSetup(sync_engine, load_age, register_vector).install()


def _flag(value: Any, default: bool | None) -> bool | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("auto", ""):
        return None
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConnectionSetupError(f"expected true, false or auto, got {value!r}")


class TriDBPlugin(CreateEnginePlugin):
    """SQLAlchemy engine plugin ``tridb``: ``create_engine(url, plugins=["tridb"])``.

    Options, in the URL query or as ``create_engine`` keywords:
    ``tridb_load_age`` (``auto``/``true``/``false``) and ``tridb_register_vector``.

    SQLAlchemy makes the plugin; these parameters are its calling convention.

    :param url: the engine's URL, whose query may carry the options.
    :param kwargs: the ``create_engine()`` keywords; the plugin takes its own
        options out of them (a keyword wins over the URL).
    :raises ConnectionSetupError: for an option that is not true, false or auto.
    """

    def __init__(self, url: URL, kwargs: dict[str, Any]) -> None:
        self.load_age = _flag(kwargs.pop("tridb_load_age", url.query.get("tridb_load_age")), None)
        # "auto" (None) registers the types where the extension is installed, like true
        self.register_vector = (
            _flag(
                kwargs.pop("tridb_register_vector", url.query.get("tridb_register_vector")),
                True,
            )
            is not False
        )

    def update_url(self, url: URL) -> URL:
        """Strip the plugin's own query parameters from *url* before the dialect sees them.

        :param url: the engine's URL.
        """
        return url.difference_update_query(["tridb_load_age", "tridb_register_vector"])

    def engine_created(self, engine: Engine) -> None:
        """Install the connection set-up on the new engine.

        :param engine: the engine ``create_engine()`` has just made.
        """
        ConnectionSetup(engine, self.load_age, self.register_vector).install()


def _autocommit(conn: Any) -> bool:
    """Whether the DBAPI connection under SQLAlchemy connection *conn* is in autocommit."""
    driver = getattr(conn.connection, "driver_connection", None)
    return bool(getattr(driver, "autocommit", False))
