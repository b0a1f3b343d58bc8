"""``op.create_graph("social")`` / ``op.drop_graph("social")``.

Dropping a graph drops its schema, labels and data (``drop_graph(name, true)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations

from sqlalchemy_tridb.graph import CreateGraph, DropGraph

from ._util import call, run, with_note

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["CreateGraphOp", "DropGraphOp"]


@Operations.register_operation("create_graph")
class CreateGraphOp(MigrateOperation):
    """Create an AGE graph unless it exists.

    :param name: the graph.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create_graph(cls, operations: Operations, name: str) -> Any:
        """Create graph *name* unless it exists.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param name: the graph.
        """
        return operations.invoke(cls(name))

    def reverse(self) -> DropGraphOp:
        """The operation that undoes this one."""
        return DropGraphOp(self.name)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("add_graph", self.name)


@Operations.register_operation("drop_graph")
class DropGraphOp(MigrateOperation):
    """Drop an AGE graph (with its labels and data) if it exists.

    :param name: the graph.
    """

    #: comment lines rendered above the call (what an opted-in drop destroys)
    note: str | None = None

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def drop_graph(cls, operations: Operations, name: str) -> Any:
        """Drop graph *name* (its labels and data) if it exists.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param name: the graph.
        """
        return operations.invoke(cls(name))

    def reverse(self) -> CreateGraphOp:
        """The operation that undoes this one."""
        return CreateGraphOp(self.name)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("remove_graph", self.name)


@Operations.implementation_for(CreateGraphOp)
def _create(operations: Operations, op: CreateGraphOp) -> None:
    run(operations, [CreateGraph(op.name)])


@Operations.implementation_for(DropGraphOp)
def _drop(operations: Operations, op: DropGraphOp) -> None:
    run(operations, [DropGraph(op.name)])


@renderers.dispatch_for(CreateGraphOp)
def _render_create(autogen_context: AutogenContext, op: CreateGraphOp) -> str:
    return call(autogen_context, "create_graph", op.name)


@renderers.dispatch_for(DropGraphOp)
def _render_drop(autogen_context: AutogenContext, op: DropGraphOp) -> str | list[str]:
    return with_note(op, call(autogen_context, "drop_graph", op.name))
