"""The ``tridb`` pytest plugin (entry point ``pytest11``).

Fixtures:

``tridb_server_url`` (session)
    URL of the server: ``--tridb-url``, else the ``tridb_url`` ini setting, else
    ``TRIDB_DATABASE_URL``, else the local server (started if needed, and
    stopped at the end if this run started it).  A named server that cannot be
    reached fails the tests that need it; a local server that cannot be had
    here (`ServerUnavailableError`) skips them,
    saying what to set.
``tridb_template`` (session)
    A `TemplateDatabase` with ``vector`` and ``age``.
``tridb_url`` / ``tridb_engine`` (function)
    URL of a fresh clone of the template (dropped after the test), and an
    engine on it with the connection set-up: full isolation, about 0.25 s.
``tridb_session`` (function)
    An ORM ``Session`` inside an outer transaction that is rolled back after
    the test (``join_transaction_mode="create_savepoint"``: the test's own
    ``commit()`` calls release savepoints).  Milliseconds, and DDL, graph
    writes and embeddings roll back too; use ``tridb_engine`` when a test needs
    several connections or real commits.

``tridb_async_engine`` / ``tridb_async_session`` (function)
    The same as ``tridb_engine`` and ``tridb_session`` for asyncio: an
    ``AsyncEngine`` on a fresh clone, and an ``AsyncSession`` rolled back after
    the test (async fixtures run by anyio's pytest plugin; see
    `sqlalchemy_tridb.testing.aio`).

Marker ``db``: every test whose fixtures reach a server fixture
(``tridb_server_url``, or one given to ``tridb_database_factory``) gets it, so
``pytest -m "not db"`` runs the tests that need no server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..exc import ServerUnavailableError
from ..server import LocalServer, ServerConfig
from ..server.backends import choose_backend
from .aio import tridb_async_engine as tridb_async_engine
from .aio import tridb_async_session as tridb_async_session
from .fixtures import (
    SERVER_FIXTURES,
    TemplateDatabase,
    make_engine,
    tridb_database_factory,
    tridb_engine_factory,
)

DB_MARKER = (
    "db: needs a PostgreSQL server with pgvector and Apache AGE (set by the tridb "
    'plugin for tests using its server fixtures); -m "not db" runs the others'
)

REMEDY = (
    "set TRIDB_DATABASE_URL (or pass --tridb-url, or the tridb_url ini setting) to a "
    "PostgreSQL server with pgvector and Apache AGE, or make the local one with "
    '`tridb server start`; -m "not db" runs only the tests that need no server'
)


def local_server_unavailable(config: ServerConfig | None = None) -> str | None:
    """Why no local server can be made here (and how to get one), or ``None`` if it can.

    For tests that run the server manager themselves rather than through
    ``tridb_server_url``: ``pytest.mark.skipif(local_server_unavailable() is not None, ...)``.

    :param config: the server configuration to check (default
        ``ServerConfig.from_env()``: the ``TRIDB_*`` environment).
    """
    try:
        choose_backend(config if config is not None else ServerConfig.from_env())
    except ServerUnavailableError as err:
        return f"the local server cannot be made here: {err}"
    return None


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--tridb-url`` and ``--tridb-home`` and their ini settings."""
    group = parser.getgroup("tridb", "sqlalchemy-tridb")
    group.addoption("--tridb-url", help="PostgreSQL (pgvector + AGE) server to test against")
    group.addoption("--tridb-home", help="folder of the local server (default .tridb)")
    parser.addini("tridb_url", "PostgreSQL (pgvector + AGE) server to test against", default="")
    parser.addini("tridb_home", "folder of the local server (default .tridb)", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``db`` marker."""
    config.addinivalue_line("markers", DB_MARKER)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark ``db`` the tests whose fixture closure holds a server fixture."""
    if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.db)


def _named_server(config: pytest.Config) -> tuple[str, str] | None:
    """The server the user named, and where it was named, if any."""
    for source, value in (
        ("--tridb-url", config.getoption("tridb_url")),
        ("the tridb_url ini setting", config.getini("tridb_url")),
        ("TRIDB_DATABASE_URL", os.environ.get("TRIDB_DATABASE_URL")),
    ):
        if value:
            return str(value), source
    return None


def _check_reachable(url: str, source: str) -> None:
    """Connect once; a named server that cannot be reached fails the run's db tests."""
    u = make_url(url)
    connect_args = {"connect_timeout": 10} if u.get_driver_name().startswith("psycopg") else {}
    engine = create_engine(u, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect():
            pass
    except DBAPIError as err:
        pytest.fail(
            f"the server named by {source} ({u.render_as_string(hide_password=True)}) "
            f"cannot be used: {err.orig}",
            pytrace=False,
        )
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def tridb_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of the PostgreSQL server the tests run against (maintenance database)."""
    config = request.config
    named = _named_server(config)
    if named is not None:
        _check_reachable(*named)
        yield named[0]
        return
    home = config.getoption("tridb_home") or config.getini("tridb_home")
    server = LocalServer(ServerConfig.from_env(home=Path(home) if home else None))
    was_running = server.status().running
    try:
        status = server.start()
    except ServerUnavailableError as err:
        pytest.skip(f"no database server: {REMEDY}. ({err})")
    assert status.url is not None
    # under pytest-xdist every worker gets here: none of them may stop a server the
    # others still use, so only a plain (non-worker) run stops what it started
    owner = not was_running and "PYTEST_XDIST_WORKER" not in os.environ
    try:
        yield status.url
    finally:
        if owner:
            server.stop()


tridb_template = tridb_database_factory()
tridb_template.__doc__ = "Session-scoped template database with ``vector`` and ``age``."


@pytest.fixture
def tridb_url(tridb_template: TemplateDatabase) -> Iterator[str]:
    """URL of a clean database for one test (a clone of the template)."""
    yield from tridb_template.clone()


@pytest.fixture
def tridb_engine(tridb_url: str) -> Iterator[Engine]:
    """An engine on the test's clean database, with the tridb connection set-up."""
    engine = make_engine(tridb_url)
    try:
        yield engine
    finally:
        engine.dispose()


tridb_shared_engine = tridb_engine_factory("tridb_template", scope="session")
tridb_shared_engine.__doc__ = (
    "One clone of the template for the whole run, for rolled-back sessions."
)


@pytest.fixture
def tridb_session(tridb_shared_engine: Engine) -> Iterator[Session]:
    """An ORM session whose work is rolled back after the test."""
    with tridb_shared_engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            outer.rollback()
