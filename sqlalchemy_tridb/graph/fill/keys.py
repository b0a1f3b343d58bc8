"""Keys as text, and back: batch bounds, key ranges and the row a vertex id belongs to.

The sync walks a table in key order and a label table in id order, in
batches.  Bounds travel as text (so a resumed sync can store them), and come
back into SQL cast to the column's type, which keeps the comparisons on the
table's own indexes.  Going from a vertex id back to its row is the inverse of
the vertex-id rule of `sqlalchemy_tridb.graph.identity`: a direct entry
is the integer key itself; any other id is looked up in the graph's key map,
whose key text is matched to the row by index, then compared exactly with the
rule's own key text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.schema import Column

from ...sql import quote_ident
from ...sql.age import entry_of_sql, label_id_of_sql
from ..identity import DIRECT_MAX, is_integer_key, key_table_sql, key_text_sql

_EQ = "OPERATOR(ag_catalog.=)"
_PARAM = re.compile("\x00(\\w+)\x00")


def _base(col: Column[Any]) -> sqltypes.TypeEngine[Any]:
    t = col.type
    return t.impl_instance if isinstance(t, sqltypes.TypeDecorator) else t


def sort_sql(col: Column[Any], ref: str) -> str:
    """The expression of column reference *ref* that batches order and compare by.

    Enums order by their declaration, which text bounds cannot express: they
    are compared as text.
    """
    return f"{ref}::text" if isinstance(_base(col), sqltypes.Enum) else ref


def from_text_sql(col: Column[Any], text_sql: str, *, guard: bool = False) -> str:
    """*text_sql* (a SQL expression of type text) as a value comparable with *col*.

    :param guard: a text that is not a valid value gives ``NULL`` instead of an
        error (for key texts read from the key map, which a hand could write).
    """
    t = _base(col)
    if isinstance(t, sqltypes.Enum) or not isinstance(
        t, (sqltypes.Integer, sqltypes.Uuid, sqltypes.Boolean)
    ):
        return text_sql  # strings (and enums, compared as text)
    to = {sqltypes.Integer: "int8", sqltypes.Uuid: "uuid", sqltypes.Boolean: "bool"}
    name = next(v for k, v in to.items() if isinstance(t, k))
    cast = f"({text_sql})::pg_catalog.{name}"
    if not guard:
        return cast
    return f"CASE WHEN pg_catalog.pg_input_is_valid({text_sql}, '{name}') THEN {cast} END"


def refs(cols: Sequence[Column[Any]], alias: str) -> list[str]:
    """``alias."col"`` for each column."""
    return [f"{alias}.{quote_ident(c.name)}" for c in cols]


def row_tuple(cols: Sequence[Column[Any]], alias: str) -> str:
    """The columns as a row value, in their batch order form."""
    return (
        "(" + ", ".join(sort_sql(c, r) for c, r in zip(cols, refs(cols, alias), strict=True)) + ")"
    )


def param(name: str) -> str:
    """A bound parameter's place in the SQL text (see `statement()`)."""
    return f"\x00{name}\x00"


def statement(sql: str) -> TextClause:
    """*sql* as a ``text()`` construct: its colons literal, `param()` places bound."""
    return text(_PARAM.sub(r":\1", sql.replace(":", "\\:")))


def bound_tuple(cols: Sequence[Column[Any]], names: Sequence[str]) -> str:
    """The bound parameters *names* (texts) as a row value comparable with `row_tuple()`."""
    parts = [
        from_text_sql(c, f"CAST({param(n)} AS pg_catalog.text)")
        for c, n in zip(cols, names, strict=True)
    ]
    return "(" + ", ".join(parts) + ")"


def range_sql(cols: Sequence[Column[Any]], alias: str, lo: bool, hi: bool) -> str:
    """``lo < key <= hi`` on the columns of *alias* (parameters ``lo_i`` / ``hi_i``)."""
    conds = [" AND ".join(f"{r} IS NOT NULL" for r in refs(cols, alias))]
    n = len(cols)
    if lo:
        conds.append(
            f"{row_tuple(cols, alias)} > {bound_tuple(cols, [f'lo_{i}' for i in range(n)])}"
        )
    if hi:
        conds.append(
            f"{row_tuple(cols, alias)} <= {bound_tuple(cols, [f'hi_{i}' for i in range(n)])}"
        )
    return " AND ".join(conds)


def key_match_sql(
    cols: Sequence[Column[Any]], pk: Sequence[Column[Any]], alias: str, key: str
) -> str:
    """The row *alias* whose columns *cols* hold the key whose text is *key* (exactly).

    The first conditions find the row by its index; the last compares the
    rule's own key text, so a match is exact whatever the column type.
    """
    own = refs(cols, alias)
    if len(cols) == 1:
        parts = [key]
    else:
        parts = [
            f"pg_catalog.json_extract_path_text(({key})::pg_catalog.json, '{i}')"
            for i in range(len(cols))
        ]
    conds = [
        f"{sort_sql(c, r)} = {from_text_sql(c, p, guard=True)}"
        for c, r, p in zip(cols, own, parts, strict=True)
    ]
    conds.append(f"{key_text_sql(pk, own)} = {key}")
    return " AND ".join(conds)


def id_has_row_sql(
    graph: str,
    label: str,
    pk: Sequence[Column[Any]],
    cols: Sequence[Column[Any]],
    table: str,
    vid: str,
    extra: str = "",
) -> str:
    """Whether the id *vid* is the id of a row of *table* (whose *cols* hold the key *pk*).

    :param label: a SQL expression of the label id the id must carry.
    :param extra: more conditions on the row ``r`` (say, its edge's ends not NULL).
    """
    more = f" AND {extra}" if extra else ""
    mapped = (
        f"EXISTS (SELECT 1 FROM {key_table_sql(graph)} m JOIN {table} r\n"
        f"        ON {key_match_sql(cols, pk, 'r', 'm.key')}{more}\n"
        f"        WHERE m.id {_EQ} {vid} AND m.label = {label}"
    )
    if is_integer_key(pk):
        col = refs(cols, "r")[0]
        entry = entry_of_sql(vid)
        direct = (
            f"({entry} BETWEEN 1 AND {DIRECT_MAX} AND EXISTS (\n"
            f"        SELECT 1 FROM {table} r WHERE {col} = {entry}{more}))"
        )
        key = from_text_sql(pk[0], "m.key", guard=True)
        mapped += f"\n          AND NOT ({key} BETWEEN 1 AND {DIRECT_MAX}))"
        return f"({label_id_of_sql(vid)} = {label} AND ({direct}\n    OR {mapped}))"
    return f"({label_id_of_sql(vid)} = {label} AND {mapped}))"
