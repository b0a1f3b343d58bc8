"""Fixture factories built on pytest-postgresql's ``DatabaseJanitor``.

A session-scoped *template* database gets ``CREATE EXTENSION vector`` and
``CREATE EXTENSION age`` (plus any load callbacks) once; every test then gets a
fresh clone of it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

#: A load callback: gets a connection to the template database, inside a transaction.
Loader = Callable[[Connection], None]

_counter = itertools.count()


def _janitor(url: str, dbname: str, **kwargs: Any) -> Any:
    from pytest_postgresql.janitor import DatabaseJanitor

    u = make_url(url)
    return DatabaseJanitor(
        user=u.username or "postgres",
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        dbname=dbname,
        password=u.password,
        maintenance_dbname=u.database or "postgres",
        **kwargs,
    )


def _url_for(url: str, dbname: str) -> str:
    return make_url(url).set(database=dbname).render_as_string(hide_password=False)


@dataclass
class TemplateDatabase:
    """A template database with both extensions, cloned once per test."""

    server_url: str
    name: str
    loaders: Sequence[Loader] = field(default_factory=tuple)

    def create(self) -> None:
        """Create the template with ``vector`` and ``age`` and run the loaders."""
        janitor = _janitor(self.server_url, self.name)
        janitor.drop()
        janitor.init()
        engine = create_engine(_url_for(self.server_url, self.name), poolclass=_null_pool())
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS age"))
                conn.execute(text("LOAD 'age'"))
                conn.execute(text("SET LOCAL search_path = public, ag_catalog"))
                for load in self.loaders:
                    load(conn)
        finally:
            engine.dispose()
        with janitor.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{self.name}" WITH is_template true')

    def drop(self) -> None:
        """Drop the template."""
        _janitor(self.server_url, self.name, as_template=True).drop()

    def clone(self) -> Iterator[str]:
        """Yield the URL of a fresh clone, dropped afterwards."""
        name = f"{self.name}_{next(_counter)}"
        janitor = _janitor(self.server_url, name, template_dbname=self.name)
        janitor.init()
        try:
            yield _url_for(self.server_url, name)
        finally:
            janitor.drop()


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


_templates = itertools.count()


def template_name(prefix: str = "tridb_tpl") -> str:
    """A template name unique to this process and call (xdist workers run side by side)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{os.getpid()}_{next(_templates)}"


def tridb_database_factory(
    *,
    load: Sequence[Loader] = (),
    server_fixture: str = "tridb_server_url",
    scope: Any = "session",
) -> Any:
    """Return a session-scoped fixture giving a :class:`TemplateDatabase`.

    Use it to build a template with your own schema, then clone it per test::

        from sqlalchemy_tridb.testing import tridb_database_factory

        def create_schema(conn):
            Base.metadata.create_all(conn)

        shop_template = tridb_database_factory(load=[create_schema])

        @pytest.fixture
        def shop_engine(shop_template):
            for url in shop_template.clone():
                engine = create_engine(url, plugins=["tridb"])
                yield engine
                engine.dispose()
    """

    @pytest.fixture(scope=scope)
    def _template(request: pytest.FixtureRequest) -> Iterator[TemplateDatabase]:
        server_url = request.getfixturevalue(server_fixture)
        tpl = TemplateDatabase(server_url, template_name(), tuple(load))
        tpl.create()
        try:
            yield tpl
        finally:
            tpl.drop()

    return _template


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the tridb connection set-up, as the fixtures make them."""
    return create_engine(url, plugins=["tridb"], **kwargs)
