"""Autogenerate: the queue and each deferred column's triggers, rendered, run, round-tripped."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, Engine, create_engine, text

from alembic_ext.plugin import configure_options

from .models import Base

KEEP = {"tridb_drop_extensions": False, "tridb_drop_graphs": False}
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


@pytest.fixture
def conn(tridb_url: str) -> Iterator[Connection]:
    engine: Engine = create_engine(tridb_url, plugins=["tridb"])
    with engine.connect() as c:
        yield c
        c.rollback()
    engine.dispose()


def _context(conn: Connection, **opts: Any) -> MigrationContext:
    options = configure_options(target_metadata=Base.metadata, **KEEP, **opts)
    return MigrationContext.configure(conn, opts=options)


def autogenerate(conn: Connection, **opts: Any) -> tuple[str, str]:
    mc = _context(conn, **opts)
    script = produce_migrations(mc, Base.metadata)
    out = []
    for ops in (script.upgrade_ops, script.downgrade_ops):
        assert ops is not None
        code = render_python_code(ops, render_item=mc.opts["render_item"], migration_context=mc)
        out.append(textwrap.dedent(code.split("###\n", 1)[1].rsplit("\n    #", 1)[0]).strip())
    return out[0], out[1]


def diffs(conn: Connection, **opts: Any) -> list[Any]:
    return compare_metadata(_context(conn, **opts), Base.metadata)


def run(conn: Connection, code: str) -> None:
    from alembic import op

    with Operations.context(MigrationContext.configure(conn)):
        exec(code, {"op": op, "sa": sa})


def outbox_functions(conn: Connection) -> int:
    found = conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'outbox\\_emb\\_%'"))
    return int(found.scalar_one())


def test_upgrade_downgrade_round_trip(conn: Connection) -> None:
    for table in Base.metadata.sorted_tables:  # tables only: no outbox yet
        table.create(conn)
    up, down = autogenerate(conn)
    assert up.startswith("op.create_embedding_queue(statements=[\n")
    assert "op.create_deferred_embedding('doc', 'embedding', statements=[" in up
    assert "op.create_deferred_embedding('note', 'embedding', statements=[" in up
    assert "SECURITY DEFINER" in up and "SET search_path = pg_catalog, pg_temp" in up
    assert "op.drop_deferred_embedding('note', 'embedding', statements=[" in down
    assert down.rstrip().endswith(")") and "op.drop_embedding_queue(statements=[" in down
    run(conn, up)
    assert diffs(conn) == []
    assert diffs(conn, include_schemas=True) == []  # tridb_outbox is hidden from the tables
    conn.execute(text("INSERT INTO note (id, title, views) VALUES (1, 'a', 0)"))
    queued = conn.execute(text("SELECT key FROM tridb_outbox.embedding_job")).scalars().all()
    assert queued == [[1]]
    run(conn, down)
    assert outbox_functions(conn) == 0
    assert conn.execute(text("SELECT to_regclass('tridb_outbox.embedding_job')")).scalar() is None


def test_create_all_then_autogenerate_is_empty(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    assert outbox_functions(conn) == 16  # 4 tables, 4 events each
    assert diffs(conn) == []


def test_downgrade_of_a_replaced_trigger_set_restores_the_old_one(conn: Connection) -> None:
    """The reverse drops what the upgrade made before it recreates what was there."""
    Base.metadata.create_all(conn)
    old = (
        'CREATE OR REPLACE FUNCTION public."outbox_emb_4_note_embedding_upd"() RETURNS trigger '
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
    )
    conn.execute(text(old))
    up, down = autogenerate(conn)
    run(conn, up)
    assert diffs(conn) == []
    run(conn, down)  # before: "trigger ... already exists"
    body = conn.execute(
        text("SELECT prosrc FROM pg_proc WHERE proname = 'outbox_emb_4_note_embedding_upd'")
    ).scalar_one()
    assert body.strip() == "BEGIN RETURN NULL; END"
    assert outbox_functions(conn) == 16
    assert [d[0] for d in diffs(conn)] == ["add_deferred_embedding"]


def test_changed_function_is_replaced_and_a_dropped_column_loses_its_triggers(
    conn: Connection,
) -> None:
    Base.metadata.create_all(conn)
    conn.execute(
        text(
            'CREATE OR REPLACE FUNCTION public."outbox_emb_4_note_embedding_upd"() RETURNS trigger '
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
        )
    )
    assert [d[0] for d in diffs(conn)] == ["add_deferred_embedding"]
    up, _ = autogenerate(conn)
    run(conn, up)
    assert diffs(conn) == []
    conn.execute(text("CREATE TABLE old_doc (id int PRIMARY KEY, body text)"))
    conn.execute(
        text(
            "CREATE FUNCTION public.outbox_emb_old_doc_embedding_ins() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
        )
    )
    conn.execute(
        text(
            "CREATE TRIGGER outbox_emb_embedding_ins AFTER INSERT ON old_doc "
            "FOR EACH STATEMENT EXECUTE FUNCTION public.outbox_emb_old_doc_embedding_ins()"
        )
    )
    found = [d for d in diffs(conn) if d[0] != "remove_table"]
    assert found == [("remove_deferred_embedding", None, "old_doc", "embedding")]
