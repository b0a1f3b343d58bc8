"""Connection set-up: ``LOAD 'age'``, a search path that finds ``ag_catalog``, pgvector types.

Every pooled DBAPI connection is prepared once, when the pool creates it:

* ``LOAD 'age'`` unless the server preloads AGE (``shared_preload_libraries`` or
  ``session_preload_libraries``), which is how managed PostgreSQL without
  ``LOAD`` rights works;
* ``ag_catalog`` is *appended* to the search path, so the user's own schemas
  keep priority over AGE's functions and types;
* pgvector's psycopg types are registered (sync and async drivers) when the
  ``vector`` extension exists in the database.

Two ways to get it, with the same effect::

    engine = create_engine(url, plugins=["tridb"])       # engine plugin (entry point)
    engine = create_engine(url); setup_engine(engine)    # explicit call, returns a handle
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from pgvector.psycopg import register_vector, register_vector_async
from sqlalchemy import event
from sqlalchemy.engine import URL, CreateEnginePlugin, Engine

from .exc import ConnectionSetupError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["ConnectionSetup", "TriDBPlugin", "prepare_dbapi_connection", "setup_engine"]

_INFO_KEY = "sqlalchemy_tridb.prepared"


def _run_sql(dbapi_connection: Any, statement: str) -> list[tuple[Any, ...]]:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
        return list(cursor.fetchall()) if cursor.description else []
    finally:
        cursor.close()


def prepare_dbapi_connection(
    dbapi_connection: Any, *, load_age: bool | None = None, register_vector: bool = True
) -> None:
    """Prepare one DBAPI (psycopg 3, sync or async-adapted) connection.

    ``load_age=None`` loads AGE unless the server preloads it; ``True`` always
    loads it; ``False`` never does.  The settings are committed, so they
    survive the pool's rollback on check-in.

    :param dbapi_connection: the DBAPI connection (as the ``connect`` event gives it).
    :param load_age: whether to ``LOAD 'age'`` (``None``: unless preloaded).
    :param register_vector: register pgvector's psycopg types when the ``vector``
        extension exists in the database.
    """
    try:
        (preload, session_preload, search_path, has_vector) = _run_sql(
            dbapi_connection,
            "SELECT current_setting('shared_preload_libraries'), "
            "current_setting('session_preload_libraries'), current_setting('search_path'), "
            "EXISTS (SELECT 1 FROM pg_type WHERE typname = 'vector')",
        )[0]
        preloaded = "age" in {
            lib.strip().strip('"') for lib in f"{preload},{session_preload}".split(",")
        }
        if load_age or (load_age is None and not preloaded):
            try:
                _run_sql(dbapi_connection, "LOAD 'age'")
            except Exception as err:
                raise ConnectionSetupError(
                    f"LOAD 'age' failed ({err}). On a server where you may not LOAD, ask for "
                    "AGE in shared_preload_libraries or session_preload_libraries, or pass "
                    "load_age=False"
                ) from err
        if "ag_catalog" not in [p.strip().strip('"') for p in search_path.split(",")]:
            _run_sql(
                dbapi_connection,
                "SELECT set_config('search_path', "
                "current_setting('search_path') || ', ag_catalog', false)",
            )
        dbapi_connection.commit()
    except ConnectionSetupError:
        dbapi_connection.rollback()
        raise
    if register_vector and has_vector:
        _register_vector(dbapi_connection)


def _register_vector(dbapi_connection: Any) -> None:
    # other drivers (psycopg2, asyncpg) keep pgvector's text I/O
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if isinstance(driver, psycopg.AsyncConnection):
        dbapi_connection.run_async(register_vector_async)
        dbapi_connection.commit()
    elif isinstance(driver, psycopg.Connection):
        register_vector(driver)
        dbapi_connection.commit()


@dataclass
class ConnectionSetup:
    """The handle :func:`setup_engine` returns; :meth:`remove` undoes it."""

    engine: Engine
    load_age: bool | None = None
    register_vector: bool = True

    def _on_connect(self, dbapi_connection: Any, connection_record: Any) -> None:
        prepare_dbapi_connection(
            dbapi_connection, load_age=self.load_age, register_vector=self.register_vector
        )
        connection_record.info[_INFO_KEY] = True

    def install(self) -> ConnectionSetup:
        """Listen for new pooled connections (existing ones are recycled)."""
        event.listen(self.engine, "connect", self._on_connect)
        self.engine.pool.dispose()  # connections made before now lack the set-up
        return self

    def remove(self) -> None:
        """Stop preparing new connections."""
        if event.contains(self.engine, "connect", self._on_connect):
            event.remove(self.engine, "connect", self._on_connect)


def setup_engine(
    engine: Engine | AsyncEngine, *, load_age: bool | None = None, register_vector: bool = True
) -> ConnectionSetup:
    """Prepare every connection *engine*'s pool makes; return a removable handle.

    :param engine: a sync or async engine.
    :param load_age: as for :func:`prepare_dbapi_connection`.
    :param register_vector: as for :func:`prepare_dbapi_connection`.
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
    """

    def __init__(self, url: URL, kwargs: dict[str, Any]) -> None:
        self.load_age = _flag(kwargs.pop("tridb_load_age", url.query.get("tridb_load_age")), None)
        self.register_vector = bool(
            _flag(
                kwargs.pop("tridb_register_vector", url.query.get("tridb_register_vector")),
                True,
            )
        )

    def update_url(self, url: URL) -> URL:
        """Strip the plugin's own query parameters from *url* before the dialect sees them."""
        return url.difference_update_query(["tridb_load_age", "tridb_register_vector"])

    def engine_created(self, engine: Engine) -> None:
        """Install the connection set-up on the new engine."""
        ConnectionSetup(engine, self.load_age, self.register_vector).install()
