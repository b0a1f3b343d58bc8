"""The errors of `alembic_ext` (all derive from ``sqlalchemy_tridb.exc.TriDBError``)."""

from __future__ import annotations

from sqlalchemy_tridb.exc import MigrationError as MigrationError

__all__ = ["MigrationError"]
