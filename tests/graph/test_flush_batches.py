"""ORM flushes through the tridb engine send one INSERT per 1,000 rows, not one per row.

The graph's triggers are statement-level, so the batches decide how often they
run: counted with ``track_functions``, a flush of 2,500 vertex rows calls the
vertex trigger three times (it called it 2,500 times before the engine set-up
switched SQLAlchemy's insertmanyvalues on for statements without RETURNING).
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from sqlalchemy_tridb.engine import setup_engine

from .models import Person


def _trigger_calls(session: Session) -> int:
    return int(
        session.execute(
            text(
                "SELECT coalesce(sum(calls), 0) FROM pg_catalog.pg_stat_xact_user_functions "
                "WHERE funcname = 'tridb_person_vertex_ins'"
            )
        ).scalar_one()
    )


def _flush(engine: Engine, first: int, n: int) -> int:
    with Session(engine) as session:
        session.execute(text("SET LOCAL track_functions = 'pl'"))
        session.add_all(Person(id=i, name=f"p{i}") for i in range(first, first + n))
        session.flush()
        calls = _trigger_calls(session)
        session.commit()
    return calls


def test_a_flush_of_many_rows_fires_the_triggers_once_per_batch(engine: Engine) -> None:
    assert _flush(engine, 1, 2500) == 3


def test_setup_engine_batches_and_remove_restores(engine: Engine) -> None:
    plain, prepared = create_engine(engine.url), create_engine(engine.url)
    try:
        assert _flush(plain, 10_000, 20) == 20  # SQLAlchemy's psycopg default: one per row
        handle = setup_engine(prepared)  # before first use, as the engine plugin does
        assert _flush(prepared, 20_000, 20) == 1
        handle.remove()
        assert prepared.dialect.use_insertmanyvalues_wo_returning is False
    finally:
        plain.dispose()
        prepared.dispose()
