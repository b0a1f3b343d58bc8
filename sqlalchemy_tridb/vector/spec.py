"""The frozen configuration of one embedding column, kept in ``Column.info``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pgvector.sqlalchemy import HALFVEC, VECTOR
from sqlalchemy import Column
from sqlalchemy.types import TypeEngine

from ..embedding import EmbeddingProvider, Vectors, as_vectors, resolve_provider
from ..embedding.provider import shorten
from ..exc import ProviderError
from .index import IndexSpec
from .operators import Distance
from .sources import Source

__all__ = ["INFO_KEY", "EmbeddingSpec", "OnEmpty", "SyncMode", "spec_of"]

#: The ``Column.info`` key that marks an embedding column and holds its spec.
INFO_KEY = "tridb.embedding"
_QUERY_CACHE_SIZE = 1024

#: What an empty or ``None`` source does: store NULL, keep the old vector, or raise.
OnEmpty = Literal["null", "keep", "error"]

#: When vectors are computed: in the flush, or later by a worker from the outbox.
SyncMode = Literal["flush", "deferred"]


@dataclass(frozen=True)
class EmbeddingSpec:
    """Everything ``Embedding(...)`` was told about one column."""

    source: Source
    provider: str | EmbeddingProvider
    dim: int
    distance: Distance = Distance.COSINE
    index: IndexSpec | None = None
    halfvec: bool = False
    on_empty: OnEmpty = "null"
    batch_size: int | None = None
    #: ``"flush"`` (computed in the flush) or ``"deferred"`` (queued by triggers, see `.outbox`)
    sync: SyncMode = "flush"
    #: recent query vectors: text -> (provider, read-only vector)
    _queries: dict[str, tuple[EmbeddingProvider, Vectors]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def resolve(self) -> EmbeddingProvider:
        """The provider instance (a registered name is looked up now)."""
        return resolve_provider(self.provider)

    def vector_type(self) -> TypeEngine[Any]:
        """Pgvector's ``VECTOR(dim)`` or ``HALFVEC(dim)``."""
        return HALFVEC(self.dim) if self.halfvec else VECTOR(self.dim)

    def embed_query(self, text: str, where: str) -> Vectors:
        """Embed one query text with this column's provider.

        The last 1,024 query vectors are kept per column (read-only arrays),
        so a statement that names the same text twice -- ``nearest(q)`` plus a
        ``similarity(q)`` column -- embeds it once.  ``providers.clear()`` or
        re-registering a name does not reuse vectors of the old provider.

        :param text: the query text.
        :param where: names the column in error messages.
        """
        provider = self.resolve()
        hit = self._queries.get(text)
        if hit is not None and hit[0] is provider:
            return hit[1]
        vector = self._embed_query(provider, text, where)
        vector.flags.writeable = False
        if len(self._queries) >= _QUERY_CACHE_SIZE:
            self._queries.pop(next(iter(self._queries)))
        self._queries[text] = (provider, vector)
        return vector

    def _embed_query(self, provider: EmbeddingProvider, text: str, where: str) -> Vectors:
        facts: dict[str, Any] = {"provider": provider.name, "column": where, "text": text}
        try:
            raw = provider.embed([text])
            checked = as_vectors(raw, count=1, dimension=self.dim, what=where, texts=[text])
        except Exception as err:  # any provider failure becomes a typed error
            index = getattr(err, "index", None)
            raise ProviderError(
                f"{where}: provider {provider.name!r} failed on the query text "
                f"{shorten(text)} ({err})",
                index=index,
                texts=1,
                **facts,
            ) from err
        return checked.reshape(self.dim)


def spec_of(column: Any) -> EmbeddingSpec | None:
    """The spec of an embedding column, or ``None`` for any other column."""
    info = column.info if isinstance(column, Column) or hasattr(column, "info") else {}
    found = info.get(INFO_KEY)
    return found if isinstance(found, EmbeddingSpec) else None
