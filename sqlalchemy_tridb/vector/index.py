"""HNSW and IVFFlat index specs, turned into ``Index`` objects in the table's MetaData.

The index is a plain `sqlalchemy.Index` attached to the table when the
column is, so ``metadata.create_all()`` creates it and Alembic autogenerate
sees it like any other index:

    Index("ix_product_embedding", product.c.embedding, postgresql_using="hnsw",
          postgresql_with={"m": 16, "ef_construction": 64},
          postgresql_ops={"embedding": "vector_cosine_ops"})
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Index, Table

from .._compat import column_index
from ..exc import EmbeddingDeclarationError
from .operators import Distance, operator_class

__all__ = ["HNSW", "MAX_INDEX_DIMENSIONS", "IVFFlat", "IndexSpec", "build_index", "check_index"]

#: pgvector's dimension limits for indexed columns, by storage.
MAX_INDEX_DIMENSIONS = {"vector": 2000, "halfvec": 4000}


@dataclass(frozen=True)
class HNSW:
    """An HNSW index (``m`` links per node, ``ef_construction`` build candidates).

    :param m: the most connections per node in a layer (pgvector's ``m``,
        2 to 100); more gives better recall and a larger, slower-to-build index.
    :param ef_construction: the size of the candidate list while building
        (4 to 1,000, at least ``2 * m``); more gives better recall and a slower build.
    :param name: the index's name; by default ``ix_<table>_<column>_hnsw``, cut
        to PostgreSQL's 63 characters.
    """

    m: int = 16
    ef_construction: int = 64
    name: str | None = None
    method = "hnsw"

    def options(self) -> dict[str, int]:
        """The ``WITH (...)`` storage parameters."""
        return {"m": self.m, "ef_construction": self.ef_construction}


@dataclass(frozen=True)
class IVFFlat:
    """An IVFFlat index with ``lists`` clusters (build it after loading data).

    :param lists: the number of clusters (1 to 32,768); pgvector suggests
        rows / 1,000 up to a million rows, and the square root of the row count above.
        Queries search ``probes`` of them (`SearchSettings`).
    :param name: the index's name; by default ``ix_<table>_<column>_ivfflat``, cut
        to PostgreSQL's 63 characters.
    """

    lists: int = 100
    name: str | None = None
    method = "ivfflat"

    def options(self) -> dict[str, int]:
        """The ``WITH (...)`` storage parameters."""
        return {"lists": self.lists}


IndexSpec = HNSW | IVFFlat


def check_index(index: IndexSpec | None, *, dim: int, distance: Distance, halfvec: bool) -> None:
    """Raise at declaration for an index pgvector would refuse to build.

    :param index: the index spec (``None``: nothing to check).
    :param dim: the column's dimension.
    :param distance: the column's distance (IVFFlat has no L1 operator class).
    :param halfvec: whether the column stores ``HALFVEC``.
    """
    if index is None:
        return
    storage = "halfvec" if halfvec else "vector"
    limit = MAX_INDEX_DIMENSIONS[storage]
    if dim > limit:
        hint = (
            "declare it with halfvec=True (indexable up to 4,000 dimensions) or index=None"
            if not halfvec
            else "use a smaller model or index=None"
        )
        raise EmbeddingDeclarationError(
            f"pgvector cannot index {storage} columns above {limit:,} dimensions "
            f"(this one has {dim:,}): {hint}"
        )
    if isinstance(index, IVFFlat) and distance is Distance.L1:
        raise EmbeddingDeclarationError(
            "IVFFlat has no L1 operator class: use index=HNSW() for distance='l1'"
        )


def build_index(
    index: IndexSpec, column: Column[Any], table: Table, *, distance: Distance, halfvec: bool
) -> Index | None:
    """Create (once) the index for *column* on *table*; it attaches itself to the table.

    :param index: the index spec.
    :param column: the embedding column.
    :param table: the table the column joined.
    :param distance: the distance whose operator class the index uses.
    :param halfvec: whether the column stores ``HALFVEC``.
    """
    name = index.name or f"ix_{table.name}_{column.name}_{index.method}"[:63]
    if any(existing.name == name for existing in table.indexes):
        return None
    # made by the column, like Column(index=True): Table.to_metadata() copies the
    # column (whose listener rebuilds the index) and must not copy the index too
    return column_index(
        name,
        column,
        postgresql_using=index.method,
        postgresql_with=index.options(),
        postgresql_ops={column.name: operator_class(distance, halfvec=halfvec)},
        info={"tridb.embedding_index": True},
    )
