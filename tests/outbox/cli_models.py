"""The outbox test models with their provider registered at import (as an app's module would)."""

from __future__ import annotations

from sqlalchemy_tridb.embedding import providers

from .models import PROVIDER, Note

providers.register(PROVIDER, name="outbox", replace=True)

__all__ = ["Note"]
