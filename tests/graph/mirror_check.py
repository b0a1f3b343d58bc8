"""'The graph equals the rows', exactly, computed independently of the triggers.

Per vertex label: the set of keys (no duplicates) and each vertex's properties,
read back from AGE's label tables, against the rows read with plain SQL and
converted in Python.  Per edge label: the multiset of (start key, end key,
properties).  Only integer-keyed models and simple column types (integers,
strings, booleans, floats, dates) are checked, which is what the tests here use.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

from sqlalchemy import Connection, MetaData, select, text

from sqlalchemy_tridb.cypher.agtype import loads
from sqlalchemy_tridb.graph import registry_for
from sqlalchemy_tridb.graph.identity import is_integer_key

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


def graph_rows_diff(conn: Connection, metadata: MetaData) -> list[str]:
    """Every difference between the mirror and the rows, as readable lines (none: equal)."""
    nodes, edges = registry_for(metadata).resolve()
    out: list[str] = []
    for node in nodes:
        rows = conn.execute(select(node.table)).mappings().all()
        if not is_integer_key(node.pk):  # hashed ids: compare the vertices' properties
            got_props = conn.execute(
                text(
                    "SELECT ag_catalog.agtype_out(properties)::text "
                    f'FROM "{node.graph}"."{node.label}"'
                )
            ).scalars()
            found = Counter(tuple(sorted(_graph_props(p).items())) for p in got_props)
            wanted = Counter(tuple(sorted(_props(r, node.props).items())) for r in rows)
            if found != wanted:
                out.append(
                    f"{node.label}: rows {dict(wanted - found)}, vertices {dict(found - wanted)}"
                )
            continue
        want = {r[node.pk[0].name]: _props(r, node.props) for r in rows}
        got_rows = conn.execute(
            text(
                "SELECT id::text::bigint, ag_catalog.agtype_out(properties)::text "
                f'FROM "{node.graph}"."{node.label}"'
            )
        ).all()
        keys = Counter(int(vid) & MASK for vid, _p in got_rows)
        out += [f"{node.label}: {k} has {n} vertices" for k, n in keys.items() if n > 1]
        got = {int(vid) & MASK: _graph_props(p) for vid, p in got_rows}
        for key in want.keys() - got.keys():
            out.append(f"{node.label}: row {key} has no vertex")
        for key in got.keys() - want.keys():
            out.append(f"{node.label}: vertex {key} has no row")
        for key in want.keys() & got.keys():
            if want[key] != got[key]:
                out.append(f"{node.label} {key}: row {want[key]} != vertex {got[key]}")
    for edge in edges:
        cols = [*edge.source_cols, *edge.target_cols]
        rows = conn.execute(select(edge.table)).mappings().all()
        expected: Counter[tuple[Any, ...]] = Counter()
        for r in rows:
            if any(r[c.name] is None for c in cols):
                continue
            props = tuple(sorted(_props(r, edge.props).items()))
            expected[(r[edge.source_cols[0].name], r[edge.target_cols[0].name], props)] += 1
        found: Counter[tuple[Any, ...]] = Counter()
        for start, end, raw in conn.execute(
            text(
                "SELECT start_id::text::bigint, end_id::text::bigint, "
                "ag_catalog.agtype_out(properties)::text "
                f'FROM "{edge.graph}"."{edge.label}"'
            )
        ):
            props = tuple(sorted(_graph_props(raw).items()))
            found[(int(start) & MASK, int(end) & MASK, props)] += 1
        if expected != found:
            out.append(
                f"{edge.label}: missing {dict(expected - found)}, extra {dict(found - expected)}"
            )
    return out
