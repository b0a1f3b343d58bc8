"""The per-connection set-up: one catalog query, AGE's library, the search path, pgvector's types.

`prepare_dbapi_connection()` runs once per pooled DBAPI connection (the
``connect`` event of `ConnectionSetup`); `PreparedConnection` is what it
learned.  The Cypher prelude (`cypher_prelude()`) is the statement that
``ConnectionSetup`` runs before each Cypher statement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..exc import ConnectionSetupError
from .vectors import register_vector_types

__all__ = ["PreparedConnection", "cypher_prelude", "prepare_dbapi_connection", "run_sql"]


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


def run_sql(dbapi_connection: Any, statement: str) -> list[tuple[Any, ...]]:
    """Run *statement* on a DBAPI connection; its rows (none for a statement without).

    :param dbapi_connection: the DBAPI connection.
    :param statement: SQL without parameters.
    """
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
        (search_path, schema, age_usage, types) = run_sql(dbapi_connection, _FACTS)[0]
        age_usable = bool(age_usage)
        if load_age:
            _load_age(dbapi_connection)
        prelude = cypher_prelude(age_usable and load_age is not False)
        try:
            run_sql(dbapi_connection, prelude)
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
        register_vector_types(dbapi_connection, json.loads(types or "[]"))
    return PreparedConnection(search_path, schema, age_usable, prelude if age_usable else None)


def _load_age(dbapi_connection: Any) -> None:
    try:
        run_sql(dbapi_connection, "LOAD 'age'")
    except Exception as err:  # any driver's error
        raise ConnectionSetupError(
            f"LOAD 'age' failed ({err}): LOAD needs a superuser. Leave tridb_load_age at "
            "auto (AGE is then loaded through one of its functions, which any role with "
            "USAGE on ag_catalog may call), or ask for AGE in shared_preload_libraries"
        ) from err


def cypher_prelude(load: bool) -> str:
    """The statement run before each Cypher statement: append ``ag_catalog``, maybe load AGE.

    :param load: also load AGE's library (through an ``agtype`` cast).
    """
    return f"SELECT {_LOAD_AGE}, {_APPEND_AG_CATALOG}" if load else f"SELECT {_APPEND_AG_CATALOG}"
