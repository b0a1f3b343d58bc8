"""``CREATE EXTENSION`` for ``vector`` and ``age`` when the models need them.

Creations go first in the upgrade; drops (when no model needs an extension
any more) go last.  Set ``tridb_drop_extensions=False`` in ``configure()`` to
never drop them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.util import PriorityDispatchResult

from ..declared import metadatas, needed_extensions
from ..inspect import extensions
from ..operations import CreateExtensionOp, DropExtensionOp

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import UpgradeOps

__all__ = ["MANAGED", "compare_extensions"]

#: The extensions this package manages, in creation order.
MANAGED = ("vector", "age")


def compare_extensions(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema-level comparator.

    :param autogen_context: the run's context (connection, metadata, options).
    :param upgrade_ops: the upgrade's operations, which this appends to.
    :param schemas: the schemas compared (``None``: the default one).
    """
    conn = autogen_context.connection
    assert conn is not None
    needed = needed_extensions(metadatas(autogen_context.metadata))
    present = extensions(conn)
    creates = [CreateExtensionOp(n) for n in MANAGED if n in needed and n not in present]
    upgrade_ops.ops[0:0] = creates
    if autogen_context.opts.get("tridb_drop_extensions", True):
        for name in reversed(MANAGED):
            if name in present and name not in needed:
                upgrade_ops.ops.append(DropExtensionOp(name))
    return PriorityDispatchResult.CONTINUE
