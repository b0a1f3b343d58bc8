"""``cypher()``: a Cypher query as a FROM element of ``select()``.

    >>> from sqlalchemy import Integer, select
    >>> friends = cypher(
    ...     "social",
    ...     "MATCH (a:Person {pk: $pk})-[:KNOWS]->(b) RETURN b.pk, b",
    ...     {"pk": 1},
    ...     columns=[("pk", Integer), "b"],
    ...     name="friends",
    ... )
    >>> print(select(friends.c.b).where(friends.c.pk > 2))  # doctest: +NORMALIZE_WHITESPACE
    SELECT friends.b
    FROM ag_catalog.cypher('social',
        $tridb$MATCH (a:Person {pk: $pk})-[:KNOWS]->(b) RETURN b.pk, b$tridb$,
        CAST(:cypher_params_1 AS ag_catalog.agtype))
        AS friends(pk INTEGER, b ag_catalog.agtype)
    WHERE friends.pk > :pk_1

It compiles to ``ag_catalog.cypher('<graph>', $tag$<query>$tag$, <param>) AS
alias(col type, ...)``: AGE wants the graph name and the query text as SQL
constants, so the graph name is validated (`validate_graph_name()`) and the
query is dollar-quoted with a tag that does not occur in it; every *value*
travels in the one bound ``agtype`` parameter and is read in Cypher as
``$name``.  The result is a `TableValuedAlias`:
select from it, join it with tables, use its ``.c`` columns.  Columns are
``agtype`` (decoded to Python by `AGType`) unless a SQL type is given,
in which case AGE converts the value (``("pk", Integer)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any, TypeAlias

from sqlalchemy import (
    BindParameter,
    ColumnClause,
    ColumnElement,
    bindparam,
    column,
    func,
    literal_column,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import TableValuedAlias
from sqlalchemy.types import TypeEngine

from ..exc import CypherError
from ..sql import sql_literal, validate_graph_name, validate_label
from .agtype import dumps
from .types import AGType

__all__ = ["ColumnSpec", "cypher", "dollar_quote"]

#: A result column: a name (type ``agtype``), a ``(name, type)`` pair or a ``column()``.
ColumnSpec: TypeAlias = (
    "str | tuple[str, TypeEngine[Any] | type[TypeEngine[Any]]] | ColumnClause[Any]"
)


def dollar_quote(text: str, *, tag: str = "tridb") -> str:
    """Return *text* as a PostgreSQL dollar-quoted constant whose tag cannot end it early.

    The tag is ``$tridb$``, else ``$tridb1$``, ``$tridb2$``...: the first one whose
    first occurrence in ``text + tag`` is the closing tag itself.

    :param text: the text to quote; it cannot hold NUL (`CypherError`).
    :param tag: the tag's stem, an identifier-like word (``tag`` gives
        ``$tag$``, then ``$tag1$``...).
    """
    if "\x00" in text:
        raise CypherError("Cypher text cannot hold NUL (\\x00); remove it from the query")
    for n in count():
        delimiter = f"${tag}{n or ''}$"
        if (text + delimiter).find(delimiter) == len(text):
            return f"{delimiter}{text}{delimiter}"
    raise AssertionError("unreachable")  # pragma: no cover


def _graph_name(name: str) -> ColumnElement[Any]:
    """A validated graph name as a SQL string constant (part of the statement's cache key)."""
    return literal_column(sql_literal(validate_graph_name(name)))


def _cypher_text(text: str) -> ColumnElement[Any]:
    """Cypher query text, dollar-quoted, as a SQL constant (part of the cache key).

    A literal column's text is rendered as is, with ``%`` doubled for the
    pyformat drivers (psycopg), as ``text()`` does.
    """
    if not isinstance(text, str) or not text.strip():
        raise CypherError(f"the Cypher query must be a non-empty str, got {text!r:.80}")
    return literal_column(dollar_quote(text))  # refuses NUL now rather than at execution


class _EncodedAGType(AGType):
    """``agtype`` whose bound values are agtype text already (encoded by `cypher()`)."""

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:  # type: ignore[override]
        """Pass the text through."""
        return None


def _column(spec: ColumnSpec) -> ColumnClause[Any]:
    if isinstance(spec, ColumnClause):  # a fresh column: a table's Column cannot be reused
        return column(validate_label(spec.name, what="result column name"), spec.type)
    if isinstance(spec, str):
        return column(validate_label(spec, what="result column name"), AGType())
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        name, type_ = spec
        instance = type_() if isinstance(type_, type) else type_
        return column(validate_label(name, what="result column name"), instance)
    raise CypherError(
        f"cannot read result column {spec!r:.80}: give a name, a (name, type) pair or a column()"
    )


def _params(params: Mapping[str, Any] | BindParameter[Any] | None) -> ColumnElement[Any]:
    if isinstance(params, BindParameter):
        # a value supplied at execution time: encoded by AGType's bind processor then
        return bindparam(params.key, params.value, type_=AGType(), required=params.required)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise CypherError(
            f"Cypher parameters must be a mapping of names to values, got {type(params).__name__}"
        )
    for key in params:
        if not isinstance(key, str):
            raise CypherError(f"Cypher parameter names must be str, got {key!r}")
    # encoded now, so a bad value raises AGTypeError here and not wrapped at execution
    return bindparam("cypher_params", dumps(dict(params)), type_=_EncodedAGType(), unique=True)


def cypher(
    graph: str,
    query: str,
    params: Mapping[str, Any] | BindParameter[Any] | None = None,
    *,
    columns: Sequence[ColumnSpec] = ("result",),
    name: str | None = None,
) -> TableValuedAlias:
    """Return a FROM element running *query* on *graph* with *params*.

    ``columns`` names the values of the ``RETURN`` clause, in order (AGE needs
    the same number); ``name`` is the alias (anonymous by default).  ``params``
    is a mapping read in Cypher as ``$key``, or a ``bindparam()`` whose value
    (a mapping) is given at execution.

    :param graph: the AGE graph's name, validated and rendered as a SQL constant.
    :param query: the Cypher text, non-empty, without NUL; it is
        dollar-quoted into the statement, so it must not hold values: pass
        them in *params*.
    :param params: the query's parameters, read as ``$name``: a mapping of
        ``str`` keys to values `dumps()` encodes (encoded now, so a bad value
        raises `AGTypeError` here), or a ``bindparam("key")`` whose mapping is
        given at execution; ``None`` for none.
    :param columns: one entry per ``RETURN`` value, in order: a name (an
        ``agtype`` column decoded by `AGType`), a ``(name, type)`` pair (AGE
        converts the value to that SQL type) or a ``column()``; a query
        without ``RETURN`` still needs one (the default ``("result",)``).
    :param name: the alias in SQL (a valid label); anonymous by default.
    :raises CypherError: for an empty query, NUL in it, or bad columns or parameters.
    """
    if isinstance(columns, str) or not columns:
        raise CypherError(
            "columns must be a non-empty sequence naming the RETURN values, e.g. ['n'] or "
            "[('pk', Integer), 'n']; a query without RETURN still needs one, e.g. ['result']"
        )
    if name is not None:
        validate_label(name, what="alias")
    cols = [_column(spec) for spec in columns]
    function = func.ag_catalog.cypher(_graph_name(graph), _cypher_text(query), _params(params))
    return function.table_valued(*cols).render_derived(name=name, with_types=True)
