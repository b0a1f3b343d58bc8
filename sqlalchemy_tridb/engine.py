"""Connection set-up: AGE's library, a search path that finds ``ag_catalog``, pgvector types.

Every pooled DBAPI connection is prepared once, when the pool creates it, with
nothing a plain ``LOGIN`` role may not do or read:

* one catalog query learns the search path, the schema of the ``vector``
  extension and whether the role may use AGE (the extension exists and the
  role has ``USAGE`` on ``ag_catalog``);
* AGE's library is loaded by calling one of its C functions (an ``agtype``
  cast), which installs its parser hooks as ``LOAD 'age'`` does, without the
  superuser right ``LOAD`` needs; a server that preloads AGE already has it;
* ``ag_catalog`` is *appended* to the search path, so the user's own schemas
  keep priority over AGE's functions and types;
* the engine's inspector leaves AGE's catalog tables, seen through that
  search path, out of the default schema (`TriDBInspector`), so reflection,
  ``drop_all()`` and Alembic's autogenerate do not take them for the user's;
* pgvector's psycopg types are registered (sync and async drivers) by their
  schema-qualified names, wherever ``CREATE EXTENSION vector SCHEMA ...`` put
  them; the schema is remembered for the engine's dialect
  (`vector_schema()`), so distances compile to ``OPERATOR(schema.<=>)``.

AGE 1.5 resolves the operators of a Cypher query (``=``, ``@>``, graphid joins)
through the search path, and a session reset (``DISCARD ALL``, ``RESET ALL``,
``SET search_path``, a transaction pooler handing over another server
connection) undoes the set-up.  So every statement that calls ``cypher(`` is
preceded, on the same connection and in the same transaction, by one statement
that loads AGE and appends ``ag_catalog`` again if it is missing.

Two ways to get it, with the same effect:

    engine = create_engine(url, plugins=["tridb"])       # engine plugin (entry point)
    engine = create_engine(url); setup_engine(engine)    # explicit call, returns a handle
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import psycopg
from pgvector.psycopg.bit import register_bit_info
from pgvector.psycopg.halfvec import register_halfvec_info
from pgvector.psycopg.sparsevec import register_sparsevec_info
from pgvector.psycopg.vector import register_vector_info
from psycopg.types import TypeInfo
from sqlalchemy import event
from sqlalchemy.engine import URL, CreateEnginePlugin, Dialect, Engine

from .exc import ConnectionSetupError
from .sql.reflection import TriDBInspector

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "ConnectionSetup",
    "PreparedConnection",
    "TriDBPlugin",
    "prepare_dbapi_connection",
    "setup_engine",
    "vector_schema",
]

_INFO_KEY = "sqlalchemy_tridb.prepared"
_PRELUDE_KEY = "sqlalchemy_tridb.cypher_prelude"
#: set while a Cypher statement on an autocommit connection runs in its own transaction
_CYPHER_TX_KEY = "sqlalchemy_tridb.cypher_transaction"

# Readable by every role: no superuser-only setting (shared_preload_libraries) is read.
_FACTS = """\
SELECT pg_catalog.current_setting('search_path'),
       (SELECT n.nspname FROM pg_catalog.pg_extension e
          JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'vector'),
       (SELECT pg_catalog.has_schema_privilege(e.extnamespace, 'USAGE')
          FROM pg_catalog.pg_extension e WHERE e.extname = 'age'),
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(t.typname, t.oid::int8,
                   t.typarray::int8, t.oid::pg_catalog.regtype::text, t.typdelim))::text
          FROM pg_catalog.pg_type t
         WHERE t.oid = 'pg_catalog.bit'::pg_catalog.regtype
            OR (t.typname IN ('vector', 'halfvec', 'sparsevec') AND t.typnamespace =
                (SELECT extnamespace FROM pg_catalog.pg_extension WHERE extname = 'vector')))"""

# Appends ag_catalog unless the search path names it already (quoted or not).
_APPEND_AG_CATALOG = (
    "(SELECT pg_catalog.set_config('search_path', "
    "pg_catalog.concat(pg_catalog.current_setting('search_path'), ', ag_catalog'), false) "
    "WHERE NOT 'ag_catalog' = ANY (pg_catalog.string_to_array(pg_catalog.translate("
    "pg_catalog.current_setting('search_path'), ' \"', ''), ',')))"
)
# Calling AGE's agtype input function (a C function) loads its library and parser hooks.
_LOAD_AGE = "CAST('null' AS ag_catalog.agtype)"

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


@dataclass(frozen=True)
class PreparedConnection:
    """What the set-up learned about one connection's database and role.

    :param search_path: the search path before the set-up appended ``ag_catalog``.
    :param vector_schema: the schema of the ``vector`` extension (``None``:
        not installed).
    :param age_usable: whether AGE is installed and the role has ``USAGE`` on
        ``ag_catalog``.
    :param cypher_prelude: the statement run before each Cypher statement
        (``None``: AGE is not usable).
    """

    search_path: str
    vector_schema: str | None
    age_usable: bool
    cypher_prelude: str | None


def _run_sql(dbapi_connection: Any, statement: str) -> list[tuple[Any, ...]]:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
        return list(cursor.fetchall()) if cursor.description else []
    finally:
        cursor.close()


def prepare_dbapi_connection(
    dbapi_connection: Any, *, load_age: bool | None = None, register_vector: bool = True
) -> PreparedConnection:
    """Prepare one DBAPI (psycopg 3, sync or async-adapted) connection.

    ``load_age=None`` loads AGE's library through one of its functions when the
    role may use AGE; ``True`` also runs ``LOAD 'age'`` (superuser only);
    ``False`` leaves the library alone.  The settings are committed, so they
    survive the pool's rollback on check-in.

    :param dbapi_connection: the DBAPI connection (as the ``connect`` event gives it).
    :param load_age: whether to load AGE (``None``: when usable, without ``LOAD``).
    :param register_vector: register pgvector's psycopg types when the ``vector``
        extension exists in the database.
    :raises ConnectionSetupError: ``LOAD 'age'`` was asked for and failed, or
        AGE's library is missing from the server.
    """
    try:
        (search_path, schema, age_usage, types) = _run_sql(dbapi_connection, _FACTS)[0]
        age_usable = bool(age_usage)
        if load_age:
            _load_age(dbapi_connection)
        prelude = _prelude(age_usable and load_age is not False)
        try:
            _run_sql(dbapi_connection, prelude)
        except Exception as err:  # any driver's error
            raise ConnectionSetupError(
                f"AGE's library could not be loaded ({err}): install Apache AGE on the "
                "server, or pass tridb_load_age=false to leave AGE alone"
            ) from err
        dbapi_connection.commit()
    except ConnectionSetupError:
        dbapi_connection.rollback()
        raise
    if register_vector and schema is not None:
        _register_vector(dbapi_connection, json.loads(types or "[]"))
    return PreparedConnection(search_path, schema, age_usable, prelude if age_usable else None)


def _load_age(dbapi_connection: Any) -> None:
    try:
        _run_sql(dbapi_connection, "LOAD 'age'")
    except Exception as err:  # any driver's error
        raise ConnectionSetupError(
            f"LOAD 'age' failed ({err}): LOAD needs a superuser. Leave tridb_load_age at "
            "auto (AGE is then loaded through one of its functions, which any role with "
            "USAGE on ag_catalog may call), or ask for AGE in shared_preload_libraries"
        ) from err


def _autocommit(conn: Any) -> bool:
    """Whether the DBAPI connection under SQLAlchemy connection *conn* is in autocommit."""
    driver = getattr(conn.connection, "driver_connection", None)
    return bool(getattr(driver, "autocommit", False))


def _prelude(load: bool) -> str:
    return f"SELECT {_LOAD_AGE}, {_APPEND_AG_CATALOG}" if load else f"SELECT {_APPEND_AG_CATALOG}"


def _register_vector(dbapi_connection: Any, rows: list[list[Any]]) -> None:
    # other drivers (psycopg2, asyncpg) keep pgvector's text I/O
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if not isinstance(driver, psycopg.BaseConnection):
        return
    infos = {
        name: TypeInfo(name, oid, array_oid, regtype=regtype, delimiter=delimiter)
        for name, oid, array_oid, regtype, delimiter in rows
    }
    for name, register in (
        ("vector", register_vector_info),
        ("bit", register_bit_info),
        ("halfvec", register_halfvec_info),
        ("sparsevec", register_sparsevec_info),
    ):
        if name in infos:  # halfvec and sparsevec came with pgvector 0.7
            register(driver, infos[name])


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
        prelude = conn.info.get(_PRELUDE_KEY)
        if prelude is not None and _CYPHER_CALL.search(statement):
            if _autocommit(conn):
                # prelude and statement in one transaction: a transaction pooler
                # would otherwise run them on different server connections
                _run_sql(conn.connection, "BEGIN")
                conn.info[_CYPHER_TX_KEY] = True
            _run_sql(conn.connection, prelude)

    def _after_cursor_execute(self, conn: Any, *args: Any) -> None:
        if conn.info.pop(_CYPHER_TX_KEY, False):
            _run_sql(conn.connection, "COMMIT")

    def _handle_error(self, context: Any) -> None:
        conn = context.connection
        if conn is not None and conn.info.pop(_CYPHER_TX_KEY, False):
            # if the connection itself failed, the pool discards it anyway
            with contextlib.suppress(Exception):
                _run_sql(conn.connection, "ROLLBACK")

    def install(self) -> ConnectionSetup:
        """Listen for new pooled connections (existing ones are recycled) and Cypher statements.

        With psycopg, ORM flushes of many rows also become multi-row
        ``INSERT`` statements (SQLAlchemy's "insertmanyvalues" without
        ``RETURNING``): one statement per 1,000 rows instead of one per row, so
        the graph's statement-level triggers run once per batch.
        """
        for name, listener in self._listeners():
            event.listen(self.engine, name, listener)
        dialect = self.engine.dialect
        if dialect.driver == "psycopg" and dialect.use_insertmanyvalues:
            self._batched = dialect.use_insertmanyvalues_wo_returning
            dialect.use_insertmanyvalues_wo_returning = True
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
