"""Vertex and edge labels: ``op.create_vertex_label``, ``op.create_edge_label`` and drops.

Creating a label also creates the indexes the library relies on (a unique index
on ``id``; for edges, ``(start_id, end_id)`` and ``(end_id, start_id)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations

from sqlalchemy_tridb.graph import CreateLabel, DropLabel

from ._util import call, run, with_note

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["CreateLabelOp", "DropLabelOp", "label_op"]

Kind = Literal["v", "e"]
_NAMES = {"v": "vertex_label", "e": "edge_label"}


class CreateLabelOp(MigrateOperation):
    """Create a vertex (``kind="v"``) or edge (``"e"``) label unless it exists.

    :param graph: the graph.
    :param label: the label.
    :param kind: ``"v"`` (vertex) or ``"e"`` (edge).
    """

    def __init__(self, graph: str, label: str, kind: Kind) -> None:
        self.graph, self.label, self.kind = graph, label, kind

    def reverse(self) -> MigrateOperation:
        """The operation that undoes this one."""
        return label_op(self.graph, self.label, self.kind, drop=True)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return (f"add_{_NAMES[self.kind]}", self.graph, self.label)


class DropLabelOp(MigrateOperation):
    """Drop a vertex or edge label (its table and data) if it exists.

    :param graph: the graph.
    :param label: the label.
    :param kind: ``"v"`` (vertex) or ``"e"`` (edge).
    """

    #: comment lines rendered above the call (what an opted-in drop destroys)
    note: str | None = None

    def __init__(self, graph: str, label: str, kind: Kind) -> None:
        self.graph, self.label, self.kind = graph, label, kind

    def reverse(self) -> MigrateOperation:
        """The operation that undoes this one."""
        return label_op(self.graph, self.label, self.kind)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return (f"remove_{_NAMES[self.kind]}", self.graph, self.label)


@Operations.register_operation("create_vertex_label")
class CreateVertexLabelOp(CreateLabelOp):
    """``op.create_vertex_label(graph, label)``.

    :param graph: the graph.
    :param label: the label.
    :param kind: ignored: always ``"v"``.
    """

    def __init__(self, graph: str, label: str, kind: Kind = "v") -> None:
        super().__init__(graph, label, "v")

    @classmethod
    def create_vertex_label(cls, operations: Operations, graph: str, label: str) -> Any:
        """Create vertex label *label* in *graph* (and its ``id`` index).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param graph: the graph.
        :param label: the label.
        """
        return operations.invoke(cls(graph, label))


@Operations.register_operation("create_edge_label")
class CreateEdgeLabelOp(CreateLabelOp):
    """``op.create_edge_label(graph, label)``.

    :param graph: the graph.
    :param label: the label.
    :param kind: ignored: always ``"e"``.
    """

    def __init__(self, graph: str, label: str, kind: Kind = "e") -> None:
        super().__init__(graph, label, "e")

    @classmethod
    def create_edge_label(cls, operations: Operations, graph: str, label: str) -> Any:
        """Create edge label *label* in *graph* (and its id/start/end indexes).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param graph: the graph.
        :param label: the label.
        """
        return operations.invoke(cls(graph, label))


@Operations.register_operation("drop_vertex_label")
class DropVertexLabelOp(DropLabelOp):
    """``op.drop_vertex_label(graph, label)``.

    :param graph: the graph.
    :param label: the label.
    :param kind: ignored: always ``"v"``.
    """

    def __init__(self, graph: str, label: str, kind: Kind = "v") -> None:
        super().__init__(graph, label, "v")

    @classmethod
    def drop_vertex_label(cls, operations: Operations, graph: str, label: str) -> Any:
        """Drop vertex label *label* of *graph* if it exists.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param graph: the graph.
        :param label: the label.
        """
        return operations.invoke(cls(graph, label))


@Operations.register_operation("drop_edge_label")
class DropEdgeLabelOp(DropLabelOp):
    """``op.drop_edge_label(graph, label)``.

    :param graph: the graph.
    :param label: the label.
    :param kind: ignored: always ``"e"``.
    """

    def __init__(self, graph: str, label: str, kind: Kind = "e") -> None:
        super().__init__(graph, label, "e")

    @classmethod
    def drop_edge_label(cls, operations: Operations, graph: str, label: str) -> Any:
        """Drop edge label *label* of *graph* if it exists.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param graph: the graph.
        :param label: the label.
        """
        return operations.invoke(cls(graph, label))


def label_op(graph: str, label: str, kind: Kind, *, drop: bool = False) -> MigrateOperation:
    """The op that creates (or drops) one label.

    :param graph: the graph.
    :param label: the label.
    :param kind: ``"v"`` for a vertex label, ``"e"`` for an edge label.
    :param drop: the op that drops it instead.
    """
    if drop:
        return DropVertexLabelOp(graph, label) if kind == "v" else DropEdgeLabelOp(graph, label)
    return CreateVertexLabelOp(graph, label) if kind == "v" else CreateEdgeLabelOp(graph, label)


def _create_impl(operations: Operations, op: CreateLabelOp) -> None:
    run(operations, [CreateLabel(op.graph, op.label, op.kind)])


def _drop_impl(operations: Operations, op: DropLabelOp) -> None:
    run(operations, [DropLabel(op.graph, op.label)])


for _cls in (CreateVertexLabelOp, CreateEdgeLabelOp, CreateLabelOp):
    Operations.implementation_for(_cls)(_create_impl)
for _dcls in (DropVertexLabelOp, DropEdgeLabelOp, DropLabelOp):
    Operations.implementation_for(_dcls)(_drop_impl)


def _render(autogen_context: AutogenContext, op: CreateLabelOp | DropLabelOp) -> str | list[str]:
    verb = "create" if isinstance(op, CreateLabelOp) else "drop"
    return with_note(op, call(autogen_context, f"{verb}_{_NAMES[op.kind]}", op.graph, op.label))


for _rcls in (CreateLabelOp, CreateVertexLabelOp, CreateEdgeLabelOp):
    renderers.dispatch_for(_rcls)(_render)
for _rdcls in (DropLabelOp, DropVertexLabelOp, DropEdgeLabelOp):
    renderers.dispatch_for(_rdcls)(_render)
