"""``op.backfill_graph``: the vertices or edges of rows that were there before the sync.

Autogenerate adds it after the labels and sync triggers it creates for a table
that already exists in the database, one step per label, vertex labels before
the edges between them.  The step carries the plain SQL of
`sqlalchemy_tridb.graph.fill.backfill_sql()`, so it runs without importing the
models and is written out as it is in ``--sql`` mode:

    op.backfill_graph(
        "customer", "shop", "Customer",
        statements=["SELECT pg_catalog.set_config(...)", "INSERT INTO ...", ...],
    )

The statements are idempotent (they add what is missing, fix what differs and
remove what no row declares) and keep the session's settings as they were.
They go to the driver as text, not through ``op.execute("...")``, whose
``text()`` would read the ``:`` of date formats as bind parameters.

The downgrade has nothing to undo: the step only writes into the label, and
the downgrade drops the label (or the sync) it was made for, and with it what
the step wrote.  Its reverse renders as a comment saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations

from sqlalchemy_tridb.graph.fill import backfill_sql

from ._util import prefix, run, text_literal
from .backfill import CommentOp

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

    from sqlalchemy_tridb.graph import EdgeSpec, NodeSpec

__all__ = ["BackfillGraphOp"]


@Operations.register_operation("backfill_graph")
class BackfillGraphOp(MigrateOperation):
    """Fill one label from the rows of its table (plain SQL, online and offline).

    :param table_name: the table whose rows the label mirrors.
    :param graph: the graph's name.
    :param label: the vertex or edge label.
    :param statements: SQL text, one statement each, run in order.
    :param schema: the table's schema (``None``: the default one).
    """

    def __init__(
        self,
        table_name: str,
        graph: str,
        label: str,
        statements: Sequence[str],
        *,
        schema: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.graph = graph
        self.label = label
        self.statements = list(statements)
        self.schema = schema

    @classmethod
    def for_spec(cls, spec: NodeSpec | EdgeSpec, schema: str | None = None) -> BackfillGraphOp:
        """The step that fills *spec*'s label from its table, as the models declare it now.

        :param spec: a vertex or edge declaration (``registry_for(md).resolve()``).
        :param schema: the table's schema as the migration names it (``None``: the default).
        """
        return cls(spec.table.name, spec.graph, spec.label, backfill_sql(spec), schema=schema)

    @classmethod
    def backfill_graph(
        cls,
        operations: Operations,
        table_name: str,
        graph: str,
        label: str,
        *,
        statements: Sequence[str],
        schema: str | None = None,
    ) -> Any:
        """Run *statements*, which make ``graph.label`` equal to the rows of *table_name*.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the table whose rows the label mirrors (for the reader).
        :param graph: the graph's name (for the reader and the diff).
        :param label: the label's name (for the reader and the diff).
        :param statements: SQL text, one statement each, run in order.
        :param schema: the table's schema (``None``: the default one).
        """
        return operations.invoke(cls(table_name, graph, label, statements, schema=schema))

    def reverse(self) -> CommentOp:
        """The operation that undoes this one: nothing (the label's drop removes its data)."""
        return CommentOp(
            [
                f"(the graph backfill of {self.graph}.{self.label} has nothing to undo: "
                "dropping the label removes what it wrote)"
            ]
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("backfill_graph", self.schema, self.table_name, self.graph, self.label)


@Operations.implementation_for(BackfillGraphOp)
def _backfill(operations: Operations, op: BackfillGraphOp) -> None:
    run(operations, op.statements)


def _list(statements: Sequence[str]) -> str:
    return "[\n" + "".join(f"    {text_literal(s, '    ')},\n" for s in statements) + "]"


@renderers.dispatch_for(BackfillGraphOp)
def _render(autogen_context: AutogenContext, op: BackfillGraphOp) -> list[str]:
    args = [repr(op.table_name), repr(op.graph), repr(op.label)]
    args.append(f"statements={_list(op.statements)}")
    if op.schema:
        args.append(f"schema={op.schema!r}")
    return [
        f"# Graph backfill: the rows already in {op.table_name} get their {op.label} "
        "vertices or edges",
        "# here, as the sync triggers would have written them (plain SQL, idempotent,",
        "# written out as it is by --sql). The downgrade's label drop removes them.",
        f"{prefix(autogen_context)}backfill_graph(" + ", ".join(args) + ")",
    ]
