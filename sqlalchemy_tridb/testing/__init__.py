"""Testing support: the ``tridb`` pytest plugin and its fixture factories.

The plugin is registered through the ``pytest11`` entry point, so installing
sqlalchemy-tridb is enough.  See ``docs/testing.md``.
"""

from __future__ import annotations

from .aio import make_async_engine as make_async_engine
from .fixtures import TemplateDatabase as TemplateDatabase
from .fixtures import tridb_database_factory as tridb_database_factory
from .fixtures import tridb_engine_factory as tridb_engine_factory
from .plugin import local_server_unavailable as local_server_unavailable

__all__ = [
    "TemplateDatabase",
    "local_server_unavailable",
    "make_async_engine",
    "tridb_database_factory",
    "tridb_engine_factory",
]
