"""Testing support: the ``tridb`` pytest plugin and its fixture factories.

The plugin is registered through the ``pytest11`` entry point, so installing
sqlalchemy-tridb is enough.  See ``docs/testing.md``.
"""

from __future__ import annotations

from .fixtures import TemplateDatabase as TemplateDatabase
from .fixtures import tridb_database_factory as tridb_database_factory

__all__ = ["TemplateDatabase", "tridb_database_factory"]
