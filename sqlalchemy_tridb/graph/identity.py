"""The vertex-id rule, in one place: how a row's primary key becomes its vertex's id.

A vertex id is ``_graphid(label id, entry)``.  The entry is the key itself for a
single integer key (so a row finds its vertex, and a vertex its row, in O(1)),
else a 47-bit hash of the key's text (for several key columns, of the JSON array
of their texts, so that no two keys share it; a hash collision fails loudly on
the label's unique ``id`` index).  Functions and operators are schema-qualified:
the expression means the same in every session.  The rule is
rendered twice from here: as SQL text for the trigger bodies and the recursive
CTE, and as a Core expression for the queries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, Text, cast, func
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.sql.schema import Column

from ..sql import quote_ident
from ..sql.age import graphid, graphid_sql, label_id
from .spec import NodeSpec

#: The mask of hashed entry ids (47 bits: positive, and never the top entry bit).
HASH_MASK = (1 << 47) - 1


def is_integer_key(pk: Sequence[Column[Any]]) -> bool:
    """Whether vertex ids are the key itself (a single integer column) rather than a hash."""
    return len(pk) == 1 and isinstance(pk[0].type, Integer)


def _pg_cast(ref: str, to: str) -> str:
    return f"{ref}::{to}"


def entry_sql(
    pk: Sequence[Column[Any]], refs: Sequence[str], cast_: Callable[[str, str], str] = _pg_cast
) -> str:
    """The entry id, as SQL text, from SQL expressions *refs* holding the key's parts.

    *cast_* renders a cast (``CAST(x AS T)`` where ``x::t`` would hide a bind
    parameter from ``text()``).
    """
    if is_integer_key(pk):
        return cast_(refs[0], "bigint")
    texts = [cast_(r, "text") for r in refs]
    # one part: its text; several: a JSON array of their texts, which no two keys share
    key = (
        texts[0]
        if len(texts) == 1
        else f"pg_catalog.array_to_json(ARRAY[{', '.join(texts)}])::text"
    )
    return f"(pg_catalog.hashtextextended({key}, 0) OPERATOR(pg_catalog.&) {HASH_MASK})"


def vertex_id_sql(
    label_var: str, pk: Sequence[Column[Any]], alias: str, cols: Sequence[Column[Any]] | None = None
) -> str:
    """The vertex id, as SQL text, of the row *alias* whose columns *cols* hold key *pk*.

    *label_var* is a SQL expression (a PL/pgSQL variable) holding the label id.
    """
    refs = [f"{alias}.{quote_ident(c.name)}" for c in (pk if cols is None else cols)]
    return graphid_sql(label_var, entry_sql(pk, refs))


def entry_expr(pk: Sequence[Column[Any]], values: Sequence[Any]) -> ColumnElement[Any]:
    """The entry id as a Core expression of *values* (columns or bound values)."""
    if is_integer_key(pk):
        return cast(values[0], BigInteger)
    texts = [cast(v, Text) for v in values]
    key = texts[0] if len(texts) == 1 else cast(func.pg_catalog.array_to_json(array(texts)), Text)
    hashed = func.pg_catalog.hashtextextended(key, 0)
    return hashed.op("OPERATOR(pg_catalog.&)")(HASH_MASK)


def vertex_id(spec: NodeSpec, values: Sequence[Any]) -> ColumnElement[Any]:
    """The vertex id, as a Core expression, of the row of *spec* whose key is *values*."""
    return graphid(label_id(spec.graph, spec.label), entry_expr(spec.pk, values))


def row_vertex_id(spec: NodeSpec) -> ColumnElement[Any]:
    """The vertex id of each row of *spec*'s class, for ``where()`` and joins."""
    return vertex_id(spec, [getattr(spec.cls, c.key) for c in spec.pk])
