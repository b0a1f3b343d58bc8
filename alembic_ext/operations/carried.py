"""The embedding backfill as the migration carries it: source, provider and dimension as text.

A migration must run as it was generated, whatever the models say today.  So
autogenerate writes into ``op.backfill_embeddings(...)`` what the column's
``Embedding(...)`` said at that time -- its source (a template or column
names), its provider's name and its dimension -- and `backfill_rows()`
computes the missing vectors from those, in Core, without importing the
models.  Upgrading across several revisions then computes each step's column
with that step's provider.  A provider the environment no longer has is a
`ProviderUnavailableError` that names it and says how to get it back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pgvector.sqlalchemy import VECTOR
from sqlalchemy import Connection, bindparam, column, table, text

from sqlalchemy_tridb.embedding import EmbeddingProvider, providers
from sqlalchemy_tridb.exc import ProviderError
from sqlalchemy_tridb.sql import quote_ident
from sqlalchemy_tridb.vector.sources import ColumnsSource, TemplateSource

from ..exc import MigrationError, ProviderUnavailableError

__all__ = ["backfill_rows", "carried_provider"]


def carried_provider(name: str, dimension: int, what: str) -> EmbeddingProvider:
    """The provider registered as *name*, checked to give *dimension* vectors.

    :param name: the provider's name, as the migration carries it.
    :param dimension: the dimension the migration's column has.
    :param what: ``table.column``, for the messages.
    """
    try:
        provider = providers.get(name)
    except ProviderError as err:
        raise ProviderUnavailableError(
            f"the backfill of {what} was generated for the embedding provider {name!r} "
            f"({dimension} dimensions), which is not available ({err}). Register it under "
            f"that name in env.py (sqlalchemy_tridb.embedding.providers.register(..., "
            f"name={name!r})), or delete the step and fill the column yourself"
        ) from err
    if provider.dimension != dimension:
        raise ProviderUnavailableError(
            f"the backfill of {what} needs {dimension}-dimension vectors from provider "
            f"{name!r}, but the provider registered under that name gives "
            f"{provider.dimension}: register the provider this migration was generated with"
        )
    return provider


def _primary_key(conn: Connection, qualified: str) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT a.attname FROM pg_catalog.pg_index i "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY (i.indkey) "
            "WHERE i.indrelid = pg_catalog.to_regclass(:t) AND i.indisprimary "
            "ORDER BY pg_catalog.array_position(i.indkey::int2[], a.attnum)"
        ),
        {"t": qualified},
    )
    return [str(r[0]) for r in rows]


def _getter(row: Mapping[Any, Any], names: Mapping[str, str]) -> Callable[[str], Any]:
    return lambda attr: row[names.get(attr, attr)]


def backfill_rows(
    conn: Connection,
    table_name: str,
    column_name: str,
    *,
    source: str | Sequence[str],
    provider: EmbeddingProvider,
    dimension: int,
    separator: str = "\n",
    columns: Mapping[str, str] | None = None,
    schema: str | None = None,
    batch_size: int = 256,
) -> int:
    """Compute the NULL vectors of one column from carried settings; return how many were set.

    Rows whose text is empty stay NULL.

    :param conn: the migration's connection.
    :param table_name: the table.
    :param column_name: the embedding column.
    :param source: a ``str.format`` template over attributes, or attribute names.
    :param provider: the provider (`carried_provider()` finds and checks it).
    :param dimension: the column's dimension.
    :param separator: joins the values of several attribute names.
    :param columns: attribute name -> column name, where they differ.
    :param schema: the table's schema (``None``: the default one).
    :param batch_size: rows per query and per provider call.
    """
    what = f"{table_name}.{column_name}"
    spec: TemplateSource | ColumnsSource = (
        TemplateSource(source)
        if isinstance(source, str)
        else ColumnsSource(tuple(source), separator)
    )
    names = columns or {}
    attrs = list(spec.watch or ())
    qualified = (
        quote_ident(table_name)
        if schema is None
        else f"{quote_ident(schema)}.{quote_ident(table_name)}"
    )
    key = _primary_key(conn, qualified)
    if not key:
        raise MigrationError(f"{what}: the table has no primary key to backfill it by")
    wanted = list(dict.fromkeys(key + [names.get(a, a) for a in attrs]))
    t = table(
        table_name,
        *[column(c) for c in wanted],
        column(column_name, VECTOR(dimension)),
        schema=schema,
    )
    done = 0
    last: tuple[Any, ...] | None = None
    while True:
        where = f"{quote_ident(column_name)} IS NULL"
        params: dict[str, Any] = {"n": batch_size}
        if last is not None:
            marks = ", ".join(f":k{i}" for i in range(len(key)))
            where += f" AND ({', '.join(map(quote_ident, key))}) > ({marks})"
            params.update({f"k{i}": v for i, v in enumerate(last)})
        rows = (
            conn.execute(
                text(
                    f"SELECT {', '.join(map(quote_ident, wanted))} FROM {qualified} WHERE {where} "
                    f"ORDER BY {', '.join(map(quote_ident, key))} LIMIT :n"
                ),
                params,
            )
            .mappings()
            .all()
        )
        if not rows:
            return done
        last = tuple(rows[-1][k] for k in key)
        texts = [(row, spec.text_from(_getter(row, names))) for row in rows]
        todo = [(row, s) for row, s in texts if s.strip()]
        if todo:
            vectors = provider.embed([s for _row, s in todo])
            stmt = t.update().values({column_name: bindparam("v", type_=VECTOR(dimension))})
            for k in key:
                stmt = stmt.where(t.c[k] == bindparam(f"pk_{k}"))
            conn.execute(
                stmt,
                [{"v": list(map(float, vec)), **{f"pk_{k}": row[k] for k in key}}
                 for (row, _s), vec in zip(todo, vectors, strict=True)],
            )  # fmt: skip
            done += len(todo)
