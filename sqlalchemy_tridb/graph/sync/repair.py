"""``repair_graph()``: check, then sync only what the check found."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine

from ..spec import EdgeSpec, NodeSpec
from .check import CheckReport, check_graph
from .plan import resolve_targets
from .run import Progress, SyncReport, sync_graph


def _names(
    models: tuple[object, ...], labels: Iterable[str] | None, graphs: list[str]
) -> list[str]:
    nodes, edges, _ = resolve_targets(models, labels)
    specs: list[NodeSpec | EdgeSpec] = [*nodes, *edges]
    return [f"{s.graph}.{s.label}" for s in specs if s.graph in graphs]


def repair_graph(
    bind: Engine | Connection,
    *models: object,
    labels: Iterable[str] | None = None,
    batch_size: int = 20_000,
    progress: Progress | None = None,
) -> tuple[CheckReport, SyncReport]:
    """Fix what `check_graph()` finds, and only that.

    The labels with drift are synced (a lost graph or label is made again
    first); a key map with ids that nothing holds is released.  Labels
    without drift are not walked.

    :param bind: an engine or a connection, as for
        `sync_graph()`.
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    :param batch_size: rows per batch and transaction.
    :param progress: called after each batch.
    :returns: what the check found, and what the sync did.
    """
    found = check_graph(bind, *models, labels=labels)
    todo = found.drifting_labels()
    if found.missing_graphs:  # a lost graph: every label of it
        todo += _names(models, labels, found.missing_graphs)
    todo = list(dict.fromkeys(todo))
    keys = [k.graph for k in found.key_maps if k.drift]
    if todo:
        done = sync_graph(bind, *models, labels=todo, batch_size=batch_size, progress=progress)
    elif keys:
        done = sync_graph(bind, *models, labels=_names(models, labels, keys), walk=False)
    else:
        done = SyncReport()
    return found, done
