"""ORM statements that skip flush events: ``session.execute(insert/update(...))``.

Handled in ``do_orm_execute`` (by `install_embedding_sync()`):

* ORM bulk INSERT / UPDATE with a list of parameter dicts
  (``session.execute(insert(Product), [{...}, ...])``): vectors are computed into
  the dicts, one provider call per provider;
* ``update(Product).where(...).values(name="...")``: when the values give every
  source as a literal, the vector is computed once and added to the values;
  otherwise (SQL expressions, callable sources, some sources missing) the
  vector is set to NULL in the same statement and an
  `EmbeddingSyncWarning` says to run ``backfill()``.

Core statements on the table (``insert(Product.__table__)``) executed through
the session only get the warning; on a bare ``Connection`` nothing can see
them.  Rows left NULL are found and fixed by `backfill()`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import BindParameter, Column, Table
from sqlalchemy.orm import Mapper, ORMExecuteState

from .._compat import (
    has_multi_values,
    on_conflict_set,
    replace_on_conflict_set,
    replace_parameters,
    statement_values,
)
from ..embedding import EmbeddingProvider
from ..exc import EmbeddingSyncWarning
from .compute import EmbeddingAttribute, Plan, compute, flush_attributes, params_plan
from .sources import CallableSource
from .spec import EmbeddingSpec, spec_of

__all__ = ["prepare_statement"]

Resolve = Callable[[EmbeddingSpec], EmbeddingProvider]


def _warn(labels: list[str], why: str) -> None:
    names = ", ".join(dict.fromkeys(labels))
    warnings.warn(
        f"{names}: {why}; run sqlalchemy_tridb.vector.backfill(session, <attribute>) "
        "to compute the missing embeddings",
        EmbeddingSyncWarning,
        stacklevel=6,
    )


def _statement_values(stmt: Any) -> dict[str, Any]:
    values = statement_values(stmt)  # an unknown shape means "nothing to embed"
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = key if isinstance(key, str) else getattr(key, "key", str(key))
        out[name] = value.value if isinstance(value, BindParameter) else _Expr
    return out


class _Expr:
    """Marks a value that is an SQL expression (unknown until the row is written)."""


def _run(plan: Plan, resolve: Resolve) -> None:
    plan.apply(compute(plan.jobs, resolve=resolve))


def _prepare_values(
    state: ORMExecuteState, attrs: tuple[EmbeddingAttribute, ...], resolve: Resolve
) -> None:
    values = _statement_values(state.statement)
    if not values:
        return
    row = {k: v for k, v in values.items() if v is not _Expr}
    plan, stale = Plan(), []
    for attr in attrs:
        if attr.key in values or not any(w in values for w in attr.watch):
            continue
        source = attr.spec.source
        complete = state.is_insert or all(w in row for w in attr.watch)  # INSERT: missing = NULL
        if not isinstance(source, CallableSource) and complete:
            plan.add_text(row, attr, source.text_from(row.get))
        else:
            plan.nulls.append((row, attr))
            stale.append(attr.label)
    if not plan:
        return
    _run(plan, resolve)
    added = {a.key: row[a.key] for a in attrs if a.key in row and a.key not in values}
    state.statement = state.statement.values(**added)  # type: ignore[attr-defined]
    if stale:
        _warn(
            stale,
            "the statement changes their sources in a way the ORM cannot embed, "
            "so they were set to NULL",
        )


def prepare_statement(state: ORMExecuteState, resolve: Resolve) -> None:
    """Fill in embeddings for an ORM INSERT/UPDATE; NULL what Core ones make stale.

    :param state: the ``do_orm_execute`` state of the statement.
    :param resolve: gives the provider of a column's spec.
    """
    mapper = state.bind_mapper if state.is_orm_statement else None
    if mapper is None:
        _check_core(state)
        return
    attrs = flush_attributes(mapper)
    if not attrs:
        return
    _prepare_rows(state, attrs, resolve)
    _prepare_upsert(state, attrs, _column_keys(mapper))


def _prepare_rows(
    state: ORMExecuteState, attrs: tuple[EmbeddingAttribute, ...], resolve: Resolve
) -> None:
    params = state.parameters
    if has_multi_values(state.statement):
        labels = [a.label for a in attrs]
        _warn(labels, "a multi-row insert().values([...]) is not embedded")
        return
    if isinstance(params, Mapping) and params and not state.is_update:
        params = [params]  # one row given as a dict
    if isinstance(params, list) and params:
        rows = [dict(p) for p in params]
        plan, stale = params_plan(attrs, rows, insert=state.is_insert)
        if plan:
            _run(plan, resolve)
            one_row = isinstance(state.parameters, Mapping)
            replace_parameters(state, rows[0] if one_row else rows)
        if stale:
            _warn(
                stale,
                "a callable source or a partial update cannot be embedded from "
                "statement parameters, so they were set to NULL",
            )
        return
    _prepare_values(state, attrs, resolve)


def _column_keys(mapper: Mapper[Any]) -> dict[str, str]:
    """Column key -> attribute key, for the columns of *mapper*'s attributes."""
    return {c.key: p.key for p in mapper.column_attrs for c in p.columns if isinstance(c, Column)}


def _is_excluded(value: Any, column: str) -> bool:
    """Whether *value* is ``insert(...).excluded.<column>`` (the row the INSERT proposed)."""
    table = getattr(value, "table", None)
    return getattr(table, "name", None) == "excluded" and getattr(value, "key", None) == column


def _prepare_upsert(
    state: ORMExecuteState, attrs: tuple[EmbeddingAttribute, ...], keys: Mapping[str, str]
) -> None:
    """Give an upsert's ``DO UPDATE SET`` the vector of the row it leaves, or NULL.

    The vector the INSERT part carries (``excluded.<embedding>``) is right for
    the updated row when the update sets every source to the proposed row's
    (``excluded.<source>``); otherwise the updated row's text is partly the
    old row's, which no statement parameter holds, so the vector is set to
    NULL (``stale_rows()`` / ``backfill()`` see it) with a warning.
    """
    set_ = on_conflict_set(state.statement)
    if not set_:
        return
    columns = {v: k for k, v in keys.items()}  # attribute key -> column key
    by_attr = {keys.get(k, k): (k, v) for k, v in set_.items()}
    extra: dict[str, Any] = {}
    stale: list[str] = []
    excluded = state.statement.excluded  # type: ignore[attr-defined]
    for attr in attrs:
        column = columns.get(attr.key, attr.key)
        touched = [w for w in attr.watch if w in by_attr]
        if column in set_ or not touched:
            continue
        from_insert = not isinstance(attr.spec.source, CallableSource) and all(
            w in by_attr and _is_excluded(by_attr[w][1], by_attr[w][0]) for w in attr.watch
        )
        if from_insert:
            extra[column] = excluded[column]
        else:
            extra[column] = None
            stale.append(attr.label)
    if extra:
        state.statement = replace_on_conflict_set(state.statement, extra)
    if stale:
        _warn(
            stale,
            "the upsert's DO UPDATE SET changes some of their sources but not all from "
            "the proposed row (excluded.*), so they were set to NULL on the updated rows",
        )


def _check_core(state: ORMExecuteState) -> None:
    """Core INSERT/UPDATE/upsert through the session: warn, and NULL the vectors they make stale.

    A Core UPDATE (or an upsert's ``DO UPDATE SET``) that sets a source column
    and not the embedding also sets the embedding to NULL, so the row is
    missing its vector rather than holding the old text's.
    """
    stmt = state.statement
    table = getattr(stmt, "table", None)
    if not isinstance(table, Table):
        return
    specs = {c.name: spec for c in table.columns if (spec := spec_of(c)) is not None}
    if not specs:
        return
    others = tuple(c.key for c in table.columns if c.name not in specs)
    labels = [f"{table.name}.{name}" for name in specs]
    _warn(labels, "a Core INSERT/UPDATE on the table bypasses the embedding sync")

    def stale_columns(given: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in specs.items():
            watch = spec.source.watch or others
            if name not in given and any(w in given for w in watch):
                exact = not isinstance(spec.source, CallableSource) and all(
                    w in given and _is_excluded(given[w], w) for w in watch
                )
                out[name] = stmt.excluded[name] if exact else None  # type: ignore[attr-defined]
        return out

    if state.is_update:
        given = dict(_statement_values(stmt))
        params = state.parameters
        rows = params if isinstance(params, list) else [params] if params else []
        for row in rows:
            given.update({k: None for k in row if isinstance(k, str)})
        nulls = {k: None for k in stale_columns(given)}
        if nulls:
            state.statement = stmt.values(**nulls)  # type: ignore[attr-defined]
        return
    upsert = on_conflict_set(stmt)
    if upsert:
        extra = stale_columns(upsert)
        if extra:
            state.statement = replace_on_conflict_set(stmt, extra)
