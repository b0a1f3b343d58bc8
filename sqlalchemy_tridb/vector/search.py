"""Nearest-neighbour queries and per-query index settings.

``nearest(Product.embedding, "bluetooth headphones", k=10)`` (or
``Product.embedding.nearest(...)``, or ``Product.nearest(...)`` with
:class:`EmbeddingSearchMixin`) is ``select(Product).order_by(<distance>).limit(k)``:
an ordinary ``Select`` to add filters and joins to, ordered by the column's
declared distance so that its HNSW / IVFFlat index is used.

:class:`SearchSettings` become ``SET LOCAL`` (``set_config(..., true)``) in the
query's transaction: by the session hook of :func:`install_embedding_sync`
when the statement carries them, or by :func:`apply_search_settings` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from sqlalchemy import Connection, Select, bindparam, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..exc import ConfigurationError
from .comparator import EmbeddingComparator
from .spec import spec_of

__all__ = [
    "SEARCH_OPTION",
    "EmbeddingSearchMixin",
    "SearchSettings",
    "apply_search_settings",
    "nearest",
]

#: The execution option that carries :class:`SearchSettings` on a statement.
SEARCH_OPTION = "tridb_vector_search"

IterativeScan = Literal["off", "strict_order", "relaxed_order"]


@dataclass(frozen=True)
class SearchSettings:
    """pgvector query settings, applied with ``SET LOCAL``.

    ``iterative_scan`` (pgvector 0.8) keeps scanning the index until enough rows
    pass the query's filters; IVFFlat only knows ``relaxed_order``, so any
    value other than ``off`` turns it on there.
    """

    ef_search: int | None = None
    probes: int | None = None
    iterative_scan: IterativeScan | None = None
    max_scan_tuples: int | None = None
    max_probes: int | None = None

    def gucs(self) -> dict[str, str]:
        """The settings as PostgreSQL configuration parameters."""
        out: dict[str, str] = {}
        for name, value in (
            ("hnsw.ef_search", self.ef_search),
            ("ivfflat.probes", self.probes),
            ("hnsw.max_scan_tuples", self.max_scan_tuples),
            ("ivfflat.max_probes", self.max_probes),
        ):
            if value is not None:
                if not isinstance(value, int) or value < 1:
                    raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
                out[name] = str(value)
        if self.iterative_scan is not None:
            if self.iterative_scan not in ("off", "strict_order", "relaxed_order"):
                raise ConfigurationError(
                    f"iterative_scan={self.iterative_scan!r}: "
                    "use off, strict_order or relaxed_order"
                )
            out["hnsw.iterative_scan"] = self.iterative_scan
            out["ivfflat.iterative_scan"] = (
                "off" if self.iterative_scan == "off" else "relaxed_order"
            )
        return out


def apply_search_settings(bind: Session | Connection, settings: SearchSettings) -> None:
    """``SET LOCAL`` *settings* in *bind*'s current transaction (one statement)."""
    gucs = settings.gucs()
    if not gucs:
        return
    calls = ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(gucs)))
    params: dict[str, str] = {}
    for i, (name, value) in enumerate(gucs.items()):
        params[f"n{i}"], params[f"v{i}"] = name, value
    stmt = text(f"SELECT {calls}").bindparams(*(bindparam(k) for k in params))
    bind.execute(stmt, params)


def _comparator(attribute: Any) -> EmbeddingComparator:
    comparator = getattr(attribute, "comparator", attribute)
    if not isinstance(comparator, EmbeddingComparator):
        raise ConfigurationError(
            f"{attribute!r} is no Embedding(...) attribute; pass e.g. Product.embedding"
        )
    return comparator


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
    """
    comparator = _comparator(attribute)
    entity = comparator._parententity.entity
    stmt = select(entity).order_by(comparator.distance(query)).limit(k)
    if settings is None and (ef_search, iterative_scan, probes) != (None, None, None):
        settings = SearchSettings(ef_search=ef_search, iterative_scan=iterative_scan, probes=probes)
    if settings is not None:
        settings.gucs()  # validate now, not at execution
        stmt = stmt.execution_options(**{SEARCH_OPTION: settings})
    return stmt


class EmbeddingSearchMixin:
    """Adds ``Model.nearest(query, k=10)`` for a model with one embedding column.

    With several, name one: ``Model.nearest(query, attribute="title_embedding")``.
    """

    __embedding_attribute__: ClassVar[str | None] = None

    @classmethod
    def nearest(
        cls, query: object, k: int = 10, *, attribute: str | None = None, **options: Any
    ) -> Select[Any]:
        """The *k* nearest rows of this model; see :func:`nearest`."""
        name = attribute or cls.__embedding_attribute__
        if name is None:
            from sqlalchemy import inspect

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
