"""Graph algorithms over the mirror: typed walks, connection suggestions, centrality.

Everything here is set-based: a walk along typed steps is one chain of indexed
joins; PageRank fetches the edges of a label in one query and iterates in
process with numpy (sparse, power iteration).

::

    # products bought by people alice follows, with how many of them bought each
    bought = Product.walk(alice, "FOLLOWS", "BOUGHT")
    select(Product, bought.c.paths).join(bought, bought.c.id == Product.id)

    # people alice may know: followed by people she follows, not followed yet
    select(User, pymk.c.mutual).join(pymk := suggest_connections(User, alice, "FOLLOWS"),
                                     pymk.c.id == User.id)

    scores = pagerank(session, User, "FOLLOWS")      # {primary key: score}
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Subquery, Text, and_, cast, exists, func, select
from sqlalchemy.orm import Session

from ..exc import TraversalError
from .traverse import (
    Direction,
    _check_direction,
    _edge_labels,
    _int_key,
    _label_id,
    _label_once,
    _spec_of_class,
    _walk,
    edge_steps,
)
from .types import entry_of, label_id_of

Step = str | tuple[str, Direction]


def walk(target: type, start: Any, *steps: Step) -> Subquery:
    """Vertices of *target* at the end of the typed *steps* from *start*.

    Each step is an edge label (followed outwards) or ``(label, direction)``.
    The subquery has ``vid``, ``paths`` (how many walks end there: a graph
    signal such as "bought by N people you follow") and ``id`` for integer keys.
    """
    if not steps:
        raise TraversalError("give at least one step")
    tspec = _spec_of_class(target)
    parsed: list[tuple[str, Direction]] = []
    for step in steps:
        if isinstance(step, str):
            parsed.append((step, "out"))
        elif isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str):
            parsed.append((step[0], step[1]))
        else:
            raise TraversalError(f"a step is an edge label or (label, direction), not {step!r}")
    first = _walk(start, [parsed[0][0]], parsed[0][1])
    if tspec.graph != first.start.graph:
        raise TraversalError(f"{target.__name__} is in another graph than the start")
    hops = []
    for i, (label, direction) in enumerate(parsed):
        _check_direction(direction)
        hops.append(edge_steps(_edge_labels(first.start, [label]), direction).alias(f"s{i}"))
    query = select(hops[-1].c.dst.label("vid"), func.count().label("paths")).select_from(hops[0])
    for prev, nxt in pairwise(hops):
        query = query.join(nxt, nxt.c.src == prev.c.dst)
    query = query.where(hops[0].c.src == first.start_vid).group_by(hops[-1].c.dst)
    reach = query.subquery("walked")
    cols: list[Any] = [reach.c.vid, reach.c.paths]
    if _int_key(tspec):
        cols.append(entry_of(reach.c.vid).label("id"))
    return select(*cols).where(label_id_of(reach.c.vid) == _label_once(tspec)).subquery("walk")


def suggest_connections(
    target: type, person: Any, label: str, *, direction: Direction = "out"
) -> Subquery:
    """People two *label* steps from *person*, not yet connected, with a ``mutual`` count.

    "People you may know": followed by people *person* follows, excluding
    *person* and whoever *person* already follows.  Columns ``vid``, ``mutual``
    and ``id`` (integer keys).
    """
    w = _walk(person, [label], direction)
    tspec = _spec_of_class(target)
    s1 = edge_steps(w.edges, direction).alias("s1")
    s2 = edge_steps(w.edges, direction).alias("s2")
    s3 = edge_steps(w.edges, direction).alias("s3")
    already = exists().where(and_(s3.c.src == w.start_vid, s3.c.dst == s2.c.dst))
    q = (
        select(s2.c.dst.label("vid"), func.count(func.distinct(s1.c.dst)).label("mutual"))
        .select_from(s1)
        .join(s2, s2.c.src == s1.c.dst)
        .where(s1.c.src == w.start_vid, s2.c.dst != w.start_vid, ~already)
        .group_by(s2.c.dst)
        .subquery("fof")
    )
    cols: list[Any] = [q.c.vid, q.c.mutual]
    if _int_key(tspec):
        cols.append(entry_of(q.c.vid).label("id"))
    return select(*cols).where(label_id_of(q.c.vid) == _label_once(tspec)).subquery("suggested")


def _edges_of(
    session: Session, target: type, labels: str | Sequence[str]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[int]]:
    spec = _spec_of_class(target)
    if not _int_key(spec):
        raise TraversalError("pagerank needs a class with a single integer primary key")
    edges = _edge_labels(spec, labels)
    steps = edge_steps(edges, "out")
    mine = _label_id(spec.graph, spec.label)
    rows = session.execute(
        select(
            cast(cast(steps.c.src, Text), BigInteger), cast(cast(steps.c.dst, Text), BigInteger)
        ).where(label_id_of(steps.c.src) == mine, label_id_of(steps.c.dst) == mine)
    ).all()
    pk = getattr(target, spec.pk[0].key)
    ids = [int(i) for i in session.scalars(select(pk).order_by(pk))]
    mask = (1 << 48) - 1
    src = np.fromiter((r[0] & mask for r in rows), dtype=np.int64, count=len(rows))
    dst = np.fromiter((r[1] & mask for r in rows), dtype=np.int64, count=len(rows))
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
    """Degree centrality (degree / (n - 1)) of every row, as ``networkx.degree_centrality``."""
    spec = _spec_of_class(target)
    if not _int_key(spec):
        raise TraversalError("degree_centrality needs a class with a single integer primary key")
    pk = getattr(target, spec.pk[0].key)
    rows = session.execute(select(pk, target.degree(labels, direction=direction))).all()  # type: ignore[attr-defined]
    if len(rows) <= 1:
        return {int(k): 1.0 for k, _d in rows}
    scale = 1.0 / (len(rows) - 1)
    return {int(k): float(d) * scale for k, d in rows}
