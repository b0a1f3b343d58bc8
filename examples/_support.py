"""Shared by the examples: a database of their own on the default server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from sqlalchemy_tridb.server import resolve_database_url


@contextmanager
def example_database(name: str) -> Iterator[Engine]:
    """Create database *name* (with vector and age), yield an engine on it, drop it after.

    Set ``TRIDB_KEEP_EXAMPLE_DB=1`` to keep it for a look around.
    """
    url = make_url(resolve_database_url())
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name), plugins=["tridb"])
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS age"))
    engine.dispose()  # new connections register pgvector's types
    try:
        yield engine
    finally:
        engine.dispose()
        if not os.environ.get("TRIDB_KEEP_EXAMPLE_DB"):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
