"""'The graph equals the rows', exactly, computed independently of the triggers.

Per vertex label: the set of keys (no duplicates) and each vertex's properties,
read back from AGE's label tables, against the rows read with plain SQL and
converted in Python.  Per edge label: the multiset of (start key, end key,
properties).  Keys are compared as text: a vertex id's key is its entry for
direct integer keys, else what the graph's key map records.  Simple column
types (integers, strings, booleans, floats, dates) are checked, which is what
the tests here use.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import Connection, MetaData, literal_column, select, text

from sqlalchemy_tridb.cypher.agtype import loads
from sqlalchemy_tridb.graph import registry_for
from sqlalchemy_tridb.graph.identity import DIRECT_MAX

MASK = (1 << 48) - 1


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            return v.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
        return v.isoformat()
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, uuid.UUID):
        return str(v)
    return v


def _props(row: Any, props: list[tuple[str, Any, str]]) -> dict[str, Any]:
    out = {}
    for name, col, _kind in props:
        value = row[col.name]
        if value is not None:
            out[name] = _value(value)
    return out


def _graph_props(raw: str) -> dict[str, Any]:
    props = loads(raw)
    assert isinstance(props, dict)
    return {k: ("NaN" if isinstance(v, float) and math.isnan(v) else v) for k, v in props.items()}


def _key_texts(conn: Connection, graph: str) -> dict[int, str]:
    """``{vertex or edge id: key text}`` of every id *graph*'s key map holds."""
    rows = conn.execute(text(f'SELECT id::text::bigint, key FROM "{graph}"."tridb$keys"'))
    return {int(i): k for i, k in rows}


def _key_text_sql(cols: list[Any]) -> str:
    texts = [f'CAST("{c.name}" AS text)' for c in cols]
    if len(texts) == 1:
        return texts[0]
    return f"array_to_json(ARRAY[{', '.join(texts)}])::text"


def _id_key(vid: int, mapped: dict[int, str]) -> str:
    entry = vid & MASK
    if 1 <= entry <= DIRECT_MAX:
        return str(entry)
    return mapped.get(vid, f"<unmapped {vid}>")


def graph_rows_diff(conn: Connection, metadata: MetaData) -> list[str]:
    """Every difference between the mirror and the rows, as readable lines (none: equal)."""
    nodes, edges = registry_for(metadata).resolve()
    out: list[str] = []
    mapped: dict[int, str] = {}
    for graph in {n.graph for n in nodes}:
        mapped.update(_key_texts(conn, graph))
    for node in nodes:
        key_sql = _key_text_sql(list(node.pk))
        rows = (
            conn.execute(select(node.table, literal_column(key_sql).label("tridb_key_text")))
            .mappings()
            .all()
        )
        want = {r["tridb_key_text"]: _props(r, node.props) for r in rows}
        got_rows = conn.execute(
            text(
                "SELECT id::text::bigint, ag_catalog.agtype_out(properties)::text "
                f'FROM "{node.graph}"."{node.label}"'
            )
        ).all()
        keys = Counter(_id_key(int(vid), mapped) for vid, _p in got_rows)
        out += [f"{node.label}: {k} has {n} vertices" for k, n in keys.items() if n > 1]
        got = {_id_key(int(vid), mapped): _graph_props(p) for vid, p in got_rows}
        for key in want.keys() - got.keys():
            out.append(f"{node.label}: row {key} has no vertex")
        for key in got.keys() - want.keys():
            out.append(f"{node.label}: vertex {key} has no row")
        for key in want.keys() & got.keys():
            if want[key] != got[key]:
                out.append(f"{node.label} {key}: row {want[key]} != vertex {got[key]}")
    for edge in edges:
        cols = [*edge.source_cols, *edge.target_cols]
        rows = (
            conn.execute(
                select(
                    edge.table,
                    literal_column(_key_text_sql(edge.source_cols)).label("tridb_start_key"),
                    literal_column(_key_text_sql(edge.target_cols)).label("tridb_end_key"),
                )
            )
            .mappings()
            .all()
        )
        expected: Counter[tuple[Any, ...]] = Counter()
        for r in rows:
            if any(r[c.name] is None for c in cols):
                continue
            props = tuple(sorted(_props(r, edge.props).items()))
            expected[(r["tridb_start_key"], r["tridb_end_key"], props)] += 1
        found: Counter[tuple[Any, ...]] = Counter()
        for start, end, raw in conn.execute(
            text(
                "SELECT start_id::text::bigint, end_id::text::bigint, "
                "ag_catalog.agtype_out(properties)::text "
                f'FROM "{edge.graph}"."{edge.label}"'
            )
        ):
            props = tuple(sorted(_graph_props(raw).items()))
            found[(_id_key(int(start), mapped), _id_key(int(end), mapped), props)] += 1
        if expected != found:
            out.append(
                f"{edge.label}: missing {dict(expected - found)}, extra {dict(found - expected)}"
            )
    return out
