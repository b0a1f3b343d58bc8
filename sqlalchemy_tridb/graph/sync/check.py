"""``check_graph()``: per label, what differs between the graph and the rows (read only).

One consistent snapshot (``REPEATABLE READ``), one statement per label, under
the triggers' settings, so the properties the rows should have are written
exactly as the triggers would write them:

vertex labels
    *missing* (a row, no vertex), *extra* (a vertex, no row), *differing*
    (properties);
edge labels
    *missing* and *extra* edges (a multiset of ends for edges without ids;
    by id for association edges, whose *differing* counts changed ends or
    properties), *dangling* edges (an end that is no vertex of its label);
the key map
    ids that no vertex or edge holds, and ids of labels the graph lost.

A graph whose key map is gone (its table dropped by hand) is checked as if
the map were empty: the vertices of mapped keys are then *extra*, their rows
*missing*, which is what a sync (which makes the map again) finds and fixes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from ...sql import sql_literal
from ..fill import statements as st
from ..fill.keys import refs, statement
from ..identity import is_integer_key, key_of_entry_sql, key_table_sql, key_text_sql, vertex_id_sql
from ..properties import properties_sql
from ..spec import EdgeSpec, NodeSpec
from ..triggers import edge_rows_sql
from .plan import LabelPlan, resolve_targets
from .run import LabelSync, SyncReport, label_ids, resolve_table, settings_statement

_EQ = "OPERATOR(ag_catalog.=)"
_SAMPLE = 5


@dataclass
class LabelCheck:
    """The drift of one label.

    :param graph: the graph's name.
    :param label: the label's name.
    :param kind: ``"vertex"`` or ``"edge"``.
    :param rows: how many vertices or edges the rows declare.
    :param present: how many the label's table holds.
    :param missing: declared by a row, absent from the graph.
    :param extra: in the graph, declared by no row.
    :param differing: present, with other properties than the rows give
        (for association edges, also other ends).
    :param dangling: edges with an end that is no vertex of its label (0 for
        vertex labels).
    :param exists: whether the label's table exists (if not, all *rows* are missing).
    :param samples: up to 5 keys of each kind of drift (``"missing"``,
        ``"extra"``, ``"differing"``, ``"dangling"``), for the eye.
    """

    graph: str
    label: str
    kind: str
    rows: int = 0
    present: int = 0
    missing: int = 0
    extra: int = 0
    differing: int = 0
    dangling: int = 0
    exists: bool = True
    samples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def drift(self) -> int:
        """Every difference counted (a missing label counts its rows)."""
        return self.missing + self.extra + self.differing + self.dangling + (not self.exists)


@dataclass
class KeyMapCheck:
    """The drift of a graph's key map.

    :param graph: the graph's name.
    :param unheld: key-map ids that no vertex or edge holds.
    :param lost_labels: key-map ids of labels the graph no longer has.
    :param exists: whether the key map's table exists (the sync makes it again).
    """

    graph: str
    unheld: int = 0
    lost_labels: int = 0
    exists: bool = True

    @property
    def drift(self) -> int:
        """Key-map rows that the sync would release (a missing key map counts 1)."""
        return self.unheld + self.lost_labels + (not self.exists)


@dataclass
class CheckReport:
    """What `check_graph()` found.

    :param labels: one `LabelCheck` per label checked.
    :param key_maps: one `KeyMapCheck` per graph checked.
    :param missing_graphs: graphs that do not exist at all.
    """

    labels: list[LabelCheck] = field(default_factory=list)
    key_maps: list[KeyMapCheck] = field(default_factory=list)
    missing_graphs: list[str] = field(default_factory=list)

    @property
    def drift(self) -> int:
        """Every difference counted; ``0`` when the graph equals the rows."""
        return (
            sum(x.drift for x in self.labels)
            + sum(k.drift for k in self.key_maps)
            + len(self.missing_graphs)
        )

    def drifting_labels(self) -> list[str]:
        """``graph.Label`` of every label with drift."""
        return [f"{x.graph}.{x.label}" for x in self.labels if x.drift]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "drift": self.drift,
            "missing_graphs": self.missing_graphs,
            "labels": [asdict(x) | {"drift": x.drift} for x in self.labels],
            "key_maps": [asdict(k) | {"drift": k.drift} for k in self.key_maps],
        }

    def as_sync_report(self) -> SyncReport:
        """What a sync would do about it (``sync_graph(dry_run=True)``)."""
        out = SyncReport(dry_run=True, keys_released=sum(k.drift for k in self.key_maps))
        for x in self.labels:
            added = x.rows if not x.exists else x.missing
            out.labels.append(
                LabelSync(x.graph, x.label, x.kind, added, x.differing, x.extra + x.dangling)
            )
        return out

    def table(self) -> str:
        """A readable table, one line per label, then the key maps."""
        head = (
            "graph",
            "label",
            "kind",
            "rows",
            "graph",
            "missing",
            "extra",
            "differing",
            "dangling",
        )
        lines: list[tuple[str, ...]] = [head]
        for x in self.labels:
            present = str(x.present) if x.exists else "no label"
            lines.append(
                (
                    x.graph,
                    x.label,
                    x.kind,
                    str(x.rows),
                    present,
                    str(x.missing),
                    str(x.extra),
                    str(x.differing),
                    str(x.dangling),
                )
            )
        widths = [max(len(r[i]) for r in lines) for i in range(len(head))]
        out = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in lines
        ]
        for k in self.key_maps:
            if not k.exists:
                out.append(f"key map of {k.graph} does not exist")
            elif k.drift:
                out.append(
                    f"key map of {k.graph}: {k.unheld} id(s) nothing holds, "
                    f"{k.lost_labels} of labels the graph lost"
                )
        for g in self.missing_graphs:
            out.append(f"graph {g} does not exist")
        for x in self.labels:
            for kind, keys in x.samples.items():
                out.append(f"{x.graph}.{x.label} {kind}: {', '.join(keys)}")
        return "\n".join(out)


def _key_of_id(spec: NodeSpec | EdgeSpec, pk: Any, vid: str) -> str:
    """A vertex or edge id as its key's text (for samples)."""
    mapped = f"(SELECT m.key FROM {key_table_sql(spec.graph)} m WHERE m.id {_EQ} {vid})"
    fallback = f"COALESCE({mapped}, '#' || {vid}::pg_catalog.text, '(no id)')"
    if is_integer_key(pk):  # the identity module's rule, not a copy of it
        return f"COALESCE(({key_of_entry_sql(spec.graph, vid)})::pg_catalog.text, {fallback})"
    return fallback


def _sample(cte: str, expr: str) -> str:
    inner = f"SELECT {expr} AS k FROM {cte} x LIMIT {_SAMPLE}"
    return f"(SELECT pg_catalog.array_agg(s.k) FROM ({inner}) s)"


def _first(expr: str, cond: str) -> str:
    return f"(pg_catalog.array_agg({expr}) FILTER (WHERE {cond}))[1:{_SAMPLE}]"


def _by_id(want: str, have: str, differs: str, key_w: str, key_h: str) -> str:
    """One pass of a hash full join by id: the counts, and a few keys of each kind.

    *want* yields ``id`` and whatever *differs* and *key_w* read as ``w.*``;
    *have* ``id`` and what they read as ``h.*``.  Columns: rows, present,
    missing, extra, differing, then the samples of missing, extra, differing.
    """
    missing, extra = "j.here AND j.hid IS NULL", "j.here IS NULL"
    differing = "j.here AND j.hid IS NOT NULL AND j.differs"
    joined = (
        f"    SELECT w.here, h.id AS hid, {differs} AS differs,\n"
        f"        {key_w} AS kw, {key_h} AS kh\n"
        f"    FROM (\n{want}\n    ) w\n"
        f"    FULL JOIN (\n{have}\n    ) h ON h.id = w.id"
    )
    return (
        "    SELECT count(j.here) AS rows, count(j.hid) AS present,\n"
        f"        count(*) FILTER (WHERE {missing}) AS missing,\n"
        f"        count(*) FILTER (WHERE {extra}) AS extra,\n"
        f"        count(*) FILTER (WHERE {differing}) AS differing,\n"
        f"        {_first('j.kw', missing)} AS s_missing,\n"
        f"        {_first('j.kh', extra)} AS s_extra,\n"
        f"        {_first('j.kw', differing)} AS s_differing\n"
        f"    FROM (\n{joined}\n    ) j"
    )


def vertex_check_sql(plan: LabelPlan, ids: st.LabelIds) -> str:
    """One statement: rows, present, missing, extra, differing and samples of a vertex label."""
    node = plan.spec
    assert isinstance(node, NodeSpec)
    g = node.graph
    want = (
        f"    SELECT TRUE AS here, {vertex_id_sql(g, ids.own, node.pk, 'n')} AS id,\n"
        f"        {key_text_sql(node.pk, refs(node.pk, 'n'))} AS key,\n"
        f"        {properties_sql('n', node.props, g)} AS p\n"
        f"    FROM {plan.table} n"
    )
    have = f"    SELECT v.id, v.properties AS p FROM {plan.label_table} v"
    by_id = _by_id(
        want, have, "w.p IS DISTINCT FROM h.p", "w.key", _key_of_id(node, node.pk, "h.id")
    )
    return (
        "SELECT c.rows, c.present, c.missing, c.extra, c.differing, 0,\n"
        "    c.s_missing, c.s_extra, c.s_differing, NULL::text[]\n"
        f"FROM (\n{by_id}\n) c"
    )


def _dangling(edge: EdgeSpec, lt: str) -> str:
    """The edges whose start or end is no vertex of its label (hash anti-joins)."""
    src = st.label_table_of(edge.graph, edge.source.label)
    tgt = st.label_table_of(edge.graph, edge.target.label)
    return (
        f"    SELECT e.start_id, e.end_id FROM {lt} e\n"
        f"    LEFT JOIN {src} s ON s.id = e.start_id\n"
        f"    LEFT JOIN {tgt} t ON t.id = e.end_id\n"
        "    WHERE s.id IS NULL OR t.id IS NULL\n"
    )


def _ends(edge: EdgeSpec, alias: str) -> str:
    s = _key_of_id(edge, edge.source.pk, f"{alias}.start_id")
    t = _key_of_id(edge, edge.target.pk, f"{alias}.end_id")
    return f"{s} || ' -> ' || {t}"


def edge_check_sql(plan: LabelPlan, ids: st.LabelIds) -> str:
    """One statement: as `vertex_check_sql()`, for an edge label."""
    edge = plan.spec
    assert isinstance(edge, EdgeSpec)
    lt = plan.label_table
    rows = edge_rows_sql(edge, "n", plan.table, ids.edge())
    tail = (
        "SELECT (SELECT count(*) FROM want_all), (SELECT count(*) FROM have_all),\n"
        "    (SELECT count(*) FROM missing), (SELECT count(*) FROM extra),\n"
        "    (SELECT count(*) FROM differing), (SELECT count(*) FROM dangling),\n"
        f"    {_sample('missing', 'x.k')}, {_sample('extra', 'x.k')},\n"
        f"    {_sample('differing', 'x.k')}, {_sample('dangling', _ends(edge, 'x'))}"
    )
    dangling = f"), dangling AS MATERIALIZED (\n{_dangling(edge, lt)})\n"
    if edge.kind == "association":
        want = f"    SELECT TRUE AS here, x.* FROM (\n{rows}\n    ) x"
        have = f"    SELECT e.id, e.start_id, e.end_id, e.properties FROM {lt} e"
        differs = (
            "(w.start_id, w.end_id, w.properties)\n"
            "            IS DISTINCT FROM (h.start_id, h.end_id, h.properties)"
        )
        by_id = _by_id(want, have, differs, _ends(edge, "w"), _ends(edge, "h"))
        return (
            f"WITH dangling AS MATERIALIZED (\n{_dangling(edge, lt)})\n"
            "SELECT c.rows, c.present, c.missing, c.extra, c.differing,\n"
            "    (SELECT count(*) FROM dangling),\n"
            "    c.s_missing, c.s_extra, c.s_differing,\n"
            f"    {_sample('dangling', _ends(edge, 'x'))}\n"
            f"FROM (\n{by_id}\n) c"
        )
    empty = "ag_catalog.agtype_build_map()"
    return (
        f"WITH want_all AS MATERIALIZED (\n{rows}\n"
        "), want AS MATERIALIZED (\n"
        "    SELECT w.start_id, w.end_id, count(*) AS n FROM want_all w\n"
        "    WHERE w.start_id IS NOT NULL AND w.end_id IS NOT NULL GROUP BY 1, 2\n"
        f"), have_all AS MATERIALIZED (SELECT e.start_id, e.end_id, e.properties FROM {lt} e\n"
        "), have AS MATERIALIZED (\n"
        "    SELECT h.start_id, h.end_id, count(*) AS n FROM have_all h\n"
        f"    WHERE h.properties = {empty} GROUP BY 1, 2\n"
        "), diff AS MATERIALIZED (\n"
        "    SELECT coalesce(w.start_id, h.start_id) AS start_id,\n"
        "        coalesce(w.end_id, h.end_id) AS end_id,\n"
        "        coalesce(w.n, 0) - coalesce(h.n, 0) AS d\n"
        "    FROM want w FULL JOIN have h ON h.start_id = w.start_id AND h.end_id = w.end_id\n"
        "    WHERE w.n IS DISTINCT FROM h.n\n"
        "), missing AS MATERIALIZED (\n"
        f"    SELECT {_ends(edge, 'x')} AS k FROM diff x, pg_catalog.generate_series(1, x.d) s\n"
        "    WHERE x.d > 0\n"
        "    UNION ALL SELECT '(an end with no id)' FROM want_all w\n"
        "    WHERE w.start_id IS NULL OR w.end_id IS NULL\n"
        "), extra AS MATERIALIZED (\n"
        f"    SELECT {_ends(edge, 'x')} AS k FROM diff x, pg_catalog.generate_series(1, -x.d) s\n"
        "    WHERE x.d < 0\n"
        f"    UNION ALL SELECT {_ends(edge, 'h')} FROM have_all h\n"
        f"    WHERE NOT (h.properties = {empty})\n"
        "), differing AS MATERIALIZED (SELECT NULL::text AS k WHERE false\n"
        f"{dangling}{tail}"
    )


def _exists(conn: Connection, graph: str, label: str | None = None) -> bool:
    if label is None:
        sql = f"SELECT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = {sql_literal(graph)})"
    else:
        sql = (
            "SELECT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g\n"
            f"    ON g.graphid = l.graph WHERE g.name = {sql_literal(graph)}"
            f" AND l.name = {sql_literal(label)})"
        )
    return bool(conn.execute(text(sql)).scalar_one())


def _age_installed(conn: Connection) -> bool:
    sql = "SELECT pg_catalog.to_regclass('ag_catalog.ag_graph') IS NOT NULL"
    return bool(conn.execute(text(sql)).scalar_one())


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _empty_key_map(sql: str, graph: str) -> str:
    """*sql* reading an empty relation in place of *graph*'s key map (whose table is gone)."""
    empty = (
        "(SELECT NULL::pg_catalog.int4 AS label, NULL::pg_catalog.text AS key,"
        " NULL::ag_catalog.graphid AS id WHERE false)"
    )
    return sql.replace(key_table_sql(graph), empty)


def _key_map_exists(conn: Connection, graph: str) -> bool:
    sql = f"SELECT pg_catalog.to_regclass({sql_literal(key_table_sql(graph))})"
    return conn.execute(text(sql)).scalar() is not None


def _check_label(
    conn: Connection, plan: LabelPlan, graph_ok: bool, keys_ok: bool = True
) -> LabelCheck:
    out = LabelCheck(plan.graph, plan.label, plan.kind)
    spec = plan.spec
    if not graph_ok or not _exists(conn, plan.graph, plan.label):
        out.exists = False
        out.rows = out.missing = _count(conn, plan.table)
        return out
    if not _ends_exist(conn, spec):  # an end's label is gone: every edge dangles
        out.rows = _count(conn, plan.table)
        out.present = out.dangling = _count(conn, plan.label_table)
        return out
    ids = label_ids(conn, spec)
    sql = vertex_check_sql(plan, ids) if plan.kind == "vertex" else edge_check_sql(plan, ids)
    if not keys_ok:
        sql = _empty_key_map(sql, plan.graph)
    row = conn.execute(statement(sql)).one()
    out.rows, out.present, out.missing, out.extra, out.differing, out.dangling = (
        int(v) for v in row[:6]
    )
    for name, keys in zip(("missing", "extra", "differing", "dangling"), row[6:], strict=True):
        if keys:
            out.samples[name] = list(keys)
    return out


def _ends_exist(conn: Connection, spec: NodeSpec | EdgeSpec) -> bool:
    if isinstance(spec, NodeSpec):
        return True
    return all(_exists(conn, spec.graph, n) for n in (spec.source.label, spec.target.label))


def _check_keys(conn: Connection, graph: str) -> KeyMapCheck:
    out = KeyMapCheck(graph)
    keys = key_table_sql(graph)
    if not _key_map_exists(conn, graph):
        out.exists = False
        return out
    out.unheld = int(conn.execute(statement(st.unheld_keys_sql(graph))).scalar_one())
    lost = st.release_lost_labels(graph).replace(
        f"DELETE FROM {keys} m", f"SELECT count(*) FROM {keys} m", 1
    )
    out.lost_labels = int(conn.execute(statement(lost)).scalar_one())
    return out


def check_graph(
    bind: Engine | Connection, *models: object, labels: Iterable[str] | None = None
) -> CheckReport:
    """Compare the graph with the rows; write nothing.

    :param bind: an engine or a connection (a connection already in a
        transaction is read in that transaction).
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    :returns: per label the counts of missing, extra, differing and dangling
        vertices or edges, with a few keys of each; ``report.drift`` is 0 when
        the graph equals the rows.
    """
    nodes, edges, _metas = resolve_targets(models, labels)
    report = CheckReport()
    own = isinstance(bind, Engine) or not bind.in_transaction()
    conn = bind.connect() if isinstance(bind, Engine) else bind
    try:
        trans = conn.begin() if own else None
        if own:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        specs: list[NodeSpec | EdgeSpec] = [*nodes, *edges]
        plans = [LabelPlan(s, resolve_table(conn, s.table)) for s in specs]
        settings, values = settings_statement()
        conn.execute(settings, values)
        age = _age_installed(conn)
        graphs = {g: age and _exists(conn, g) for g in dict.fromkeys(p.graph for p in plans)}
        report.missing_graphs = [g for g, ok in graphs.items() if not ok]
        keys = {g: ok and _key_map_exists(conn, g) for g, ok in graphs.items()}
        for plan in plans:
            report.labels.append(_check_label(conn, plan, graphs[plan.graph], keys[plan.graph]))
        for graph, ok in graphs.items():
            if ok:
                report.key_maps.append(_check_keys(conn, graph))
        if trans is not None:
            trans.rollback()
    finally:
        if isinstance(bind, Engine):
            conn.close()
    return report
