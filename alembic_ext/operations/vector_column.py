"""A change of a vector column's type (its dimension), rendered with ``USING NULL``.

Stored vectors cannot be cast to another dimension, so the column is altered
``USING NULL`` and the migration says that the vectors must be recomputed.  It
is Alembic's own ``op.alter_column`` (``postgresql_using`` is a keyword it
takes); only the rendering is ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.autogenerate.render import renderers
from alembic.operations import ops

from .. import _compat  # (its module, not its names: it may still be importing, see _compat)

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["AlterVectorColumnOp"]


class AlterVectorColumnOp(ops.AlterColumnOp):
    """``alter_column(..., type_=VECTOR(n), postgresql_using="NULL")`` with a comment."""

    @classmethod
    def from_alter(cls, op: ops.AlterColumnOp) -> AlterVectorColumnOp:
        """Copy *op*, adding ``postgresql_using="NULL"``.

        :param op: Alembic's operation for the change of type.
        """
        kw = dict(op.kw)
        kw["postgresql_using"] = "NULL"
        return cls(
            op.table_name,
            op.column_name,
            schema=op.schema,
            existing_type=op.existing_type,
            existing_server_default=op.existing_server_default,
            existing_nullable=op.existing_nullable,
            existing_comment=op.existing_comment,
            modify_nullable=op.modify_nullable,
            modify_comment=op.modify_comment,
            modify_server_default=op.modify_server_default,
            modify_name=op.modify_name,
            modify_type=op.modify_type,
            **kw,
        )


@renderers.dispatch_for(AlterVectorColumnOp)
def _render(autogen_context: AutogenContext, op: AlterVectorColumnOp) -> list[str]:
    prefix = autogen_context.opts.get("alembic_module_prefix") or "op."
    args = [repr(op.table_name), repr(op.column_name)]
    if op.existing_type is not None:
        args.append(f"existing_type={_compat.repr_type(op.existing_type, autogen_context)}")
    assert op.modify_type is not None
    args.append(f"type_={_compat.repr_type(op.modify_type, autogen_context)}")
    if op.modify_nullable is not None:
        args.append(f"nullable={op.modify_nullable!r}")
    elif op.existing_nullable is not None:
        args.append(f"existing_nullable={op.existing_nullable!r}")
    if op.schema:
        args.append(f"schema={op.schema!r}")
    args.append("postgresql_using='NULL'")
    return [
        f"# {op.table_name}.{op.column_name}: the vector type changes, so stored vectors are",
        "# set to NULL and must be recomputed (the backfill step, or vector.backfill()).",
        f"{prefix}alter_column({', '.join(args)})",
    ]
