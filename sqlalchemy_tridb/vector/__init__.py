"""Embedding columns kept in step on flush, and similarity search in ORM queries.

>>> from sqlalchemy_tridb.vector import Embedding, HNSW, install_embedding_sync, nearest
>>> # class Product(Base):
>>> #     embedding: Mapped[list[float] | None] = Embedding(source="{name}: {description}")
>>> # sync = install_embedding_sync(Session)
>>> # session.scalars(nearest(Product.embedding, "wireless headphones", k=5))

See ``docs/embeddings.md``.
"""

from __future__ import annotations

from .backfill import backfill as backfill
from .backfill import stale_rows as stale_rows
from .column import Embedding as Embedding
from .comparator import EmbeddingComparator as EmbeddingComparator
from .compute import embedding_attributes as embedding_attributes
from .hybrid import hybrid_search as hybrid_search
from .index import HNSW as HNSW
from .index import IVFFlat as IVFFlat
from .operators import Distance as Distance
from .outbox import OUTBOX_SCHEMA as OUTBOX_SCHEMA
from .outbox import DeferredColumn as DeferredColumn
from .outbox import deferred_columns as deferred_columns
from .outbox import outbox_create_sql as outbox_create_sql
from .outbox import outbox_drop_sql as outbox_drop_sql
from .search import DEFAULT_SETTINGS as DEFAULT_SETTINGS
from .search import EmbeddingSearchMixin as EmbeddingSearchMixin
from .search import SearchSelect as SearchSelect
from .search import SearchSettings as SearchSettings
from .search import apply_search_settings as apply_search_settings
from .search import nearest as nearest
from .search import with_search_settings as with_search_settings
from .spec import EmbeddingSpec as EmbeddingSpec
from .spec import spec_of as spec_of
from .sync import EmbeddingSync as EmbeddingSync
from .sync import install_embedding_sync as install_embedding_sync

__all__ = [
    "DEFAULT_SETTINGS",
    "HNSW",
    "OUTBOX_SCHEMA",
    "DeferredColumn",
    "Distance",
    "Embedding",
    "EmbeddingComparator",
    "EmbeddingSearchMixin",
    "EmbeddingSpec",
    "EmbeddingSync",
    "IVFFlat",
    "SearchSelect",
    "SearchSettings",
    "apply_search_settings",
    "backfill",
    "deferred_columns",
    "embedding_attributes",
    "hybrid_search",
    "install_embedding_sync",
    "nearest",
    "outbox_create_sql",
    "outbox_drop_sql",
    "spec_of",
    "stale_rows",
    "with_search_settings",
]
