"""The ORM comparator of an embedding attribute: distances to a vector *or a text*.

A text is embedded with the column's own provider:

    select(Product).order_by(Product.embedding.cosine_distance("wireless headphones"))
    select(Product.name, Product.embedding.similarity(vec).label("score"))
    select(Product).where(Product.embedding.l2_distance(vec) < 0.5)
    Product.embedding.nearest("wireless headphones", k=5)   # select(Product) ... LIMIT 5
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, literal, literal_column, select, type_coerce
from sqlalchemy.orm import ColumnProperty

from .._compat import comparator_parent
from ..exc import ConfigurationError
from .operators import (
    COSINE_DISTANCE,
    L1_DISTANCE,
    L2_DISTANCE,
    NEGATIVE_INNER_PRODUCT,
    Distance,
    distance_between,
)
from .settings import (
    IterativeScan,
    SearchSelect,
    SearchSettings,
    search_index_name,
    with_search_settings,
)
from .spec import EmbeddingSpec, spec_of

__all__ = ["EmbeddingComparator", "embedding_comparator", "similarity_from_distance"]


def similarity_from_distance(distance: Distance, d: ColumnElement[Any]) -> ColumnElement[float]:
    """A score where higher is more similar: ``1 - cos``, ``-(<#>)`` or ``1 / (1 + d)``.

    :param distance: the distance *d* was measured by.
    :param d: the distance expression.
    """
    one = literal_column("1.0", Float)
    if distance is Distance.COSINE:
        return type_coerce(one - d, Float)
    if distance is Distance.INNER_PRODUCT:
        return -d
    return type_coerce(one / (one + d), Float)


class EmbeddingComparator(ColumnProperty.Comparator[Any]):
    """Comparator for ``Embedding(...)`` attributes."""

    @property
    def spec(self) -> EmbeddingSpec:
        """The column's `EmbeddingSpec`."""
        found = spec_of(self.prop.columns[0])
        assert found is not None
        return found

    def vector(self, query: object) -> ColumnElement[Any]:
        """*query* as a bound vector; a ``str`` is embedded with the column's provider.

        :param query: a vector (a sequence of floats or a numpy array of the
            column's dimension), or a text, embedded now with the column's provider.
        """
        value = self.spec.embed_query(query, str(self.prop)) if isinstance(query, str) else query
        return literal(value, type_=self.prop.columns[0].type)

    def _op(self, glyph: str, other: object) -> ColumnElement[float]:
        return distance_between(self.__clause_element__(), glyph, self.vector(other))

    def cosine_distance(self, other: object) -> ColumnElement[float]:
        """Cosine distance (``<=>``), 0 for the same direction, to *other* (a vector or text).

        :param other: a vector, or a text embedded with the column's provider.
        """
        return self._op(COSINE_DISTANCE, other)

    def l2_distance(self, other: object) -> ColumnElement[float]:
        """Euclidean distance (``<->``) to *other* (a vector or a text).

        :param other: a vector, or a text embedded with the column's provider.
        """
        return self._op(L2_DISTANCE, other)

    def max_inner_product(self, other: object) -> ColumnElement[float]:
        """Negative inner product (``<#>``) with *other*: smaller is nearer, in pgvector's order.

        :param other: a vector, or a text embedded with the column's provider.
        """
        return self._op(NEGATIVE_INNER_PRODUCT, other)

    def l1_distance(self, other: object) -> ColumnElement[float]:
        """Taxicab distance (``<+>``) to *other* (a vector or a text).

        :param other: a vector, or a text embedded with the column's provider.
        """
        return self._op(L1_DISTANCE, other)

    def distance(self, other: object) -> ColumnElement[float]:
        """The distance the column was declared (and indexed) with, to *other*.

        :param other: a vector, or a text embedded with the column's provider.
        """
        return self._op(self.spec.distance.glyph, other)

    def similarity(self, other: object) -> ColumnElement[float]:
        """A score, higher is more similar to *other*, derived from the declared distance.

        ``1 - cosine distance`` for cosine columns, the inner product for
        ``inner_product`` ones, ``1 / (1 + d)`` for L2 and L1 (see
        `similarity_from_distance()`).

        :param other: a vector, or a text embedded with the column's provider.
        """
        return similarity_from_distance(self.spec.distance, self.distance(other))

    def nearest(
        self,
        query: object,
        k: int = 10,
        *,
        settings: SearchSettings | None = None,
        ef_search: int | None = None,
        iterative_scan: IterativeScan | None = None,
        probes: int | None = None,
    ) -> SearchSelect:
        """``select(Model)`` of the *k* rows nearest to *query*, by the declared distance.

        The same as `nearest()` (`sqlalchemy_tridb.vector.nearest`): a
        `SearchSelect`, whose settings apply wherever it runs.

        :param query: a vector, or a text embedded with the column's provider.
        :param k: how many rows (``LIMIT k``).
        :param settings: pgvector settings for this query (validated now), over
            `DEFAULT_SETTINGS`; when given, the three shortcuts are ignored.
        :param ef_search: shortcut for ``SearchSettings(ef_search=...)`` (HNSW).
        :param iterative_scan: shortcut for ``SearchSettings(iterative_scan=...)``;
            ``"off"`` turns the default iterative scan off.
        :param probes: shortcut for ``SearchSettings(probes=...)`` (IVFFlat).
        """
        if settings is None and (ef_search, iterative_scan, probes) != (None, None, None):
            settings = SearchSettings(
                ef_search=ef_search, iterative_scan=iterative_scan, probes=probes
            )
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ConfigurationError(f"k must be a positive integer, got {k!r}")
        entity = comparator_parent(self).entity  # the class, or the aliased class
        stmt = select(entity).order_by(self.distance(query)).limit(k)
        tuned = search_index_name(self.prop.columns[0])  # its stored tuning, if any
        return with_search_settings(stmt, settings, tuned_index=tuned)


def embedding_comparator(attribute: Any) -> EmbeddingComparator:
    """The comparator of an ``Embedding(...)`` attribute, e.g. of ``Product.embedding``.

    :param attribute: a mapped attribute: ``Product.embedding``, also of an
        aliased class.
    :raises ConfigurationError: for anything else.
    """
    comparator = getattr(attribute, "comparator", None)
    if not isinstance(comparator, EmbeddingComparator):
        raise ConfigurationError(
            f"{attribute!r} is no Embedding(...) attribute; pass e.g. Product.embedding"
        )
    return comparator
