"""Workers that embed the rows deferred embedding columns queued (see ``docs/deferred.md``).

>>> from sqlalchemy_tridb.worker import EmbeddingWorker, queue_status
>>> # worker = EmbeddingWorker(engine, Note.embedding)
>>> # worker.drain()
"""

from __future__ import annotations

from .queue import QueueStatus as QueueStatus
from .queue import queue_status as queue_status
from .requeue import requeue_failed as requeue_failed
from .run import EmbeddingWorker as EmbeddingWorker
from .run import WorkerStats as WorkerStats

__all__ = ["EmbeddingWorker", "QueueStatus", "WorkerStats", "queue_status", "requeue_failed"]
