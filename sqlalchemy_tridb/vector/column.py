"""``Embedding(...)``: a declarative pgvector column that knows where its text comes from.

    class Product(Base):
        __tablename__ = "product"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        description: Mapped[str | None]
        embedding: Mapped[list[float] | None] = Embedding(
            source="{name}: {description}", provider="all-MiniLM-L6-v2", index=HNSW(m=16)
        )

The column type is pgvector's own ``VECTOR(dim)`` (or ``HALFVEC(dim)``), so Alembic
renders it as usual; the spec lives in ``Column.info``; the index is an ``Index``
in the table's MetaData, created when the column joins its table (also through
mixins, inheritance and columns added to an existing class).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, event
from sqlalchemy.orm import ColumnProperty, MappedColumn, MapperProperty

from .._compat import attribute_options
from ..embedding import DEFAULT_MODEL, EmbeddingProvider, resolve_provider
from ..exc import EmbeddingDeclarationError, ProviderError
from ..sql.ddl import CreateExtension, LockDDL
from .comparator import EmbeddingComparator
from .index import HNSW, IndexSpec, build_index, check_index
from .operators import Distance
from .outbox import OutboxDDL, deferred_columns, outbox_create_sql
from .sources import as_source
from .spec import INFO_KEY, EmbeddingSpec, OnEmpty, SyncMode, spec_of

__all__ = ["Embedding", "EmbeddingColumn"]

_DEFAULT_INDEX = HNSW()


def _dimension(provider: str | EmbeddingProvider, dim: int | None) -> int:
    try:
        known = resolve_provider(provider).dimension
    except ProviderError:
        if dim is None or not isinstance(provider, str):
            raise EmbeddingDeclarationError(
                f"cannot learn the dimension of provider {provider!r}: register it before "
                "declaring the column, or pass dim="
            ) from None
        return dim  # a name registered later; checked at the first flush
    if dim is not None and dim != known:
        raise EmbeddingDeclarationError(
            f"dim={dim} but provider {provider!r} makes {known}-dimension vectors: "
            "drop dim= or pick a matching provider"
        )
    return known


class EmbeddingColumn(MappedColumn[Any]):
    """A ``mapped_column`` whose attribute gets `EmbeddingComparator`.

    Copies for mixins and inheritance keep the class (see
    `sqlalchemy_tridb._compat.copy_mapped_column()`).
    """

    @property
    def mapper_property_to_assign(self) -> MapperProperty[Any] | None:
        """The column property, always built here so it carries the comparator."""
        prop = super().mapper_property_to_assign
        if prop is None:
            prop = ColumnProperty(self.column, attribute_options=attribute_options(self))
        if isinstance(prop, ColumnProperty):
            prop.comparator_factory = EmbeddingComparator
        return prop


_EXTENSION_KEY = "tridb.vector_extension"


def _ensure_extension(metadata: MetaData) -> None:
    """Have ``create_all`` run ``CREATE EXTENSION IF NOT EXISTS vector`` first (once).

    Under the library's DDL lock (`LockDDL`).
    """
    if not metadata.info.get(_EXTENSION_KEY):
        event.listen(metadata, "before_create", _create_extension)
        metadata.info[_EXTENSION_KEY] = True


def _create_extension(target: MetaData, connection: Connection, **kw: Any) -> None:
    connection.execute(LockDDL())
    connection.execute(CreateExtension("vector"))


_OUTBOX_KEY = "tridb.embedding_outbox"


def _ensure_outbox(metadata: MetaData) -> None:
    """Have ``create_all`` create the outbox and the deferred columns' triggers (once)."""
    if not metadata.info.get(_OUTBOX_KEY):
        event.listen(metadata, "after_create", _create_outbox)
        event.listen(metadata, "before_drop", _drop_outbox_triggers)
        metadata.info[_OUTBOX_KEY] = True


def _create_outbox(target: MetaData, connection: Connection, **kw: Any) -> None:
    connection.execute(LockDDL())
    for statement in outbox_create_sql():
        connection.execute(OutboxDDL(statement))
    for table in target.sorted_tables:
        for deferred in deferred_columns(table):
            for statement in deferred.create_sql():
                connection.execute(OutboxDDL(statement))


def _drop_outbox_triggers(target: MetaData, connection: Connection, **kw: Any) -> None:
    tables = kw.get("tables") or target.sorted_tables
    for table in tables:
        for deferred in deferred_columns(table):
            for statement in deferred.drop_sql():
                connection.execute(OutboxDDL(statement))


def _on_attach(column: Column[Any], table: Any) -> None:
    spec = spec_of(column)
    if spec is not None and isinstance(table, Table):
        _ensure_extension(table.metadata)
        if spec.sync == "deferred":
            _ensure_outbox(table.metadata)
        if spec.index is not None:
            build_index(spec.index, column, table, distance=spec.distance, halfvec=spec.halfvec)


def Embedding(
    source: str | Sequence[str] | Callable[[Any], str | None],
    *,
    provider: str | EmbeddingProvider = DEFAULT_MODEL,
    dim: int | None = None,
    distance: Distance | str = Distance.COSINE,
    index: IndexSpec | None = _DEFAULT_INDEX,
    halfvec: bool = False,
    on_empty: OnEmpty = "null",
    separator: str = "\n",
    watch: Sequence[str] | None = None,
    batch_size: int | None = None,
    sync: SyncMode = "flush",
    **column_kw: Any,
) -> MappedColumn[Any]:
    """Declare an embedding column (see the module docstring).

    ``dim`` defaults to the provider's; ``index`` is ``HNSW()`` unless told
    (``IVFFlat(lists=...)`` or ``None``); other keywords go to ``mapped_column``.

    :param source: where the text comes from: an attribute name, several names,
        a ``str.format`` template over attributes, or a callable of the instance.
    :param provider: the provider, or the name it is registered under.
    :param dim: the vector length; checked against the provider's when it is known.
    :param distance: the distance the column is searched and indexed by.
    :param index: ``HNSW(...)``, ``IVFFlat(...)`` or ``None`` for no index.
    :param halfvec: store ``HALFVEC`` (half precision, indexable up to 4,000 dimensions).
    :param on_empty: an empty source text stores NULL (``"null"``), keeps the old
        vector (``"keep"``) or raises (``"error"``).
    :param separator: joins the texts of several source attributes.
    :param watch: the attributes whose change re-embeds a callable source
        (default: every column).
    :param batch_size: at most this many texts per provider call.
    :param sync: ``"flush"`` computes vectors in the flush; ``"deferred"`` has
        triggers queue the rows whose source changed, for a worker to embed
        (``docs/deferred.md``).
    :param column_kw: passed on to the column (``nullable=``, ``info=``...).
    """
    try:
        dist = Distance(distance)
    except ValueError:
        choices = ", ".join(d.value for d in Distance)
        raise EmbeddingDeclarationError(f"distance={distance!r}: choose one of {choices}") from None
    if on_empty not in ("null", "keep", "error"):
        raise EmbeddingDeclarationError(f"on_empty={on_empty!r}: choose null, keep or error")
    if sync not in ("flush", "deferred"):
        raise EmbeddingDeclarationError(f"sync={sync!r}: choose flush or deferred")
    size = _dimension(provider, dim)
    check_index(index, dim=size, distance=dist, halfvec=halfvec)
    spec = EmbeddingSpec(
        source=as_source(source, separator=separator, watch=watch),
        provider=provider,
        dim=size,
        distance=dist,
        index=index,
        halfvec=halfvec,
        on_empty=on_empty,
        batch_size=batch_size,
        sync=sync,
    )
    info = {**column_kw.pop("info", {}), INFO_KEY: spec}
    column_kw.setdefault("nullable", True)
    mc = EmbeddingColumn(spec.vector_type(), info=info, **column_kw)
    event.listen(mc.column, "after_parent_attach", _on_attach, propagate=True)
    return mc
