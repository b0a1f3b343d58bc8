"""AGE graphs and their vertex and edge labels (``ag_catalog.ag_graph`` / ``ag_label``).

New graphs and labels come after the tables in the upgrade; labels and graphs
no model declares any more are dropped (labels first).  Set
``tridb_drop_graphs=False`` in ``configure()`` to keep graphs not declared by
these models (for example another application's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.operations.ops import MigrateOperation
from alembic.util import PriorityDispatchResult

from ..declared import declared_graphs, declared_labels, metadatas
from ..inspect import graph_labels, graphs
from ..operations import CreateGraphOp, DropGraphOp, label_op

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import UpgradeOps

__all__ = ["compare_graphs"]


def compare_graphs(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema-level comparator."""
    conn = autogen_context.connection
    assert conn is not None
    mds = metadatas(autogen_context.metadata)
    want_graphs = declared_graphs(mds)
    want_labels = declared_labels(mds)
    have_graphs = graphs(conn)
    have_labels = graph_labels(conn)
    keep_others = not autogen_context.opts.get("tridb_drop_graphs", True)

    out: list[MigrateOperation] = []
    for g, lbl, kind in sorted(have_labels - set(want_labels)):
        if keep_others and g not in want_graphs:
            continue
        out.append(label_op(g, lbl, kind, drop=True))  # type: ignore[arg-type]
    if not keep_others:
        out += [DropGraphOp(g) for g in sorted(have_graphs - set(want_graphs))]
    out += [CreateGraphOp(g) for g in want_graphs if g not in have_graphs]
    for g, lbl, kind in want_labels:
        if (g, lbl, kind) not in have_labels:
            out.append(label_op(g, lbl, kind))  # type: ignore[arg-type]
    upgrade_ops.ops.extend(out)
    return PriorityDispatchResult.CONTINUE
