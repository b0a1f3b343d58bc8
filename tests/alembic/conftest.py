from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_counter = itertools.count()


def _database(server_url: str, extensions: tuple[str, ...]) -> Iterator[str]:
    name = f"tridb_alembic_{os.getpid()}_{next(_counter)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        if extensions:
            engine = create_engine(url)
            with engine.begin() as conn:
                for ext in extensions:
                    conn.execute(text(f'CREATE EXTENSION "{ext}"'))
            engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_db_url(tridb_server_url: str) -> Iterator[str]:
    """A new, empty database (no extensions), dropped afterwards."""
    yield from _database(tridb_server_url, ())


@pytest.fixture
def db_url(tridb_server_url: str) -> Iterator[str]:
    """A new database with ``vector`` and ``age``, dropped afterwards.

    (Not ``tridb_url``: its session template shares its name with every other
    template factory of the process, see the report on issue 6.)
    """
    yield from _database(tridb_server_url, ("vector", "age"))
