"""``CREATE EXTENSION`` for ``vector`` and ``age`` when the models need them.

Creations go first in the upgrade.  An extension no model needs is never
dropped by default: the database may have it for another application, a
tool, or an older migration of this one.  ``tridb_drop_extensions=True`` in
``configure()`` proposes the drop (last in the upgrade), with a comment saying
what it destroys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.util import PriorityDispatchResult

from ..declared import metadatas, needed_extensions
from ..inspect import extensions
from ..operations import CreateExtensionOp, DropExtensionOp
from ..scope import MANAGED

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import UpgradeOps

__all__ = ["MANAGED", "compare_extensions"]

#: What dropping each extension destroys (the rendered op says it).
DESTROYS = {
    "vector": "every vector, halfvec and sparsevec column and index that is left",
    "age": "AGE's catalog and every graph left, with all their vertices and edges",
}


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
    if autogen_context.opts.get("tridb_drop_extensions", False):
        for name in reversed(MANAGED):
            if name in present and name not in needed:
                drop = DropExtensionOp(name)
                drop.note = (
                    f"tridb_drop_extensions=True: no model needs {name!r}; dropping it "
                    f"destroys {DESTROYS[name]}."
                )
                upgrade_ops.ops.append(drop)
    return PriorityDispatchResult.CONTINUE
