"""``sync_graph()``: the vertices and edges of rows that exist, in batches, resumable.

For each label, two walks, each a series of short transactions:

1. the rows, in key order, ``batch_size`` at a time: allocate the batch's
   ids, add its missing vertices (or edges), fix the properties that differ;
2. the label's table, in id order: remove what no row declares.

Then the key map's ids that nothing holds are released.  Each batch runs in a
transaction of its own that first takes ``SHARE`` on the one table whose rows
it reads (writers to that table wait for the batch, about a batch's time;
readers never do), so no row of the batch changes under it and the triggers,
which write the same label tables from the same table's writes, cannot
interleave.  The position after each batch is kept in the graph's
``"tridb$sync"`` table in the same transaction: a sync that stops (an error,
a killed process) starts again after its last committed batch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, TextClause, text
from sqlalchemy.exc import DBAPIError

from ...exc import ConfigurationError
from ...sql import qualified_table, quote_ident, sql_literal
from ...sql.age import label_id_sql
from ..fill import statements as st
from ..fill.keys import param, statement
from ..registry import registry_for
from ..schema import create_graph_objects
from ..spec import EdgeSpec, NodeSpec
from ..triggers import function_settings
from .plan import LabelPlan, resolve_targets, table_name_sql

#: The graph's table of unfinished syncs: ``(label, step, position)``.
PROGRESS_TABLE = "tridb$sync"
_RETRY = ("40P01", "40001")  # deadlock, serialization failure: the batch runs again


class Progress(Protocol):
    """Told after each batch: ``(label, step, rows or ids done, total)``."""

    def __call__(self, label: str, step: str, done: int, total: int) -> None:
        """*done* of *total* rows (``step="rows"``) or ids (``"ids"``) of *label* walked."""


@dataclass
class LabelSync:
    """What the sync did to one label.

    :param graph: the graph's name.
    :param label: the label's name.
    :param kind: ``"vertex"`` or ``"edge"``.
    :param added: vertices or edges added for rows that had none.
    :param updated: vertices or edges whose properties (or, for association
        edges, ends) were set to what the rows give.
    :param removed: vertices or edges removed because no row declares them.
    :param batches: the transactions the two walks took (the rows, then the
        label's table); with ``dry_run``, 0.
    """

    graph: str
    label: str
    kind: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    batches: int = 0

    @property
    def changed(self) -> int:
        """Vertices or edges added, updated or removed."""
        return self.added + self.updated + self.removed


@dataclass
class SyncReport:
    """What `sync_graph()` did (or, with ``dry_run``, would do).

    :param labels: one `LabelSync` per label synced, vertex labels first.
    :param keys_released: key-map ids released because nothing held them
        (or their label is gone).
    :param dry_run: whether this is a dry run's report: nothing was written.
    """

    labels: list[LabelSync] = field(default_factory=list)
    keys_released: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> int:
        """Everything added, updated, removed or released."""
        return sum(s.changed for s in self.labels) + self.keys_released


def settings_statement() -> tuple[TextClause, dict[str, str]]:
    """``set_config(..., true)`` of every setting the triggers' functions run with (and ``jit``)."""
    items = list(function_settings().items())
    calls = ", ".join(
        f"pg_catalog.set_config({sql_literal(name)}, {param(f's{i}')}, true)"
        for i, (name, _value) in enumerate(items)
    )
    # and no JIT: the statements are large (many subplans) and each is short
    calls += ", pg_catalog.set_config('jit', 'off', true)"
    return statement(f"SELECT {calls}"), {f"s{i}": v for i, (_n, v) in enumerate(items)}


@contextlib.contextmanager
def transaction(bind: Engine | Connection) -> Iterator[Connection]:
    """A transaction of its own (an engine, or a connection outside a transaction).

    A connection already in a transaction is used as it is: the caller commits.
    """
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    elif bind.in_transaction():
        yield bind
    else:
        with bind.begin():
            yield bind


def resolve_table(conn: Connection, table: Any) -> str:
    """The table's name, schema-qualified as the connection's search path finds it."""
    row = conn.execute(
        text(
            "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c\n"
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
            "WHERE c.oid = pg_catalog.to_regclass(:name)"
        ),
        {"name": qualified_table(table)},
    ).first()
    if row is None:
        raise ConfigurationError(
            f"table {qualified_table(table)} does not exist: create the tables first "
            "(metadata.create_all or alembic upgrade)"
        )
    return table_name_sql(row[0], row[1])


def label_ids(conn: Connection, spec: NodeSpec | EdgeSpec) -> st.LabelIds:
    """The label ids of *spec* as integer literals (the labels must exist)."""
    names = [spec.label]
    if isinstance(spec, EdgeSpec):
        names += [spec.source.label, spec.target.label]
    exprs = ", ".join(f"{label_id_sql(spec.graph, n)}::pg_catalog.int4" for n in names)
    row = conn.execute(text(f"SELECT {exprs}")).one()
    if any(v is None for v in row):
        raise ConfigurationError(f"graph {spec.graph!r}: a label of {spec.label!r} is missing")
    return st.LabelIds(*(str(v) for v in row))


def _progress_table(graph: str) -> str:
    return f"{quote_ident(graph)}.{quote_ident(PROGRESS_TABLE)}"


def _progress_ddl(graph: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {_progress_table(graph)} (\n"
        "    label text NOT NULL,\n    step text NOT NULL,\n    position text[] NOT NULL,\n"
        "    PRIMARY KEY (label, step)\n)"
    )


@dataclass
class _Walk:
    """One walk over a table (in key order) or a label table (in id order)."""

    plan: LabelPlan
    step: str  #: "rows" or "ids"
    ids: st.LabelIds
    #: the label was empty when the walk began: no updates, no ids walk
    fresh: bool = False

    def bound(self, conn: Connection, lo: list[str] | None, size: int) -> list[str] | None:
        if self.step == "rows":
            sql = st.next_key_sql(self.plan.table, self.plan.key, lo=lo is not None)
        else:
            sql = st.next_id_sql(self.plan.label_table, lo=lo is not None)
        row = conn.execute(statement(sql), {**self.params(lo, None), "offset": size - 1}).first()
        return None if row is None else [str(v) for v in row]

    def params(self, lo: list[str] | None, hi: list[str] | None) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, values in (("lo", lo), ("hi", hi)):
            if values is None:
                continue
            if self.step == "ids":
                out[name] = values[0]
            else:
                out.update({f"{name}_{i}": v for i, v in enumerate(values)})
        return out

    def statements(self, lo: bool, hi: bool) -> list[str]:
        plan, spec, ids = self.plan, self.plan.spec, self.ids
        lt = plan.label_table
        if self.step == "rows":
            rows = st.rows_sql(plan.table, plan.key, lo=lo, hi=hi)
            if isinstance(spec, NodeSpec):
                return st.write_vertices(spec, lt, rows, ids, fresh=self.fresh, part=lo or hi)
            if spec.kind == "association":
                return st.write_association_edges(
                    spec, lt, rows, ids, fresh=self.fresh, part=lo or hi
                )
            return st.write_plain_edges(spec, lt, rows, ids, plan.anchor)
        where = st.id_range_sql(lo=lo, hi=hi)
        if isinstance(spec, NodeSpec):
            return [st.remove_vertices(spec, lt, plan.table, ids, where)]
        anchor = "start" if plan.has_ids else plan.anchor
        return [st.remove_edges(spec, lt, plan.table, ids, where, anchor)]


def _retrying(fn: Callable[[], Any], attempts: int = 5) -> Any:
    for attempt in range(attempts):
        try:
            return fn()
        except DBAPIError as err:
            code = getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None)
            if code not in _RETRY or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _run_walk(
    bind: Engine | Connection,
    walk: _Walk,
    result: LabelSync,
    *,
    batch_size: int,
    resume: bool,
    progress: Progress | None,
    total: int,
) -> None:
    plan = walk.plan
    table = _progress_table(plan.graph)
    where = {"label": plan.label, "step": walk.step}
    sel = statement(
        f"SELECT position FROM {table} WHERE label = {param('label')} AND step = {param('step')}"
    )
    save = statement(
        f"INSERT INTO {table} (label, step, position)\n"
        f"VALUES ({param('label')}, {param('step')}, CAST({param('pos')} AS text[]))\n"
        "ON CONFLICT (label, step) DO UPDATE SET position = EXCLUDED.position"
    )
    done_sql = statement(
        f"DELETE FROM {table} WHERE label = {param('label')} AND step = {param('step')}"
    )
    settings, values = settings_statement()
    lo: list[str] | None = None
    with transaction(bind) as conn:
        if resume:
            row = conn.execute(sel, where).first()
            lo = None if row is None else list(row[0])
        else:
            conn.execute(done_sql, where)
    done = 0 if lo is None else _done_before(bind, walk, lo)

    def batch() -> tuple[list[str] | None, tuple[int, int, int]]:
        with transaction(bind) as conn:
            conn.execute(settings, values)
            conn.execute(text(f"LOCK TABLE {plan.table} IN SHARE MODE"))
            hi = walk.bound(conn, lo, batch_size)
            params = walk.params(lo, hi)
            stmts = walk.statements(lo is not None, hi is not None)
            for sql in stmts[:-1]:
                conn.execute(statement(sql), params)
            counts = conn.execute(statement(stmts[-1]), params).one()
            if hi is None:
                conn.execute(done_sql, where)
            else:
                conn.execute(save, {**where, "pos": hi})
            return hi, (int(counts[0]), int(counts[1]), int(counts[2]))

    while True:
        hi, (added, updated, removed) = _retrying(batch)
        result.added += added
        result.updated += updated
        result.removed += removed
        result.batches += 1
        done = total if hi is None else min(done + batch_size, total)
        if progress is not None:
            progress(plan.label, walk.step, done, total)
        if hi is None:
            return
        lo = hi


def _done_before(bind: Engine | Connection, walk: _Walk, lo: list[str]) -> int:
    """How many rows (or ids) a resumed walk has behind it."""
    plan = walk.plan
    if walk.step == "rows":
        sql = f"SELECT count(*) FROM {st.rows_sql(plan.table, plan.key, lo=False, hi=True)} x"
    else:
        sql = (
            f"SELECT count(*) FROM {plan.label_table} v WHERE {st.id_range_sql(lo=False, hi=True)}"
        )
    with transaction(bind) as conn:
        return int(conn.execute(statement(sql), walk.params(None, lo)).scalar_one())


def _count(bind: Engine | Connection, sql: str) -> int:
    with transaction(bind) as conn:
        return int(conn.execute(text(sql)).scalar_one())


def sync_graph(
    bind: Engine | Connection,
    *models: object,
    labels: Iterable[str] | None = None,
    batch_size: int = 20_000,
    dry_run: bool = False,
    resume: bool = True,
    install: bool = True,
    walk: bool = True,
    progress: Progress | None = None,
) -> SyncReport:
    """Make the graph equal to the rows: add what is missing, fix what differs, remove the rest.

    Idempotent and set-based; see the module docstring for the batches, what
    they lock, and how an interrupted sync resumes.

    :param bind: an engine (each batch commits on its own) or a connection
        (outside a transaction: the same; inside one: everything runs in it and
        the caller commits).
    :param models: ``MetaData`` objects, declarative bases or mapped classes
        (a class: its own label and the edges it declares).
    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    :param batch_size: rows (or vertices) per batch and transaction.
    :param dry_run: write nothing; report what a sync would change (from
        `check_graph()`).
    :param resume: start after the last committed batch of an interrupted
        sync (``False``: from the start).
    :param install: first create what is missing of the graphs, labels, key
        maps and sync triggers (a dropped graph or label comes back), as
        ``create_all`` does.
    :param walk: walk the rows and labels (``False``: only install and
        release the key map's ids that nothing holds).
    :param progress: called after each batch, e.g. to move a progress bar.
    """
    if batch_size < 1:
        raise ConfigurationError("batch_size must be at least 1")
    nodes, edges, metas = resolve_targets(models, labels)
    if dry_run:
        from .check import check_graph

        return check_graph(bind, *models, labels=labels).as_sync_report()
    specs: list[NodeSpec | EdgeSpec] = [*nodes, *edges]

    def prepare() -> tuple[list[LabelPlan], dict[int, st.LabelIds]]:
        with transaction(bind) as conn:  # a deadlock with writers (CREATE TRIGGER): again
            if install:
                for meta in metas:
                    create_graph_objects(conn, registry_for(meta))
            for graph in dict.fromkeys(s.graph for s in specs):
                exists = f"SELECT pg_catalog.to_regclass({sql_literal(_progress_table(graph))})"
                if conn.execute(text(exists)).scalar() is None:  # no CREATE right needed then
                    conn.execute(text(_progress_ddl(graph)))
            plans = [LabelPlan(s, resolve_table(conn, s.table)) for s in specs]
            return plans, {id(p): label_ids(conn, p.spec) for p in plans}

    plans, ids = _retrying(prepare)
    report = SyncReport()
    for plan in plans if walk else []:
        result = LabelSync(plan.graph, plan.label, plan.kind)
        report.labels.append(result)
        rows = _count(bind, f"SELECT count(*) FROM {plan.table}")
        # an empty label holds only what the triggers write from now on: nothing to
        # update or remove (a resumed walk's label is not empty)
        empty = f"SELECT count(*) FROM (SELECT FROM {plan.label_table} LIMIT 1) x"
        fresh = _count(bind, empty) == 0
        for step in ("rows",) if fresh else ("rows", "ids"):
            walker = _Walk(plan, step, ids[id(plan)], fresh)
            total = (
                rows if step == "rows" else _count(bind, f"SELECT count(*) FROM {plan.label_table}")
            )
            _run_walk(
                bind,
                walker,
                result,
                batch_size=batch_size,
                resume=resume,
                progress=progress,
                total=total,
            )
    report.keys_released = release_keys(bind, plans, ids)
    return report


def release_keys(
    bind: Engine | Connection, plans: Sequence[LabelPlan], ids: dict[int, st.LabelIds]
) -> int:
    """Release the key-map ids of *plans*' labels that nothing holds, and lost labels' ids."""
    released = 0
    settings, values = settings_statement()
    for plan in plans:
        sql = st.release_keys(plan.spec, plan.label_table, ids[id(plan)])
        if sql is None:
            continue

        def release(table: str = plan.table, sql: str = sql) -> int:
            with transaction(bind) as conn:
                conn.execute(settings, values)
                conn.execute(text(f"LOCK TABLE {table} IN SHARE MODE"))
                return int(conn.execute(statement(sql)).rowcount)

        released += _retrying(release)
    for graph in dict.fromkeys(p.graph for p in plans):
        with transaction(bind) as conn:
            released += conn.execute(statement(st.release_lost_labels(graph))).rowcount
    return released


__all__ = ["LabelSync", "Progress", "SyncReport", "sync_graph"]
