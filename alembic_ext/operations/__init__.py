"""Custom Alembic operations; importing this package registers them with ``op``.

Each is a ``MigrateOperation`` with a ``reverse()``, an implementation that also
works in offline (``--sql``) mode, and a renderer.
"""

from __future__ import annotations

from .backfill import BackfillEmbeddingsOp as BackfillEmbeddingsOp
from .backfill import CommentOp as CommentOp
from .extension import CreateExtensionOp as CreateExtensionOp
from .extension import DropExtensionOp as DropExtensionOp
from .graph import CreateGraphOp as CreateGraphOp
from .graph import DropGraphOp as DropGraphOp
from .graph_backfill import BackfillGraphOp as BackfillGraphOp
from .label import CreateEdgeLabelOp as CreateEdgeLabelOp
from .label import CreateLabelOp as CreateLabelOp
from .label import CreateVertexLabelOp as CreateVertexLabelOp
from .label import DropEdgeLabelOp as DropEdgeLabelOp
from .label import DropLabelOp as DropLabelOp
from .label import DropVertexLabelOp as DropVertexLabelOp
from .label import label_op as label_op
from .outbox import CreateDeferredEmbeddingOp as CreateDeferredEmbeddingOp
from .outbox import CreateEmbeddingQueueOp as CreateEmbeddingQueueOp
from .outbox import DropDeferredEmbeddingOp as DropDeferredEmbeddingOp
from .outbox import DropEmbeddingQueueOp as DropEmbeddingQueueOp
from .sync import CreateGraphSyncOp as CreateGraphSyncOp
from .sync import DropGraphSyncOp as DropGraphSyncOp
from .vector_column import AlterVectorColumnOp as AlterVectorColumnOp

__all__ = [
    "AlterVectorColumnOp",
    "BackfillEmbeddingsOp",
    "BackfillGraphOp",
    "CommentOp",
    "CreateDeferredEmbeddingOp",
    "CreateEdgeLabelOp",
    "CreateEmbeddingQueueOp",
    "CreateExtensionOp",
    "CreateGraphOp",
    "CreateGraphSyncOp",
    "CreateLabelOp",
    "CreateVertexLabelOp",
    "DropDeferredEmbeddingOp",
    "DropEdgeLabelOp",
    "DropEmbeddingQueueOp",
    "DropExtensionOp",
    "DropGraphOp",
    "DropGraphSyncOp",
    "DropLabelOp",
    "DropVertexLabelOp",
    "label_op",
]
