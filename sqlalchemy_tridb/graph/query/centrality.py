"""Centrality over the mirror: PageRank and degree centrality, as ``networkx`` defines them.

PageRank fetches the edges of a label in one query and iterates in process
with numpy (sparse power iteration):

    scores = pagerank(session, User, "FOLLOWS")      # {primary key: score}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...exc import TraversalError
from ...sql.age import label_id, label_id_of
from ..identity import is_integer_key, key_of_entry
from ..spec import Direction, NodeSpec
from .common import edge_labels, edge_steps, spec_of_class
from .reach import degree


def _integer_keyed(target: type, what: str) -> NodeSpec:
    spec = spec_of_class(target)
    if not is_integer_key(spec.pk):
        raise TraversalError(f"{what} needs a class with a single integer primary key")
    return spec


def _edges_of(
    session: Session, target: type, labels: str | Sequence[str]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[int]]:
    spec = _integer_keyed(target, "pagerank")
    steps = edge_steps(edge_labels(spec, labels), "out")
    mine = label_id(spec.graph, spec.label)
    rows = session.execute(
        select(key_of_entry(spec.graph, steps.c.src), key_of_entry(spec.graph, steps.c.dst)).where(
            label_id_of(steps.c.src) == mine, label_id_of(steps.c.dst) == mine
        )
    ).all()
    pk = getattr(target, spec.pk[0].key)
    ids = [int(i) for i in session.scalars(select(pk).order_by(pk))]
    src = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    dst = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    return src, dst, ids


def pagerank(
    session: Session,
    target: type,
    labels: str | Sequence[str],
    *,
    damping: float = 0.85,
    tol: float = 1.0e-10,
    max_iter: int = 200,
) -> dict[int, float]:
    """PageRank of every row of *target* over its *labels* edges: ``{primary key: score}``.

    Edges are fetched in one query; parallel edges weigh more, dangling nodes
    spread their rank evenly (the same definition as ``networkx.pagerank``).

    :param session: the session to query with.
    :param target: a mapped ``GraphNode`` class with a single integer key.
    :param labels: the edge label(s) between rows of *target*.
    :param damping: the damping factor, between 0 and 1.
    :param tol: convergence tolerance (per node, in the L1 norm).
    :param max_iter: the most power iterations.
    """
    if not 0 < damping < 1:
        raise TraversalError(f"damping must be between 0 and 1, not {damping!r}")
    src, dst, ids = _edges_of(session, target, labels)
    n = len(ids)
    if n == 0:
        return {}
    index = {pk: i for i, pk in enumerate(ids)}
    keep = np.array([s in index and d in index for s, d in zip(src, dst, strict=True)], dtype=bool)
    si = np.array([index[s] for s in src[keep]], dtype=np.int64)
    di = np.array([index[d] for d in dst[keep]], dtype=np.int64)
    out_weight = np.bincount(si, minlength=n).astype(np.float64)
    dangling = out_weight == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        share = np.where(dangling, 0.0, rank / np.where(dangling, 1.0, out_weight))
        nxt = np.bincount(di, weights=share[si], minlength=n)
        nxt = damping * (nxt + rank[dangling].sum() / n) + (1.0 - damping) / n
        if np.abs(nxt - rank).sum() < n * tol:
            rank = nxt
            break
        rank = nxt
    return {pk: float(rank[i]) for pk, i in index.items()}


def degree_centrality(
    session: Session, target: type, labels: str | Sequence[str], *, direction: Direction = "both"
) -> dict[int, float]:
    """Degree centrality (degree / (n - 1)) of every row, as ``networkx.degree_centrality``.

    :param session: the session to query with.
    :param target: a mapped ``GraphNode`` class with a single integer key.
    :param labels: the edge label(s) counted.
    :param direction: ``"both"`` (the default, as networkx on an undirected view),
        ``"out"`` or ``"in"``.
    """
    spec = _integer_keyed(target, "degree_centrality")
    pk = getattr(target, spec.pk[0].key)
    rows = session.execute(select(pk, degree(target, labels, direction=direction))).all()
    if len(rows) <= 1:
        return {int(k): 1.0 for k, _d in rows}
    scale = 1.0 / (len(rows) - 1)
    return {int(k): float(d) * scale for k, d in rows}
