"""Put the jobs moved aside after ``max_attempts`` failures back on the queue.

Once the cause of a failure is fixed (a provider back, a key set, a bad text
corrected), `requeue_failed()` moves the jobs of ``tridb_outbox.embedding_failed``
back to ``embedding_job`` in one statement, fresh (no attempts, no back-off), so
the next worker batch embeds them.  A job whose row was queued again meanwhile
keeps its queue row, its version bumped.  ``tridb worker --requeue-failed`` runs it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from ..vector.outbox import FAILED, JOBS, NEXT_VERSION
from .run import _target

__all__ = ["requeue_failed"]

_REQUEUE = text(
    "WITH moved AS (\n"
    f"    DELETE FROM {FAILED} AS f\n"
    "    WHERE :every OR (f.table_name, f.column_name) IN (\n"
    "        SELECT * FROM pg_catalog.jsonb_to_recordset(:cols) AS c(t text, c text))\n"
    "    RETURNING f.table_name, f.column_name, f.key\n"
    "), back AS (\n"
    f"    INSERT INTO {JOBS} AS j (table_name, column_name, key)\n"
    "    SELECT table_name, column_name, key FROM moved\n"
    "    ON CONFLICT (table_name, column_name, key) DO UPDATE\n"
    f"    SET version = {NEXT_VERSION}, attempts = 0, run_after = NULL, last_error = NULL\n"
    "    RETURNING 1\n"
    ")\n"
    "SELECT pg_catalog.count(*) FROM back"
).bindparams(bindparam("cols", type_=JSONB))


def requeue_failed(bind: Engine | Connection, attr: Any = None) -> int:
    """Move failed jobs back to the queue; return how many were moved.

    :param bind: an engine (the move commits) or a connection (the caller
        commits) of a role that may write ``tridb_outbox``.
    :param attr: a deferred embedding attribute, e.g. ``Note.embedding``: only
        its failed jobs are moved; ``None`` moves those of every column.
    """
    cols = []
    if attr is not None:
        dc = _target(attr).deferred
        cols = [{"t": dc.table_name, "c": dc.column.name}]
    params = {"every": attr is None, "cols": cols}
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return int(conn.execute(_REQUEUE, params).scalar_one())
    return int(bind.execute(_REQUEUE, params).scalar_one())
