"""Alembic support for sqlalchemy-tridb: autogenerate extensions, vectors, graphs.

The ``tridb`` Alembic plugin (`alembic_ext.plugin`) makes ``alembic revision
--autogenerate`` render ``CREATE EXTENSION`` for ``vector`` and ``age``, pgvector
columns with their import, HNSW / IVFFlat indexes with operator classes and
their changes, AGE graphs, labels and the graph mirror's sync triggers.  In
``env.py``:

    from alembic_ext import configure_options

    context.configure(**configure_options(connection=connection, target_metadata=md))

`include_object()` and `include_name()` alone keep AGE's internal
schemas and tables out of autogenerate.  See ``docs/alembic.md``.

Importing this package does not import Alembic: `alembic_ext.operations`
and `alembic_ext.compare` do, and `alembic_ext.plugin` imports them
only when Alembic calls it.
"""

from __future__ import annotations

from .filters import include_name as include_name
from .filters import include_object as include_object
from .plugin import PLUGIN_NAME as PLUGIN_NAME
from .plugin import configure_options as configure_options
from .plugin import register as register
from .render import render_item as render_item

__all__ = [
    "PLUGIN_NAME",
    "configure_options",
    "include_name",
    "include_object",
    "register",
    "render_item",
]
