"""The SQL of the sync, one label at a time: write a batch of rows, remove what has no row.

Every statement is set-based over a *rows* relation -- a batch of the table
(``lo < key <= hi``) or the whole table (migrations, ``create_all``) -- and
built from the rules the triggers use: vertex ids from
`sqlalchemy_tridb.graph.identity` (``allocate_sql`` / ``vertex_id_sql``),
edge rows and their allocations from `sqlalchemy_tridb.graph.triggers`
(``edge_rows_sql`` / ``edge_allocations``), properties from
`sqlalchemy_tridb.graph.properties`.  Run under the triggers' settings
(`FUNCTION_SETTINGS`), they write
exactly what the triggers would have written.

Label ids are SQL expressions: literals resolved per batch by the sync,
``ag_catalog._label_id(...)`` calls in plain SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.sql.schema import Column

from ...sql import quote_ident, sql_literal
from ...sql.age import edge_parent_sql, label_id_sql, label_table_sql
from ..identity import allocate_sql, key_table_sql, release_label_sql, vertex_id_sql
from ..properties import properties_sql
from ..spec import EdgeSpec, NodeSpec
from ..triggers import edge_allocations, edge_rows_sql
from .keys import id_has_row_sql, param, range_sql, refs, row_tuple

_EQ = "OPERATOR(ag_catalog.=)"
_EMPTY = "ag_catalog.agtype_build_map()"


@dataclass(frozen=True)
class LabelIds:
    """SQL expressions of the label ids a label's statements use."""

    own: str
    #: edges: their ends' labels
    source: str = ""
    target: str = ""

    @classmethod
    def calls(cls, spec: NodeSpec | EdgeSpec) -> LabelIds:
        """``ag_catalog._label_id(...)`` calls (plain SQL, no lookup first)."""
        own = label_id_sql(spec.graph, spec.label)
        if isinstance(spec, NodeSpec):
            return cls(own)
        g = spec.graph
        return cls(own, label_id_sql(g, spec.source.label), label_id_sql(g, spec.target.label))

    def edge(self) -> tuple[str, str, str]:
        """``(source, target, edge)``, as ``triggers.edge_rows_sql()`` takes them."""
        return (self.source, self.target, self.own)


def anchor_of(edge: EdgeSpec) -> Literal["start", "end"]:
    """For edges without ids: the end whose vertex id a batch of rows determines.

    A foreign-key edge's anchor is the declaring row's own end, so a batch of
    rows owns exactly the edges at its rows' vertices; a secondary table's, the
    end its primary key leads with (walked on the table's own index).
    """
    pk = [c.name for c in edge.table.primary_key.columns]
    src, tgt = [c.name for c in edge.source_cols], [c.name for c in edge.target_cols]
    if edge.kind == "fk":
        return "start" if sorted(src) == sorted(pk) else "end"
    if pk[: len(tgt)] == tgt and pk[: len(src)] != src:
        return "end"
    return "start"


def walk_key(spec: NodeSpec | EdgeSpec) -> list[Column[Any]]:
    """The columns a batch walk over *spec*'s table orders by (a key, or the anchor's)."""
    if isinstance(spec, NodeSpec):
        return spec.pk
    if spec.kind == "association":
        return spec.pk
    return spec.source_cols if anchor_of(spec) == "start" else spec.target_cols


def rows_sql(table: str, plan_key: Sequence[Column[Any]], *, lo: bool, hi: bool) -> str:
    """A batch of *table*: ``lo < key <= hi`` on *plan_key* (parameters ``lo_i``, ``hi_i``)."""
    if not lo and not hi:
        return table
    return f"(SELECT * FROM {table} r WHERE {range_sql(plan_key, 'r', lo, hi)})"


def next_key_sql(table: str, key: Sequence[Column[Any]], *, lo: bool) -> str:
    """The key ``offset`` rows after ``lo`` (the next batch's upper bound), as texts."""
    cols = ", ".join(f"{r}::pg_catalog.text" for r in refs(key, "r"))
    where = range_sql(key, "r", lo, False)
    return (
        f"SELECT {cols} FROM {table} r WHERE {where}\n"
        f"ORDER BY {row_tuple(key, 'r')} OFFSET {param('offset')} LIMIT 1"
    )


def next_id_sql(label_table: str, *, lo: bool) -> str:
    """The id ``offset`` entries after ``lo`` in a label's table, as text."""
    where = f"WHERE v.id > CAST({param('lo')} AS ag_catalog.graphid)\n" if lo else ""
    return (
        f"SELECT v.id::pg_catalog.text FROM {label_table} v\n{where}"
        f"ORDER BY v.id OFFSET {param('offset')} LIMIT 1"
    )


def _counts(cte: str, sql: str, added: str, updated: str, removed: str) -> str:
    """*sql* (``... RETURNING``) as the CTE *cte*, then the three counts."""
    return f"WITH {cte} AS (\n{sql}\n)\nSELECT {added}, {updated}, {removed}"


def _upsert(lt: str, batch: str, cols: list[str], *, fresh: bool, part: bool = False) -> str:
    """Update the batch's rows whose values differ, insert those with no id in *lt*.

    One statement, so both parts read one snapshot; a plain insert behind an
    anti-join is about 1.7x faster than ``INSERT ... ON CONFLICT``.  *fresh*
    (the label was empty when the walk began, so all it holds was written by
    the triggers) leaves out the update.  The existence probe is one index
    look-up per row of the batch, never a scan of the label: at 1,000,000
    vertices a hashed anti-join cost 250 ms a batch of 50,000 and grew with
    the label.  *part* (a batch, not the whole table) restricts the update's
    join to the batch's ids through the id index: left to itself the planner
    hashes the batch and reads the whole label (at 1,000,000, 955 ms a batch
    of 50,000 instead of 396).  Returns ``(added, updated, 0)``.
    """
    names = ", ".join(cols)
    values = ", ".join(f"x.{c}" for c in cols)
    sets = ",\n    ".join(f"{c} = x.{c}" for c in cols if c != "id")
    differ = ", ".join(f"v.{c}" for c in cols if c != "id")
    same = ", ".join(f"x.{c}" for c in cols if c != "id")
    # read twice (update, insert) it is computed once; read once, it streams
    parts = [f"WITH x AS {'' if fresh else 'MATERIALIZED '}(\n{batch}\n)"]
    if not fresh:
        parts.append(
            f", upd AS (\n    UPDATE {lt} v SET {sets}\n    FROM x WHERE v.id = x.id\n"
            f"      AND ({differ}) IS DISTINCT FROM ({same})\n"
            + (
                "      AND v.id = ANY (ARRAY(SELECT b.id FROM x b WHERE b.id IS NOT NULL))\n"
                if part
                else ""
            )
            + "    RETURNING 1\n)"
        )
    parts.append(
        f", ins AS (\n    INSERT INTO {lt} ({names})\n    SELECT {values} FROM x\n"
        "    WHERE "
        + " AND ".join(f"x.{c} IS NOT NULL" for c in cols if c != "properties")
        # OFFSET 0 keeps the probe a per-row look-up on the label's id index: as an
        # anti-join the planner hashes the whole label, each batch (quadratic)
        + f"\n      AND NOT EXISTS (SELECT 1 FROM {lt} h WHERE h.id = x.id OFFSET 0)"
        "\n    RETURNING 1\n)"
    )
    updated = "0" if fresh else "(SELECT count(*) FROM upd)"
    parts.append(f"\nSELECT (SELECT count(*) FROM ins), {updated}, 0")
    return "".join(parts)


def write_vertices(
    node: NodeSpec,
    lt: str,
    rows: str,
    ids: LabelIds,
    *,
    fresh: bool = False,
    part: bool = False,
) -> list[str]:
    """Allocate the batch's ids, then add its missing vertices and fix differing properties.

    The last statement returns ``(added, updated, 0)``; *fresh* and *part* as
    in `_upsert()`.
    """
    g = node.graph
    vid = vertex_id_sql(g, ids.own, node.pk, "n")
    batch = (
        f"    SELECT {vid} AS id,\n    {properties_sql('n', node.props, g)} AS properties\n"
        f"    FROM {rows} n"
    )
    upsert = _upsert(lt, batch, ["id", "properties"], fresh=fresh, part=part)
    return [allocate_sql(g, ids.own, node.pk, "n", rows), upsert]


def write_association_edges(
    edge: EdgeSpec,
    lt: str,
    rows: str,
    ids: LabelIds,
    *,
    fresh: bool = False,
    part: bool = False,
) -> list[str]:
    """As `write_vertices()`, for association edges (ids of their own)."""
    new = edge_rows_sql(edge, "n", rows, ids.edge())
    cols = ["id", "start_id", "end_id", "properties"]
    upsert = _upsert(lt, new, cols, fresh=fresh, part=part)
    return [*edge_allocations(edge, "n", rows, ids.edge()), upsert]


def write_plain_edges(edge: EdgeSpec, lt: str, rows: str, ids: LabelIds, anchor: str) -> list[str]:
    """Make the edges at the batch's anchors the multiset its rows declare.

    Edges without ids (foreign keys, secondary tables) are equal when their
    ends are: at each anchor the edges present are compared, as a multiset of
    ``(start, end)``, with those the rows give; surplus copies go (and any
    with properties, which such edges never have), missing ones are added.
    The last statement returns ``(added, 0, removed)``.
    """
    new = edge_rows_sql(edge, "n", rows, ids.edge())
    a = f"{anchor}_id"
    diff = (
        "WITH want AS MATERIALIZED (\n"
        f"    SELECT x.start_id, x.end_id, count(*) AS n FROM (\n{new}\n) x\n"
        "    WHERE x.start_id IS NOT NULL AND x.end_id IS NOT NULL\n"
        "    GROUP BY x.start_id, x.end_id\n"
        "), have AS MATERIALIZED (\n"
        f"    SELECT e.id, e.start_id, e.end_id, (e.properties = {_EMPTY}) AS plain,\n"
        "        row_number() OVER (PARTITION BY e.start_id, e.end_id\n"
        f"            ORDER BY (e.properties = {_EMPTY}) DESC, e.id) AS k\n"
        f"    FROM {lt} e WHERE e.{a} IN (SELECT w.{a} FROM want w)\n"
        "), gone AS (\n"
        f"    DELETE FROM {lt} d\n"
        "    USING have h LEFT JOIN want w ON w.start_id = h.start_id AND w.end_id = h.end_id\n"
        "    WHERE d.id = h.id AND (NOT h.plain OR h.k > coalesce(w.n, 0))\n"
        "    RETURNING 1\n"
        "), added AS (\n"
        f"    INSERT INTO {lt} (start_id, end_id)\n"
        "    SELECT w.start_id, w.end_id FROM want w\n"
        "    LEFT JOIN (SELECT h.start_id, h.end_id, count(*) AS c FROM have h WHERE h.plain\n"
        "               GROUP BY h.start_id, h.end_id) h\n"
        "      ON h.start_id = w.start_id AND h.end_id = w.end_id\n"
        "    CROSS JOIN LATERAL pg_catalog.generate_series(1, w.n - coalesce(h.c, 0)) s\n"
        "    RETURNING 1\n"
        ")\n"
        "SELECT (SELECT count(*) FROM added), 0, (SELECT count(*) FROM gone)"
    )
    return [*edge_allocations(edge, "n", rows, ids.edge()), diff]


def id_range_sql(*, lo: bool, hi: bool) -> str:
    """``lo < v.id <= hi`` (parameters ``lo`` and ``hi``, graphid texts)."""
    conds = ["TRUE"]
    if lo:
        conds.append(f"v.id > CAST({param('lo')} AS ag_catalog.graphid)")
    if hi:
        conds.append(f"v.id <= CAST({param('hi')} AS ag_catalog.graphid)")
    return " AND ".join(conds)


def remove_vertices(node: NodeSpec, lt: str, table: str, ids: LabelIds, where: str) -> str:
    """Delete the vertices (in *where*, on ``v``) that are no row's; returns ``(0, 0, removed)``."""
    has_row = id_has_row_sql(node.graph, ids.own, node.pk, node.pk, table, "v.id")
    delete = f"DELETE FROM {lt} v\nWHERE {where}\n  AND NOT {has_row}\nRETURNING 1"
    return _counts("gone", delete, "0", "0", "(SELECT count(*) FROM gone)")


def _not_null(cols: Sequence[Column[Any]], alias: str) -> str:
    return " AND ".join(f"{r} IS NOT NULL" for r in refs(cols, alias))


def remove_edges(
    edge: EdgeSpec, lt: str, table: str, ids: LabelIds, where: str, anchor: str
) -> str:
    """Delete the edges (in *where*) that no row declares; returns ``(0, 0, removed)``.

    An association edge needs its row with both ends; an edge without an id,
    a row at its anchor with both ends (the batches fixed the rest).
    """
    ends = _not_null([*edge.source_cols, *edge.target_cols], "r")
    if edge.kind == "association":
        has_row = id_has_row_sql(edge.graph, ids.own, edge.pk, edge.pk, table, "v.id", ends)
    else:
        node = edge.source if anchor == "start" else edge.target
        cols = edge.source_cols if anchor == "start" else edge.target_cols
        label = ids.source if anchor == "start" else ids.target
        has_row = id_has_row_sql(edge.graph, label, node.pk, cols, table, f"v.{anchor}_id", ends)
    delete = f"DELETE FROM {lt} v\nWHERE {where}\n  AND NOT {has_row}\nRETURNING 1"
    return _counts("gone", delete, "0", "0", "(SELECT count(*) FROM gone)")


def release_keys(spec: NodeSpec | EdgeSpec, lt: str, ids: LabelIds) -> str | None:
    """Release the label's key-map ids that nothing holds any more (``None``: no ids)."""
    if isinstance(spec, EdgeSpec) and spec.kind != "association":
        return None
    vertex = isinstance(spec, NodeSpec)
    return release_label_sql(spec.graph, ids.own, holder=lt, vertex=vertex)


def release_lost_labels(graph: str) -> str:
    """Delete the key-map rows of labels the graph no longer has (a label dropped by hand)."""
    return (
        f"DELETE FROM {key_table_sql(graph)} m\n"
        "WHERE NOT EXISTS (\n"
        "    SELECT 1 FROM ag_catalog.ag_label l\n"
        "    JOIN ag_catalog.ag_graph g ON g.graphid = l.graph\n"
        f"    WHERE g.name = {sql_literal(graph)} AND l.id = m.label)"
    )


def unheld_keys_sql(graph: str) -> str:
    """Count the key-map rows that neither a vertex nor an edge holds."""
    vertices = f"{quote_ident(graph)}._ag_label_vertex"
    edges = edge_parent_sql(graph)
    return (
        f"SELECT count(*) FROM {key_table_sql(graph)} m\n"
        f"WHERE NOT EXISTS (SELECT 1 FROM {vertices} v WHERE v.id {_EQ} m.id)\n"
        f"  AND NOT EXISTS (SELECT 1 FROM {edges} e WHERE e.id {_EQ} m.id)\n"
        f"  AND NOT EXISTS (SELECT 1 FROM {edges} e WHERE e.start_id {_EQ} m.id)\n"
        f"  AND NOT EXISTS (SELECT 1 FROM {edges} e WHERE e.end_id {_EQ} m.id)"
    )


def label_table_of(graph: str, label: str) -> str:
    """A label's table, quoted and qualified."""
    return label_table_sql(graph, label)
