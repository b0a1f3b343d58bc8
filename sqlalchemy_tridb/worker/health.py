"""What ``tridb doctor`` checks of the outbox: triggers, failed jobs, stale vectors.

`outbox_findings()` reads only; each finding is ``(area, message, fix)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, MetaData, func, select, text

from ..exc import ProviderError
from ..vector.backfill import stale_condition
from ..vector.outbox import FAILED, deferred_columns, provenance_table

__all__ = ["outbox_findings"]

_FAILED = f"SELECT pg_catalog.count(*) FROM {FAILED}\nWHERE table_name = :t AND column_name = :c"
_TRIGGERS = text(
    "SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger\n"
    "WHERE tgrelid = pg_catalog.to_regclass(:t) AND NOT tgisinternal AND tgenabled <> 'D'\n"
    "  AND tgname LIKE :pattern"
)


def outbox_findings(conn: Connection, metas: Iterable[MetaData]) -> Iterator[tuple[str, str, str]]:
    """The problems of the deferred embedding columns of *metas*' tables.

    :param conn: a connection (nothing is written).
    :param metas: the models' metadata.
    """
    columns = [dc for md in metas for t in md.tables.values() for dc in deferred_columns(t)]
    if not columns:
        return
    queue = conn.execute(text("SELECT pg_catalog.to_regclass(:n)"), {"n": FAILED}).scalar()
    for dc in columns:
        exists = conn.execute(text("SELECT pg_catalog.to_regclass(:t)"), {"t": dc.table_name})
        if exists.scalar() is None:
            continue
        pattern = f"outbox\\_emb\\_{dc.column.name.replace('_', chr(92) + '_')}\\_%"
        found = conn.execute(_TRIGGERS, {"t": dc.table_name, "pattern": pattern}).scalar_one()
        if queue is None or found != 4:
            yield (
                "outbox",
                f"{dc.label} is deferred but {found} of its 4 outbox triggers are enabled"
                + ("" if queue is not None else ", and tridb_outbox does not exist"),
                "metadata.create_all(engine), or alembic revision --autogenerate + upgrade",
            )
            continue
        failed = conn.execute(
            text(_FAILED),
            {"t": dc.table_name, "c": dc.column.name},
        ).scalar_one()
        if failed:
            yield (
                "outbox",
                f"{failed} job(s) of {dc.label} failed too often and were moved aside",
                f"read the errors in {FAILED}, fix the cause, then tridb backfill "
                f"<module>:<Model>.{dc.column.key} (queues them again)",
            )
        vector = dc.table.c[dc.column.key]
        try:
            on, stale = stale_condition(dc, vector)
        except ProviderError:  # the provider is not registered here: no model to compare
            continue
        count = select(func.count()).select_from(dc.table.outerjoin(provenance_table, on))
        n = conn.execute(count.where(stale)).scalar_one()
        if n:
            yield (
                "outbox",
                f"{n} row(s) of {dc.label} have no vector of the current source and model "
                "(queued ones included)",
                f"run tridb worker; if they are not queued, tridb backfill "
                f"<module>:<Model>.{dc.column.key}",
            )
