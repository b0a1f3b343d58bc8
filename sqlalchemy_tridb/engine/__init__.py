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
  (`vector_schema()`), so distances compile to ``OPERATOR(schema.<=>)``;
* with psycopg, pgvector's ``VECTOR`` / ``HALFVEC`` columns bind in pgvector's
  binary format, from numpy arrays (`sqlalchemy_tridb.engine.vectors`); results
  are still ``list[float]``.

AGE 1.5 resolves the operators of a Cypher query (``=``, ``@>``, graphid joins)
through the search path, and a session reset (``DISCARD ALL``, ``RESET ALL``,
``SET search_path``, a transaction pooler handing over another server
connection) undoes the set-up.  So every statement that calls ``cypher(`` is
preceded, on the same connection and in the same transaction, by one statement
that loads AGE and appends ``ag_catalog`` again if it is missing.

Two ways to get it, with the same effect:

    engine = create_engine(url, plugins=["tridb"])       # engine plugin (entry point)
    engine = create_engine(url); setup_engine(engine)    # explicit call, returns a handle

The package's rooms: `prepare` (what runs once per connection), `vectors`
(pgvector's psycopg types, binary binding), `setup` (the listeners, the handle,
the plugin).
"""

from __future__ import annotations

from .prepare import PreparedConnection as PreparedConnection
from .prepare import prepare_dbapi_connection as prepare_dbapi_connection
from .setup import ConnectionSetup as ConnectionSetup
from .setup import TriDBPlugin as TriDBPlugin
from .setup import setup_engine as setup_engine
from .setup import vector_schema as vector_schema

__all__ = [
    "ConnectionSetup",
    "PreparedConnection",
    "TriDBPlugin",
    "prepare_dbapi_connection",
    "setup_engine",
    "vector_schema",
]
