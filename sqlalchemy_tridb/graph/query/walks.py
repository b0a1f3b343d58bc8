"""Typed walks and connection suggestions: chains of indexed joins, one statement each.

```
# products bought by people alice follows, with how many of them bought each
bought = Product.walk(alice, "FOLLOWS", "BOUGHT")
select(Product, bought.c.paths).join(bought, bought.c.id == Product.id)

# people alice may know: followed by people she follows, not followed yet
pymk = suggest_connections(User, alice, "FOLLOWS")
select(User, pymk.c.mutual).join(pymk, pymk.c.id == User.id)
```
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from sqlalchemy import Subquery, and_, exists, func, select

from ...exc import TraversalError
from ...sql.age import label_id_of
from ..identity import is_integer_key, key_of_entry
from ..spec import Direction, NodeSpec
from .common import check_direction, edge_labels, edge_steps, label_once, spec_of_class, start_of

#: A step of a walk: an edge label (followed outwards) or ``(label, direction)``.
Step = str | tuple[str, Direction]


def _parse(steps: tuple[Step, ...]) -> list[tuple[str, Direction]]:
    if not steps:
        raise TraversalError("give at least one step")
    parsed: list[tuple[str, Direction]] = []
    for step in steps:
        if isinstance(step, str):
            parsed.append((step, "out"))
        elif isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str):
            check_direction(step[1])
            parsed.append((step[0], step[1]))
        else:
            raise TraversalError(f"a step is an edge label or (label, direction), not {step!r}")
    return parsed


def _of_target(reach: Subquery, extra: str, target: NodeSpec) -> Subquery:
    """*reach*'s rows that are vertices of *target*, with ``id`` for integer keys."""
    cols: list[Any] = [reach.c.vid, reach.c[extra]]
    if is_integer_key(target.pk):
        cols.append(key_of_entry(target.graph, reach.c.vid).label("id"))
    return select(*cols).where(label_id_of(reach.c.vid) == label_once(target)).subquery()


def walk(target: type, start: Any, *steps: Step) -> Subquery:
    """Vertices of *target* at the end of the typed *steps* from *start*.

    :param target: the mapped ``GraphNode`` class of the vertices wanted.
    :param start: a flushed ``GraphNode`` instance.
    :param steps: edge labels (followed outwards) or ``(label, direction)`` pairs.
    :returns: a subquery with ``vid``, ``paths`` (how many walks end there: a
        graph signal such as "bought by N people you follow") and ``id`` for
        integer keys.
    """
    parsed = _parse(steps)
    tspec = spec_of_class(target)
    first = start_of(start, [parsed[0][0]], parsed[0][1])
    if tspec.graph != first.spec.graph:
        raise TraversalError(f"{target.__name__} is in another graph than the start")
    hops = [
        edge_steps(edge_labels(first.spec, [label]), direction).alias(f"s{i}")
        for i, (label, direction) in enumerate(parsed)
    ]
    query = select(hops[-1].c.dst.label("vid"), func.count().label("paths")).select_from(hops[0])
    for prev, nxt in pairwise(hops):
        query = query.join(nxt, nxt.c.src == prev.c.dst)
    query = query.where(hops[0].c.src == first.vid).group_by(hops[-1].c.dst)
    return _of_target(query.subquery(), "paths", tspec)


def suggest_connections(
    target: type, person: Any, label: str, *, direction: Direction = "out"
) -> Subquery:
    """People two *label* steps from *person*, not yet connected, with a ``mutual`` count.

    "People you may know": followed by people *person* follows, excluding
    *person* and whoever *person* already follows.

    :param target: the mapped ``GraphNode`` class of the people suggested.
    :param person: a flushed ``GraphNode`` instance.
    :param label: the edge label (e.g. ``"FOLLOWS"``).
    :param direction: which way *label* edges are followed.
    :returns: a subquery with ``vid``, ``mutual`` and ``id`` (integer keys).
    """
    w = start_of(person, [label], direction)
    tspec = spec_of_class(target)
    s1, s2, s3 = (edge_steps(w.edges, direction).alias(f"s{i}") for i in (1, 2, 3))
    already = exists().where(and_(s3.c.src == w.vid, s3.c.dst == s2.c.dst))
    q = (
        select(s2.c.dst.label("vid"), func.count(func.distinct(s1.c.dst)).label("mutual"))
        .select_from(s1)
        .join(s2, s2.c.src == s1.c.dst)
        .where(s1.c.src == w.vid, s2.c.dst != w.vid, ~already)
        .group_by(s2.c.dst)
        .subquery()
    )
    return _of_target(q, "mutual", tspec)
