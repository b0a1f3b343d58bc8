"""The ``tridb`` pytest plugin (entry point ``pytest11``).

Fixtures:

``tridb_server_url`` (session)
    URL of the server: ``--tridb-url``, else the ``tridb_url`` ini setting, else
    ``TRIDB_DATABASE_URL``, else the local server (started if needed, and
    stopped at the end if this run started it).
``tridb_template`` (session)
    A :class:`~sqlalchemy_tridb.testing.TemplateDatabase` with ``vector`` and ``age``.
``tridb_url`` / ``tridb_engine`` (function)
    URL of a fresh clone of the template (dropped after the test), and an
    engine on it with the connection set-up: full isolation, about 0.25 s.
``tridb_session`` (function)
    An ORM ``Session`` inside an outer transaction that is rolled back after
    the test (``join_transaction_mode="create_savepoint"``: the test's own
    ``commit()`` calls release savepoints).  Milliseconds, and DDL, graph
    writes and embeddings roll back too; use ``tridb_engine`` when a test needs
    several connections or real commits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .fixtures import TemplateDatabase, make_engine, tridb_database_factory


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--tridb-url`` and ``--tridb-home`` and their ini settings."""
    group = parser.getgroup("tridb", "sqlalchemy-tridb")
    group.addoption("--tridb-url", help="PostgreSQL (pgvector + AGE) server to test against")
    group.addoption("--tridb-home", help="folder of the local server (default .tridb)")
    parser.addini("tridb_url", "PostgreSQL (pgvector + AGE) server to test against", default="")
    parser.addini("tridb_home", "folder of the local server (default .tridb)", default="")


@pytest.fixture(scope="session")
def tridb_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of the PostgreSQL server the tests run against (maintenance database)."""
    config = request.config
    named = (
        config.getoption("tridb_url")
        or config.getini("tridb_url")
        or os.environ.get("TRIDB_DATABASE_URL")
    )
    if named:
        yield str(named)
        return
    from pathlib import Path

    from ..server import LocalServer, ServerConfig

    home = config.getoption("tridb_home") or config.getini("tridb_home")
    server = LocalServer(ServerConfig.from_env(home=Path(home) if home else None))
    was_running = server.status().running
    status = server.start()
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


@pytest.fixture(scope="session")
def tridb_shared_engine(tridb_template: TemplateDatabase) -> Iterator[Engine]:
    """One clone of the template for the whole run, for the rolled-back sessions."""
    for url in tridb_template.clone():
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


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
