"""AGE graphs and their vertex and edge labels (``ag_catalog.ag_graph`` / ``ag_label``).

New graphs and labels come after the tables in the upgrade.  Graphs and
labels no model declares are never dropped by default: they may be another
application's, a tool's, or made by hand.  ``tridb_drop_graphs=True`` in
``configure()`` proposes their drops (labels first), each with a comment saying
what it destroys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alembic.operations.ops import MigrateOperation
from alembic.util import PriorityDispatchResult

from ..declared import declared_graphs, declared_labels, metadatas
from ..filters import GRAPH_OBJECT
from ..inspect import graph_labels, graphs
from ..operations import CreateGraphOp, DropGraphOp, label_op

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import UpgradeOps

__all__ = ["compare_graphs"]


def compare_graphs(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema-level comparator.

    :param autogen_context: the run's context (connection, metadata, options).
    :param upgrade_ops: the upgrade's operations, which this appends to.
    :param schemas: the schemas compared (``None``: the default one).
    """
    conn = autogen_context.connection
    assert conn is not None
    mds = metadatas(autogen_context.metadata)

    def graph_ok(g: str) -> bool:  # the user's include_name sees a graph as a schema
        marked: Any = {GRAPH_OBJECT: True}  # an extra key: only tridb's own filter reads it
        return bool(autogen_context.run_name_filters(g, "schema", marked))

    def label_ok(g: str, lbl: str) -> bool:  # ... and a label as a table in it
        names: Any = {"schema_name": g, GRAPH_OBJECT: True}
        return graph_ok(g) and bool(autogen_context.run_name_filters(lbl, "table", names))

    want_graphs = [g for g in declared_graphs(mds) if graph_ok(g)]
    want_labels = [x for x in declared_labels(mds) if label_ok(x[0], x[1])]
    have_graphs = {g for g in graphs(conn) if graph_ok(g)}
    have_labels = {x for x in graph_labels(conn) if label_ok(x[0], x[1])}
    drop_others = bool(autogen_context.opts.get("tridb_drop_graphs", False))

    out: list[MigrateOperation] = []
    if drop_others:
        for g, lbl, kind in sorted(have_labels - set(want_labels)):
            drop: Any = label_op(g, lbl, kind, drop=True)  # type: ignore[arg-type]
            what = "vertices" if kind == "v" else "edges"
            drop.note = (
                f"tridb_drop_graphs=True: no model declares label {lbl!r} of graph {g!r}; "
                f"dropping it destroys its table and all its {what}."
            )
            out.append(drop)
        for g in sorted(have_graphs - set(want_graphs)):
            graph_drop = DropGraphOp(g)
            graph_drop.note = (
                f"tridb_drop_graphs=True: no model declares graph {g!r}; dropping it "
                "destroys its schema, every label and all its vertices and edges."
            )
            out.append(graph_drop)
    out += [CreateGraphOp(g) for g in want_graphs if g not in have_graphs]
    for g, lbl, kind in want_labels:
        if (g, lbl, kind) not in have_labels:
            out.append(label_op(g, lbl, kind))  # type: ignore[arg-type]
    upgrade_ops.ops.extend(out)
    return PriorityDispatchResult.CONTINUE
