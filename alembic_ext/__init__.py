"""Alembic support for sqlalchemy-tridb.

For now this package offers :func:`include_object`, which keeps AGE's internal
schemas and tables (``ag_catalog``, each graph's schema and label tables) out
of ``alembic revision --autogenerate``.  Use it in ``env.py``::

    from alembic_ext import include_object

    context.configure(..., include_object=include_object)

Importing this package does not import Alembic.
"""

from __future__ import annotations

from .filters import include_name as include_name
from .filters import include_object as include_object

__all__ = ["include_name", "include_object"]
