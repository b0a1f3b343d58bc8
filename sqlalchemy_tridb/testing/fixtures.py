"""Fixture factories built on pytest-postgresql's ``DatabaseJanitor``.

A session-scoped *template* database gets ``CREATE EXTENSION vector`` and
``CREATE EXTENSION age`` (plus any load callbacks) once; every test then gets a
fresh clone of it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards.

`tridb_database_factory()` makes the template fixture and
`tridb_engine_factory()` the per-test engine on a clone of it; the plugin's
own ``tridb_template`` and ``tridb_shared_engine`` are made with them too.
"""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ..sql import quote_ident

#: A load callback: gets a connection to the template database, inside a transaction.
Loader = Callable[[Connection], None]

#: Fixtures that hand out a server: a test whose fixture closure holds one of
#: them gets the ``db`` marker (see :mod:`sqlalchemy_tridb.testing.plugin`).
#: :func:`tridb_database_factory` adds the server fixture it is given.
SERVER_FIXTURES: set[str] = {"tridb_server_url"}

_counter = itertools.count()


def _janitor(url: str, dbname: str, **kwargs: Any) -> Any:
    # pytest-postgresql is a dev extra, imported only when a database is made: the
    # plugin is registered (pytest11) wherever sqlalchemy-tridb is installed, and must
    # not break pytest runs of projects that only install the library.
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


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the tridb connection set-up, as the fixtures make them.

    :param url: the database URL (``postgresql+psycopg://...``).
    :param kwargs: more ``create_engine()`` keywords (not ``plugins``, which is ``["tridb"]``).
    """
    return create_engine(url, plugins=["tridb"], **kwargs)


@dataclass
class TemplateDatabase:
    """A template database with both extensions (by default), cloned once per test.

    :param server_url: the URL of a database on the server whose role may
        create databases (the maintenance database: ``tridb_server_url``).
    :param name: the template's database name (`template_name()` makes a unique one).
    :param loaders: callables run in order with a connection to the template
        inside its creating transaction, after the extensions (e.g.
        ``Base.metadata.create_all``); with ``age``, ``ag_catalog`` is on the
        search path then.
    :param extensions: the extensions created in the template (``()``: none).
    """

    server_url: str
    name: str
    loaders: Sequence[Loader] = field(default_factory=tuple)
    extensions: Sequence[str] = ("vector", "age")

    def create(self) -> None:
        """Create the template with its extensions and run the loaders."""
        janitor = _janitor(self.server_url, self.name)
        janitor.drop()
        janitor.init()
        engine = create_engine(_url_for(self.server_url, self.name), poolclass=NullPool)
        try:
            with engine.begin() as conn:
                for ext in self.extensions:
                    conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {quote_ident(ext)}"))
                if "age" in self.extensions:
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

    def clone(self) -> Generator[str, None, None]:
        """Yield the URL of a fresh clone, dropped afterwards."""
        name = f"{self.name}_{next(_counter)}"
        janitor = _janitor(self.server_url, name, template_dbname=self.name)
        janitor.init()
        try:
            yield _url_for(self.server_url, name)
        finally:
            janitor.drop()

    def engine(self, **engine_kwargs: Any) -> Generator[Engine, None, None]:
        """Yield an engine (tridb set-up) on a fresh clone; dispose of both afterwards.

        :param engine_kwargs: more ``create_engine()`` keywords, as for `make_engine()`.
        """
        for url in self.clone():
            engine = make_engine(url, **engine_kwargs)
            try:
                yield engine
            finally:
                engine.dispose()


_templates = itertools.count()


def template_name(prefix: str = "tridb_tpl") -> str:
    """A template name unique to this process and call (xdist workers run side by side).

    :param prefix: the name's start; the xdist worker, the process id and a
        counter follow, joined by ``_`` (keep it short: names stop at 63 bytes).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{os.getpid()}_{next(_templates)}"


def _requesting(func: Callable[..., Any], fixture: str) -> Callable[..., Any]:
    """Make pytest pass fixture *fixture* to ``func(**kwargs)`` by that keyword.

    pytest reads a fixture's dependencies from its signature; the name is only
    known at run time here, so the signature is set.  Declared statically (not
    looked up with ``request.getfixturevalue``), the dependency is in every
    test's fixture closure, which is what the ``db`` marker is decided from.
    """
    param = inspect.Parameter(fixture, inspect.Parameter.KEYWORD_ONLY)
    func.__signature__ = inspect.Signature([param])  # type: ignore[attr-defined]
    return func


def tridb_database_factory(
    *,
    load: Sequence[Loader] = (),
    extensions: Sequence[str] = ("vector", "age"),
    server_fixture: str = "tridb_server_url",
    scope: Any = "session",
) -> Any:
    """Return a session-scoped fixture giving a `TemplateDatabase`.

    Use it to build a template with your own schema, then clone it per test
    with `tridb_engine_factory()`:

        from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

        def create_schema(conn):
            Base.metadata.create_all(conn)

        shop_template = tridb_database_factory(load=[create_schema])
        shop_engine = tridb_engine_factory("shop_template")

    *extensions* are created in the template (``()``: an empty database, for
    migrations that create them).  *server_fixture* names the fixture giving
    the server's URL; tests that use the template get the ``db`` marker.

    :param load: callables run in order with a connection to the new
        template, in its creating transaction (see `TemplateDatabase`).
    :param extensions: the extensions created in the template before *load*.
    :param server_fixture: the name of the fixture giving the server's URL
        (default ``tridb_server_url``).
    :param scope: the fixture's pytest scope; the template is made once per
        scope and dropped at its end.
    """
    SERVER_FIXTURES.add(server_fixture)

    def _template(**fixtures: str) -> Iterator[TemplateDatabase]:
        server_url = fixtures[server_fixture]
        tpl = TemplateDatabase(server_url, template_name(), tuple(load), tuple(extensions))
        tpl.create()
        try:
            yield tpl
        finally:
            tpl.drop()

    return pytest.fixture(scope=scope)(_requesting(_template, server_fixture))


def tridb_engine_factory(
    template: str = "tridb_template", *, scope: Any = "function", **engine_kwargs: Any
) -> Any:
    """Return a fixture giving an engine on a fresh clone of fixture *template*.

    The engine has the tridb connection set-up (``plugins=["tridb"]`` plus
    *engine_kwargs*); engine and clone go away when the fixture's *scope* ends
    (each test, by default):

        shop_engine = tridb_engine_factory("shop_template")

        def test_empty_shop(shop_engine):
            with Session(shop_engine) as session:
                assert session.scalars(select(Product)).all() == []

    :param template: the name of a fixture giving a `TemplateDatabase` (one
        made by `tridb_database_factory()`, or the plugin's ``tridb_template``).
    :param scope: the fixture's pytest scope: each scope gets its own clone.
    :param engine_kwargs: more ``create_engine()`` keywords for the engine.
    """

    def _engine(**fixtures: TemplateDatabase) -> Iterator[Engine]:
        yield from fixtures[template].engine(**engine_kwargs)

    return pytest.fixture(scope=scope)(_requesting(_engine, template))
