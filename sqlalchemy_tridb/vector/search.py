"""Nearest-neighbour queries: `nearest()` and `EmbeddingSearchMixin`.

``nearest(Product.embedding, "bluetooth headphones", k=10)`` (or
``Product.embedding.nearest(...)``, or ``Product.nearest(...)`` with
`EmbeddingSearchMixin`) is ``select(Product).order_by(<distance>).limit(k)``:
an ordinary ``Select`` to add filters and joins to, ordered by the column's
declared distance so that its HNSW / IVFFlat index is used.

`SearchSettings` become ``SET LOCAL`` (``set_config(..., true)``) in the
query's transaction: by the session hook of `install_embedding_sync()`
when the statement carries them, or by `apply_search_settings()` directly
(both live in `.settings` and are re-exported here).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Select, inspect
from sqlalchemy.orm import InstrumentedAttribute

from .._mixins import check_not_shadowed
from ..exc import ConfigurationError, EmbeddingDeclarationError
from .comparator import embedding_comparator
from .settings import SEARCH_OPTION as SEARCH_OPTION
from .settings import IterativeScan as IterativeScan
from .settings import SearchSettings as SearchSettings
from .settings import apply_search_settings as apply_search_settings
from .spec import spec_of

__all__ = [
    "SEARCH_OPTION",
    "EmbeddingSearchMixin",
    "SearchSettings",
    "apply_search_settings",
    "nearest",
]


def nearest(
    attribute: Any,
    query: object,
    *,
    k: int = 10,
    settings: SearchSettings | None = None,
    ef_search: int | None = None,
    iterative_scan: IterativeScan | None = None,
    probes: int | None = None,
) -> Select[Any]:
    """``select(Model)`` of the *k* rows nearest to *query* (a vector or a text).

    Add ``.where(...)`` filters and joins as usual; with filters, pass
    ``iterative_scan="strict_order"`` so k rows come back whenever k match.

    :param attribute: the embedding attribute, e.g. ``Product.embedding`` (also
        of an ``aliased()`` class, whose rows are then selected).
    :param query: a vector, or a text embedded with the column's provider.
    :param k: how many rows (``LIMIT k``).
    :param settings: pgvector settings for this query; when given, the three
        shortcuts below are ignored.
    :param ef_search: shortcut for ``SearchSettings(ef_search=...)`` (HNSW).
    :param iterative_scan: shortcut for ``SearchSettings(iterative_scan=...)``.
    :param probes: shortcut for ``SearchSettings(probes=...)`` (IVFFlat).
    """
    comparator = embedding_comparator(attribute)
    if settings is None and (ef_search, iterative_scan, probes) != (None, None, None):
        settings = SearchSettings(ef_search=ef_search, iterative_scan=iterative_scan, probes=probes)
    return comparator.nearest(query, k, settings=settings)


class EmbeddingSearchMixin:
    """Adds ``Model.nearest(query, k=10)`` for a model with one embedding column.

    With several, name one: ``Model.nearest(query, attribute="title_embedding")``.
    A column named ``nearest`` would hide the method: it is refused with
    `EmbeddingDeclarationError` (map it under
    another attribute name, ``nearest_: Mapped[...] = mapped_column("nearest")``).
    """

    __embedding_attribute__: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)  # declarative mapping first
        check_not_shadowed(cls, EmbeddingSearchMixin, ("nearest",), EmbeddingDeclarationError)

    @classmethod
    def nearest(
        cls, query: object, k: int = 10, *, attribute: str | None = None, **options: Any
    ) -> Select[Any]:
        """The *k* nearest rows of this model; see `nearest()`.

        :param query: a vector, or a text embedded with the column's provider.
        :param k: how many rows.
        :param attribute: the embedding attribute's name (default
            ``__embedding_attribute__``, else the model's only embedding column).
        :param options: ``settings=``, ``ef_search=``, ``iterative_scan=`` or
            ``probes=``, as for `nearest()`.
        """
        name = attribute or cls.__embedding_attribute__
        if name is None:
            names = [p.key for p in inspect(cls).column_attrs if spec_of(p.columns[0])]
            if len(names) != 1:
                raise ConfigurationError(
                    f"{cls.__name__} has embedding columns {names}: pass attribute=..."
                )
            name = names[0]
        attr = getattr(cls, name)
        if not isinstance(attr, InstrumentedAttribute):
            raise ConfigurationError(f"{cls.__name__}.{name} is no mapped attribute")
        return nearest(attr, query, k=k, **options)
