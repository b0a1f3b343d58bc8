"""Databases on a server: create one with both extensions, drop it, or use one for a while.

```python
from sqlalchemy_tridb.server import temporary_database

with temporary_database("scratch") as engine:   # vector + age, dropped afterwards
    Base.metadata.create_all(engine)
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..exc import DatabaseExistsError, ServerError
from ..sql import quote_ident, validate_label
from .resolve import resolve_database_url

EXTENSIONS = ("vector", "age")
_EXISTS = text("SELECT true FROM pg_catalog.pg_database WHERE datname = :name")
_DUPLICATE_DATABASE = "42P04"


def create_database(
    server_url: str, name: str, *, extensions: Sequence[str] = EXTENSIONS, replace: bool = False
) -> str:
    """Create database *name* on the server of *server_url*; return its URL.

    The extensions are created in it (so new connections get pgvector's
    types).  An existing database of that name is never dropped unless you
    ask: like ``tridb db create NAME``, this raises `DatabaseExistsError`, and
    ``replace=True`` (``tridb db create NAME --replace``) drops it, closing its
    connections, and makes a new one.

    :param server_url: a URL of the server (any database on it).
    :param name: the database to create (validated as an identifier).
    :param extensions: the extensions to create in it (``vector`` and ``age``).
    :param replace: drop an existing database of that name first.
    :raises DatabaseExistsError: *name* exists and *replace* is false.
    :raises ServerError: the server refused to create it.
    """
    validate_label(name, what="database name")
    for ext in extensions:
        validate_label(ext, what="extension name")
    url = make_url(server_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if replace:
                conn.execute(text(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)"))
            elif conn.scalar(_EXISTS, {"name": name}):
                raise _exists(name)
            try:
                conn.execute(text(f"CREATE DATABASE {quote_ident(name)}"))
            except DBAPIError as err:
                if getattr(err.orig, "sqlstate", None) == _DUPLICATE_DATABASE:
                    raise _exists(name) from err  # made by someone else meanwhile
                raise ServerError(f"cannot create database {name!r} ({err.orig})") from err
    finally:
        admin.dispose()
    target = url.set(database=name)
    engine = create_engine(target)
    try:
        with engine.begin() as conn:
            for ext in extensions:
                conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {quote_ident(ext)}"))
    finally:
        engine.dispose()
    return target.render_as_string(hide_password=False)


def _exists(name: str) -> DatabaseExistsError:
    return DatabaseExistsError(
        f"database {name!r} exists; pass replace=True (tridb db create {name} --replace) "
        "to drop it and everything in it, or choose another name"
    )


def drop_database(server_url: str, name: str) -> None:
    """Drop database *name* (closing its connections) if it exists.

    :param server_url: a URL of the server (any database on it).
    :param name: the database to drop.
    """
    validate_label(name, what="database name")
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)"))
    finally:
        admin.dispose()


@contextmanager
def temporary_database(
    name: str,
    *,
    server_url: str | None = None,
    extensions: Sequence[str] = EXTENSIONS,
    keep: bool = False,
) -> Iterator[Engine]:
    """A fresh database *name* with the extensions, as an engine with the tridb set-up.

    The server is *server_url*, else ``TRIDB_DATABASE_URL``, else the local
    server (started if needed).  The name belongs to this scratch database: a
    database of that name left by a run that died is replaced, and the
    database is dropped afterwards unless *keep*.

    :param name: the database's name (validated as an identifier).
    :param server_url: a URL of the server (any database on it).
    :param extensions: the extensions to create in it.
    :param keep: leave the database in place afterwards.
    """
    server = server_url or resolve_database_url()
    url = create_database(server, name, extensions=extensions, replace=True)
    engine = create_engine(url, plugins=["tridb"])
    try:
        yield engine
    finally:
        engine.dispose()
        if not keep:
            drop_database(server, name)
