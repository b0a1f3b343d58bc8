"""Nearest-neighbour queries: `nearest()` and `EmbeddingSearchMixin`.

``nearest(Product.embedding, "bluetooth headphones", k=10)`` (or
``Product.embedding.nearest(...)``, or ``Product.nearest(...)`` with
`EmbeddingSearchMixin`) is ``select(Product).order_by(<distance>).limit(k)``:
an ordinary ``Select`` to add filters and joins to, ordered by the column's
declared distance so that its HNSW / IVFFlat index is used.

The result is a `SearchSelect`: its `SearchSettings` (over `DEFAULT_SETTINGS`,
iterative index scans on) become ``SET LOCAL`` (``pg_catalog.set_config(...,
true)``) in the query's transaction, sent by the statement itself wherever it
runs; `with_search_settings()` and `apply_search_settings()` serve other
queries (all live in `.settings` and are re-exported here).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import inspect
from sqlalchemy.orm import InstrumentedAttribute

from .._mixins import check_not_shadowed
from ..exc import ConfigurationError, EmbeddingDeclarationError
from .comparator import embedding_comparator
from .settings import DEFAULT_SETTINGS as DEFAULT_SETTINGS
from .settings import SEARCH_OPTION as SEARCH_OPTION
from .settings import IterativeScan as IterativeScan
from .settings import SearchSelect as SearchSelect
from .settings import SearchSettings as SearchSettings
from .settings import apply_search_settings as apply_search_settings
from .settings import with_search_settings as with_search_settings
from .spec import spec_of

__all__ = [
    "DEFAULT_SETTINGS",
    "SEARCH_OPTION",
    "EmbeddingSearchMixin",
    "SearchSelect",
    "SearchSettings",
    "apply_search_settings",
    "nearest",
    "with_search_settings",
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
) -> SearchSelect:
    """``select(Model)`` of the *k* rows nearest to *query* (a vector or a text).

    Add ``.where(...)`` filters and joins as usual: the iterative index scan of
    `DEFAULT_SETTINGS` returns k rows whenever k rows match (within
    ``hnsw.max_scan_tuples``, 20,000 by default).  The settings are ``SET
    LOCAL`` by the statement itself when it runs, in any session or on any
    connection.

    :param attribute: the embedding attribute, e.g. ``Product.embedding`` (also
        of an ``aliased()`` class, whose rows are then selected).
    :param query: a vector, or a text embedded with the column's provider.
    :param k: how many rows (``LIMIT k``).
    :param settings: pgvector settings for this query, over `DEFAULT_SETTINGS`;
        when given, the three shortcuts below are ignored.
    :param ef_search: shortcut for ``SearchSettings(ef_search=...)`` (HNSW).
    :param iterative_scan: shortcut for ``SearchSettings(iterative_scan=...)``;
        ``"off"`` gives pgvector's plain scan (filters after ``ef_search`` candidates).
    :param probes: shortcut for ``SearchSettings(probes=...)`` (IVFFlat).
    :raises ConfigurationError: *attribute* is no ``Embedding(...)`` attribute,
        or a setting is invalid.
    """
    return embedding_comparator(attribute).nearest(
        query,
        k,
        settings=settings,
        ef_search=ef_search,
        iterative_scan=iterative_scan,
        probes=probes,
    )


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
    ) -> SearchSelect:
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
