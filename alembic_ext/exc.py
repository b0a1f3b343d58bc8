"""The errors of `alembic_ext` (all derive from ``sqlalchemy_tridb.exc.TriDBError``)."""

from __future__ import annotations

from sqlalchemy_tridb.exc import MigrationError as MigrationError

__all__ = ["MigrationError", "ProviderUnavailableError"]


class ProviderUnavailableError(MigrationError):
    """The embedding provider a migration was generated with is not available now.

    Raised by ``op.backfill_embeddings`` when no provider is registered under
    the name the migration carries, or that provider gives another dimension.
    """
