"""The vertex-id rule, in one place: how a row's primary key becomes its vertex's id.

A vertex (or association edge) id is ``_graphid(label id, entry)``, the entry
a 48-bit number.  For a single integer key between 1 and ``DIRECT_MAX``
(2**47 - 1) the entry is the key itself, so a row finds its vertex, and a
vertex its row, in O(1).  Every other key -- text, UUID, composite, an integer
of 0, below or beyond that range -- gets an entry from the graph's sequence
``"tridb$entry"`` (which starts at 2**47, above every direct entry), recorded
in the graph's key map ``"tridb$keys"`` ``(label, key, id)``: no two keys can
ever share an id, whatever their values.  The key's text is the column's text
for one column and the JSON array of the columns' texts for several, which no
two keys share.

An id is allocated before first use -- by whichever statement first needs it:
the row's own insert, or an edge row that points at a row not yet inserted
(a deferred foreign key) -- and released when neither its vertex nor any edge
holds it any more, so a key deleted and re-inserted within a transaction keeps
its id and its edges.

Functions and operators are schema-qualified: the expressions mean the same in
every session.  The rule is rendered from here as SQL text (trigger bodies, the
sync, the recursive CTE) and as Core expressions (queries).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Text,
    and_,
    case,
    cast,
    column,
    func,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import JSON, array
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.sql.schema import Column

from ..sql import quote_ident, sql_literal
from ..sql.age import ENTRY_MASK, GraphId, edge_parent_sql, entry_of, graphid, label_id
from ..sql.age import graphid_sql as _graphid_sql
from .spec import NodeSpec

#: The greatest integer key used as its own entry.
DIRECT_MAX = (1 << 47) - 1
#: The first entry the graph's sequence hands out (above every direct entry).
MAPPED_MIN = 1 << 47
#: The key map of a graph: ``(label, key, id)``, one row per allocated id.
KEY_TABLE = "tridb$keys"
#: The sequence of a graph's allocated entries.
ENTRY_SEQUENCE = "tridb$entry"

Cast = Callable[[str, str], str]


def is_integer_key(pk: Sequence[Column[Any]]) -> bool:
    """Whether the key is a single integer column (its own entry, when in range)."""
    return len(pk) == 1 and isinstance(pk[0].type, Integer)


def _pg_cast(ref: str, to: str) -> str:
    return f"{ref}::{to}"


# -- SQL text ----------------------------------------------------------------------


def key_table_sql(graph: str) -> str:
    """The quoted, schema-qualified name of *graph*'s key map."""
    return f"{quote_ident(graph)}.{quote_ident(KEY_TABLE)}"


def entry_sequence_sql(graph: str) -> str:
    """The quoted, schema-qualified name of *graph*'s entry sequence."""
    return f"{quote_ident(graph)}.{quote_ident(ENTRY_SEQUENCE)}"


def key_map_ddl(graph: str) -> list[str]:
    """The statements creating *graph*'s key map and entry sequence, if missing."""
    keys, seq = key_table_sql(graph), entry_sequence_sql(graph)
    return [
        f"CREATE TABLE IF NOT EXISTS {keys} (\n"
        "    label int4 NOT NULL,\n"
        "    key text NOT NULL,\n"
        "    id ag_catalog.graphid NOT NULL,\n"
        "    PRIMARY KEY (label, key)\n"
        ")",
        f"CREATE UNIQUE INDEX IF NOT EXISTS {quote_ident('tridb$keys_id')} ON {keys} (id)",
        f"CREATE SEQUENCE IF NOT EXISTS {seq}\n"
        f"    AS bigint MINVALUE {MAPPED_MIN} MAXVALUE {ENTRY_MASK} START {MAPPED_MIN}",
    ]


def key_text_sql(pk: Sequence[Column[Any]], refs: Sequence[str], cast_: Cast = _pg_cast) -> str:
    """The key's text from SQL expressions *refs* holding its parts."""
    texts = [cast_(r, "text") for r in refs]
    if len(texts) == 1:
        return texts[0]
    # several parts: a JSON array of their texts, which no two keys share
    return f"pg_catalog.array_to_json(ARRAY[{', '.join(texts)}])::text"


def direct_sql(
    pk: Sequence[Column[Any]], refs: Sequence[str], cast_: Cast = _pg_cast
) -> str | None:
    """The condition under which the key is its own entry, or ``None`` if it never is."""
    if not is_integer_key(pk):
        return None
    return f"{cast_(refs[0], 'bigint')} BETWEEN 1 AND {DIRECT_MAX}"


def id_sql(
    graph: str, label: str, pk: Sequence[Column[Any]], refs: Sequence[str], cast_: Cast = _pg_cast
) -> str:
    """The id, as SQL text, of the key in *refs*; *label* is a SQL expression of the label id.

    A key with no allocated id gives ``NULL``.
    """
    lookup = (
        f"(SELECT m.id FROM {key_table_sql(graph)} m\n"
        f"     WHERE m.label = {label} AND m.key = {key_text_sql(pk, refs, cast_)})"
    )
    direct = direct_sql(pk, refs, cast_)
    if direct is None:
        return lookup
    return (
        f"CASE WHEN {direct}\n"
        f"    THEN {_graphid_sql(label, cast_(refs[0], 'bigint'))}\n"
        f"    ELSE {lookup} END"
    )


def _refs(pk: Sequence[Column[Any]], alias: str, cols: Sequence[Column[Any]] | None) -> list[str]:
    return [f"{alias}.{quote_ident(c.name)}" for c in (pk if cols is None else cols)]


def vertex_id_sql(
    graph: str,
    label: str,
    pk: Sequence[Column[Any]],
    alias: str,
    cols: Sequence[Column[Any]] | None = None,
) -> str:
    """The id, as SQL text, of the row *alias* whose columns *cols* (default *pk*) hold the key.

    :param graph: the graph (its key map).
    :param label: a SQL expression (a PL/pgSQL variable) holding the label id.
    """
    return id_sql(graph, label, pk, _refs(pk, alias, cols))


def _keys_of(
    pk: Sequence[Column[Any]], alias: str, rows: str, cols: Sequence[Column[Any]] | None
) -> str:
    """``SELECT DISTINCT`` the mapped keys' texts of the rows *rows* (``AS key``)."""
    refs = _refs(pk, alias, cols)
    where = [f"{r} IS NOT NULL" for r in refs]
    direct = direct_sql(pk, refs)
    if direct is not None:
        where.append(f"NOT ({direct})")
    return (
        f"SELECT DISTINCT {key_text_sql(pk, refs)} AS key\n"
        f"FROM {rows} {alias}\nWHERE {' AND '.join(where)}"
    )


def allocate_sql(
    graph: str,
    label: str,
    pk: Sequence[Column[Any]],
    alias: str,
    rows: str,
    cols: Sequence[Column[Any]] | None = None,
) -> str:
    """Allocate an id for every key of *rows* that needs one and has none (a statement).

    The ids that exist already are locked ``FOR KEY SHARE`` until the
    transaction ends, so a concurrent release (the key's row deleted in
    another transaction) waits for it instead of freeing an id this
    transaction's edges are about to hold.

    :param rows: a table or transition table, read as *alias*.
    """
    keys = key_table_sql(graph)
    seq = sql_literal(entry_sequence_sql(graph))
    inner = "\n".join("    " + line for line in _keys_of(pk, alias, rows, cols).splitlines())
    return (
        f"WITH k AS (\n{inner}\n), held AS (\n"
        f"    SELECT m.key FROM {keys} m JOIN k ON m.label = {label} AND m.key = k.key\n"
        "    FOR KEY SHARE OF m\n"
        ")\n"
        f"INSERT INTO {keys} (label, key, id)\n"
        f"SELECT {label}, k.key,\n"
        f"    {_graphid_sql(label, f'pg_catalog.nextval({seq}::pg_catalog.regclass)')}\n"
        "FROM k\n"
        "WHERE k.key NOT IN (SELECT held.key FROM held)\n"
        "ON CONFLICT DO NOTHING"
    )


def release_sql(
    graph: str,
    label: str,
    pk: Sequence[Column[Any]],
    alias: str,
    rows: str,
    *,
    holder: str,
    vertex: bool,
    cols: Sequence[Column[Any]] | None = None,
) -> str:
    """Release the ids of *rows*' keys that nothing holds any more (a statement).

    :param holder: the label table whose rows own the ids (a vertex or edge label).
    :param vertex: the ids are vertices' (edges may still hold them as ends).
    """
    inner = "\n".join("    " + line for line in _keys_of(pk, alias, rows, cols).splitlines())
    return (
        f"DELETE FROM {key_table_sql(graph)} m\n"
        f"USING (\n{inner}\n) k\n"
        f"WHERE m.label = {label} AND m.key = k.key\n{_not_held(graph, holder, vertex)}"
    )


def release_label_sql(graph: str, label: str, *, holder: str, vertex: bool) -> str:
    """Release every id of the label *label* (a SQL expression) that nothing holds (a statement).

    For ``TRUNCATE``: *holder* and *vertex* as in `release_sql()`.
    """
    return (
        f"DELETE FROM {key_table_sql(graph)} m\n"
        f"WHERE m.label = {label}\n{_not_held(graph, holder, vertex)}"
    )


def _not_held(graph: str, holder: str, vertex: bool) -> str:
    eq = "OPERATOR(ag_catalog.=)"
    held = [f"SELECT 1 FROM {holder} h WHERE h.id {eq} m.id"]
    if vertex:
        parent = edge_parent_sql(graph)
        held += [
            f"SELECT 1 FROM {parent} e WHERE e.start_id {eq} m.id",
            f"SELECT 1 FROM {parent} e WHERE e.end_id {eq} m.id",
        ]
    return "\n".join(f"  AND NOT EXISTS ({h})" for h in held)


def key_of_entry_sql(graph: str, vid: str) -> str:
    """The integer key of the vertex id SQL expression *vid* (of an integer-keyed label)."""
    entry = f"({vid}::text::bigint OPERATOR(pg_catalog.&) {ENTRY_MASK})"
    return (
        f"CASE WHEN {entry} <= {DIRECT_MAX} THEN {entry}\n"
        f"    ELSE (SELECT m.key::bigint FROM {key_table_sql(graph)} m\n"
        f"          WHERE m.id OPERATOR(ag_catalog.=) {vid}) END"
    )


# -- Core expressions ----------------------------------------------------------------


def key_table(graph: str) -> TableClause:
    """A lightweight ``TableClause`` for *graph*'s key map."""
    return table(
        KEY_TABLE,
        column("label", Integer()),
        column("key", Text()),
        column("id", GraphId()),
        schema=graph,
    )


def key_text_expr(pk: Sequence[Column[Any]], values: Sequence[Any]) -> ColumnElement[Any]:
    """The key's text as a Core expression of *values* (columns or bound values)."""
    texts = [cast(v, Text) for v in values]
    if len(texts) == 1:
        return texts[0]
    return cast(func.pg_catalog.array_to_json(array(texts)), Text)


def vertex_id(spec: NodeSpec, values: Sequence[Any]) -> ColumnElement[Any]:
    """The vertex id, as a Core expression, of the row of *spec* whose key is *values*."""
    lbl = label_id(spec.graph, spec.label)
    keys = key_table(spec.graph)
    lookup = (
        select(keys.c.id)
        .where(keys.c.label == lbl, keys.c.key == key_text_expr(spec.pk, values))
        .scalar_subquery()
    )
    if not is_integer_key(spec.pk):
        return lookup
    key = cast(values[0], BigInteger)
    return case((key.between(1, DIRECT_MAX), graphid(lbl, key)), else_=lookup)


def row_vertex_id(spec: NodeSpec) -> ColumnElement[Any]:
    """The vertex id of each row of *spec*'s class, for ``where()`` and joins."""
    return vertex_id(spec, [getattr(spec.cls, c.key) for c in spec.pk])


def key_of_entry(graph: str, vid: ColumnElement[Any]) -> ColumnElement[int]:
    """The integer key of the vertex id *vid* of an integer-keyed label, as Core."""
    keys = key_table(graph)
    entry = entry_of(vid)
    mapped = (
        select(cast(keys.c.key, BigInteger))
        .where(keys.c.id.op("OPERATOR(ag_catalog.=)", is_comparison=True)(vid))
        .scalar_subquery()
    )
    return case((entry <= DIRECT_MAX, entry), else_=mapped)


def key_matches(spec: NodeSpec, key_text: ColumnElement[Any]) -> ColumnElement[bool]:
    """The rows of *spec*'s class whose key has the text *key_text* (index-friendly)."""
    cols = [getattr(spec.cls, c.key) for c in spec.pk]
    if len(cols) == 1:
        return cols[0] == cast(key_text, spec.pk[0].type)  # type: ignore[no-any-return]
    parts = [
        cast(func.pg_catalog.json_extract_path_text(cast(key_text, JSON), str(i)), c.type)
        for i, c in enumerate(spec.pk)
    ]
    return and_(*[col == part for col, part in zip(cols, parts, strict=True)])


def direct_entry(entry: int) -> bool:
    """Whether the 48-bit *entry* of a vertex id is an integer key itself."""
    return 1 <= entry <= DIRECT_MAX
