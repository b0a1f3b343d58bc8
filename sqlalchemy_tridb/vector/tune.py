"""Recall-targeted tuning: the lowest ``ef_search`` (HNSW) or ``probes`` (IVFFlat) for a recall.

    report = tune_search(Product.embedding, engine, recall=0.99)
    print(report)                      # recall and p50 per setting, the choice, advice

`tune_search()` samples stored vectors as queries, takes exact search (index
scans off) as the ground truth, then runs the same queries through the index
at rising settings and keeps the first whose mean recall@k meets the target.
The choice is stored on the index, as a line ``tridb.tune: ef_search=80 ...``
of its ``COMMENT`` (other lines of a comment are kept), which every
`nearest()` of the column reads in the statement that sets its settings: every
process uses it, an explicit setting still wins, and the tuning goes away with
the index (a rebuilt index is tuned again).  Storing it needs the right to
comment on the index (its owner), as a migration role has; searching needs none.

It also gives advice from the catalog and ``EXPLAIN``: an index larger than
``shared_buffers``, IVFFlat ``lists`` far from pgvector's rule for the row
count, a plain ``nearest()`` whose plan does not use the index, a target that
no setting meets.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from ..exc import ConfigurationError
from .comparator import embedding_comparator
from .search import nearest
from .settings import (
    DEFAULT_SETTINGS,
    TUNE_MARK,
    apply_search_settings,
    search_index_name,
)

__all__ = ["Advice", "Trial", "TuneReport", "tune_search"]

#: ``ef_search`` values tried, lowest first (pgvector allows 1 to 1,000).
HNSW_CANDIDATES: tuple[int, ...] = (10, 16, 20, 24, 32, 40, 48, 64, 80, 100, 128, 160, 200)
HNSW_CANDIDATES += (256, 320, 400, 512, 640, 800, 1000)
#: ``probes`` values tried (IVFFlat), up to the index's lists.
IVFFLAT_CANDIDATES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)


@dataclass(frozen=True)
class Trial:
    """One setting measured: mean recall@k over the sampled queries, median latency.

    :param value: the ``ef_search`` or ``probes`` value.
    :param recall: mean recall@k against exact search.
    :param p50_ms: median query time in milliseconds (execute and fetch, client side).
    """

    value: int
    recall: float
    p50_ms: float


@dataclass(frozen=True)
class Advice:
    """Something about the index worth changing, and what to do.

    :param problem: what was found.
    :param action: what to do about it.
    """

    problem: str
    action: str


@dataclass(frozen=True)
class TuneReport:
    """What `tune_search()` measured and chose.

    :param index: the index (quoted, qualified when the table has a schema).
    :param method: ``"hnsw"`` or ``"ivfflat"``.
    :param setting: ``"ef_search"`` or ``"probes"``.
    :param target: the recall asked for.
    :param k: the number of neighbours per query.
    :param queries: how many stored vectors were sampled as queries.
    :param rows: rows with a vector.
    :param exact_p50_ms: median time of the exact search (no index).
    :param trials: the settings measured, lowest first.
    :param chosen: the lowest value meeting the target (``None``: none did).
    :param stored: whether the choice was stored on the index.
    :param advice: what to change about the index or the queries.
    """

    index: str
    method: str
    setting: str
    target: float
    k: int
    queries: int
    rows: int
    exact_p50_ms: float
    trials: tuple[Trial, ...]
    chosen: int | None
    stored: bool
    advice: tuple[Advice, ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for ``--json``)."""
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        out["trials"] = [vars(t) for t in self.trials]
        out["advice"] = [vars(a) for a in self.advice]
        return out

    def __str__(self) -> str:
        lines = [
            f"{self.index} ({self.method}): {self.queries} sampled queries over "
            f"{self.rows:,} rows, recall@{self.k} target {self.target}",
            f"  exact search p50 {self.exact_p50_ms:.2f} ms",
            f"  {self.setting:>10} {'recall':>8} {'p50 ms':>8}",
        ]
        lines += [f"  {t.value:>10} {t.recall:>8.3f} {t.p50_ms:>8.2f}" for t in self.trials]
        if self.chosen is None:
            lines.append("  no setting met the target; nothing stored")
        else:
            where = "stored on the index" if self.stored else "not stored"
            lines.append(f"  chosen: {self.setting}={self.chosen} ({where})")
        lines += [f"  advice: {a.problem}; {a.action}" for a in self.advice]
        return "\n".join(lines)


@contextmanager
def _connection(bind: Engine | Connection | Session) -> Iterator[tuple[Connection, bool]]:
    """A connection, and whether it is ours (then the comment is committed here)."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn, True
    elif isinstance(bind, Session):
        yield bind.connection(), False
    elif isinstance(bind, Connection):
        yield bind, False
    else:
        raise ConfigurationError(f"bind must be an Engine, Connection or Session, got {bind!r}")


def tune_search(
    attribute: Any,
    bind: Engine | Connection | Session,
    *,
    recall: float = 0.99,
    k: int = 10,
    queries: int = 100,
    candidates: Sequence[int] | None = None,
    seed: float = 0.5,
    store: bool = True,
) -> TuneReport:
    """Find and store the lowest ``ef_search`` / ``probes`` whose recall@k meets *recall*.

    Recall counts a row found as a true neighbour when its distance is within
    the k-th exact distance (ties and duplicate vectors do not count as misses);
    each query asks for k + 1 rows and leaves out the first, its own row, so a
    sampled vector is as hard a query as a new one.
    The measuring runs in a savepoint (or a transaction) that is rolled back;
    only the ``COMMENT`` on the index stays, committed when *bind* is an
    engine, else part of the caller's transaction.

    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    :param bind: an engine, a connection or a session on the database.
    :param recall: the mean recall@k to reach, between 0 and 1.
    :param k: neighbours per query, as ``nearest(k=...)`` will ask.
    :param queries: how many stored vectors to sample as queries.
    :param candidates: the values to try, lowest first (default: HNSW
        10 to 1,000; IVFFlat 1 up to its lists).
    :param seed: the sampling seed (``setseed()``, between -1 and 1).
    :param store: store the choice on the index (``False``: only report).
    :raises ConfigurationError: no vector index on the column, or bad arguments.
    """
    if not 0 < recall <= 1:
        raise ConfigurationError(f"recall must be in (0, 1], got {recall!r}")
    if k < 1 or queries < 1:
        raise ConfigurationError(f"k and queries must be positive, got k={k}, queries={queries}")
    comparator = embedding_comparator(attribute)
    column = comparator.prop.columns[0]
    index = search_index_name(column)
    if index is None:
        raise ConfigurationError(
            f"{attribute} has no HNSW or IVFFlat index to tune: declare one "
            "(Embedding(..., index=HNSW()))"
        )
    with _connection(bind) as (conn, ours):
        method, size, buffers, reloptions = conn.execute(_INDEX_FACTS, {"i": index}).one()
        setting = "ef_search" if method == "hnsw" else "probes"
        lists = int(dict(o.split("=", 1) for o in reloptions or ()).get("lists", 100))
        tried = list(candidates or (HNSW_CANDIDATES if method == "hnsw" else _probes(lists)))
        if not tried or any(not isinstance(v, int) or v < 1 for v in tried):
            raise ConfigurationError(f"candidates must be positive integers, got {tried!r}")
        measuring = conn.begin_nested()  # the facts query began the transaction
        try:
            rows = conn.scalar(select(func.count()).where(column.is_not(None)))
            conn.execute(text("SELECT pg_catalog.setseed(:s)"), {"s": seed})
            sample = conn.execute(
                select(column).where(column.is_not(None)).order_by(func.random()).limit(queries)
            ).scalars()
            vectors = list(sample)
            if not vectors:
                raise ConfigurationError(f"{attribute}: no stored vectors to sample")

            def knn(vector: Any) -> tuple[list[float], float]:
                """The k distances found past the query's own row, and the milliseconds."""
                stmt = select(comparator.distance(vector)).order_by(comparator.distance(vector))
                start = time.perf_counter()
                found = [float(d) for d in conn.scalars(stmt.limit(k + 1))]
                return found[1:], (time.perf_counter() - start) * 1000

            conn.execute(text(_EXACT))
            exact = [knn(v) for v in vectors]
            conn.execute(text(_INDEXED))
            trials: list[Trial] = []
            chosen = None
            for value in tried:
                settings = (
                    replace(DEFAULT_SETTINGS, ef_search=value)
                    if method == "hnsw"
                    else replace(DEFAULT_SETTINGS, probes=value)
                )
                apply_search_settings(conn, settings)
                got = [knn(v) for v in vectors]
                hits = [_recall(a, e) for (a, _), (e, _) in zip(got, exact, strict=True)]
                trials.append(Trial(value, statistics.fmean(hits), _p50(got)))
                if trials[-1].recall >= recall:
                    chosen = value
                    break
        finally:
            measuring.rollback()  # with the SET LOCALs
        advice = _advice(index, method, int(rows or 0), size, buffers, lists, trials, chosen)
        advice += _plan_advice(conn, attribute, vectors[0], k, index, int(rows or 0))
        stored = False
        if chosen is not None and store:
            _store(conn, index, setting, chosen, trials[-1], k)
            stored = True
        if ours:
            conn.commit()
    return TuneReport(
        index=index,
        method=method,
        setting=setting,
        target=recall,
        k=k,
        queries=len(vectors),
        rows=int(rows or 0),
        exact_p50_ms=_p50(exact),
        trials=tuple(trials),
        chosen=chosen,
        stored=stored,
        advice=tuple(advice),
    )


_INDEX_FACTS = text("""\
SELECT a.amname, pg_catalog.pg_relation_size(c.oid),
       pg_catalog.pg_size_bytes(pg_catalog.current_setting('shared_buffers')), c.reloptions
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am a ON a.oid = c.relam
 WHERE c.oid = pg_catalog.to_regclass(CAST(:i AS text))""")
# exact: no index; the same settings otherwise (LOCAL: they end with the savepoint)
_EXACT = (
    "SELECT pg_catalog.set_config('enable_indexscan', 'off', true), "
    "pg_catalog.set_config('enable_bitmapscan', 'off', true)"
)
# the index, even where the planner would scan a small table instead
_INDEXED = (
    "SELECT pg_catalog.set_config('enable_indexscan', 'on', true), "
    "pg_catalog.set_config('enable_seqscan', 'off', true)"
)


def _recall(found: list[float], exact: list[float]) -> float:
    """The share of the true k nearest found; rows tied with the k-th count as true.

    Every row found is a real row, so a found distance within the k-th exact
    one is a true neighbour (duplicates and ties make key sets disagree
    even between two exact searches).
    """
    if not exact:
        return 1.0
    bound = exact[-1] + 1e-6 * max(1.0, abs(exact[-1]))
    return min(len(exact), sum(d <= bound for d in found)) / len(exact)


def _p50(runs: list[tuple[Any, float]]) -> float:
    return statistics.median(ms for _, ms in runs)


def _probes(lists: int) -> list[int]:
    return [v for v in IVFFLAT_CANDIDATES if v < lists] + [lists]


def _ivfflat_lists(rows: int) -> int:
    """The lists pgvector advises: rows / 1000 up to a million rows, sqrt(rows) above."""
    return max(1, rows // 1000 if rows <= 1_000_000 else int(math.sqrt(rows)))


def _advice(
    index: str,
    method: str,
    rows: int,
    size: int,
    buffers: int,
    lists: int,
    trials: list[Trial],
    chosen: int | None,
) -> list[Advice]:
    out = []
    if size > buffers:
        out.append(
            Advice(
                f"{index} is {size / 2**20:.0f} MB, larger than shared_buffers "
                f"({buffers / 2**20:.0f} MB): searches read pages from the OS cache or disk",
                "raise shared_buffers above the index size, or store HALFVEC (half the size)",
            )
        )
    want = _ivfflat_lists(rows)
    if method == "ivfflat" and rows >= 1000 and not want / 2 <= lists <= want * 2:
        out.append(
            Advice(
                f"{index} has lists={lists} for {rows:,} rows (pgvector's rule gives {want})",
                f"rebuild it with IVFFlat(lists={want}) once the rows are loaded, then tune again",
            )
        )
    if chosen is None and trials:
        best = max(trials, key=lambda t: t.recall)
        out.append(
            Advice(
                f"no setting reached the target (best recall {best.recall:.3f} at {best.value})",
                "rebuild with a larger m / ef_construction (HNSW) or more lists (IVFFlat), "
                "or lower the target",
            )
        )
    return out


def _plan_advice(
    conn: Connection, attribute: Any, vector: Any, k: int, index: str, rows: int
) -> list[Advice]:
    sql = nearest(attribute, vector, k=k).compile(conn, compile_kwargs={"literal_binds": True})
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    if index.rsplit(".", 1)[-1].strip('"') in _index_names(plan):
        return []
    return [
        Advice(
            f"a plain nearest() over {rows:,} rows did not use {index} (the planner chose "
            "another scan)",
            "fine for a small table (exact results); on a large one, ANALYZE it and check that "
            "queries order by the distance the index was built for, with a LIMIT",
        )
    ]


def _index_names(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_index_names(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["Index Name"]} if "Index Name" in node else set()
    return found.union(*(_index_names(v) for v in node.values() if isinstance(v, list | dict)))


def _store(conn: Connection, index: str, setting: str, value: int, trial: Trial, k: int) -> None:
    """Put the tuning line on the index's comment, keeping its other lines."""
    old = conn.scalar(
        text(
            "SELECT pg_catalog.obj_description(pg_catalog.to_regclass(CAST(:i AS text)), "
            "'pg_class')"
        ),
        {"i": index},
    )
    kept = [line for line in (old or "").splitlines() if not line.startswith(TUNE_MARK)]
    line = (
        f"{TUNE_MARK} {setting}={value} (recall@{k} {trial.recall:.3f}, p50 {trial.p50_ms:.2f} "
        f"ms, tune_search {date.today().isoformat()})"
    )
    # COMMENT takes no parameters: the server quotes the name and the text (format %s, %L)
    statement = conn.scalar(
        text(
            "SELECT pg_catalog.format('COMMENT ON INDEX %s IS %L', "
            "pg_catalog.to_regclass(CAST(:i AS text)), CAST(:c AS text))"
        ),
        {"i": index, "c": "\n".join([*kept, line])},
    )
    conn.exec_driver_sql(statement)
