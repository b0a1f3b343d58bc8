"""Exact rendered upgrade and downgrade for each kind of object, then run them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from pgvector.sqlalchemy import HALFVEC, VECTOR
from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    Table,
    cast,
    create_engine,
    text,
)
from tridb_alembic_cases import graph_models
from tridb_alembic_cases.golden import assert_golden
from tridb_alembic_cases.render import autogenerate, diffs, run

from alembic_ext.inspect import index_opclasses

# Alembic reflects every column of the default schema when no user table is
# left to filter by (an empty database), which includes AGE's ag_graph.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Did not recognize type 'regnamespace':sqlalchemy.exc.SAWarning"
)

KEEP = {"tridb_drop_extensions": False, "tridb_drop_graphs": False}


@pytest.fixture
def conn(db_url: str) -> Iterator[Connection]:
    engine = create_engine(db_url, plugins=["tridb"])
    with engine.connect() as c:
        yield c
        c.rollback()
    engine.dispose()


def _indexdef(conn: Connection, name: str) -> str | None:
    return conn.execute(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": name}
    ).scalar()


def _item(dim: int = 3, **index_kw: object) -> MetaData:
    md = MetaData()
    t = Table("item", md, Column("id", Integer, primary_key=True), Column("emb", VECTOR(dim)))
    if index_kw:
        Index("ix_item_emb", t.c.emb, **index_kw)  # type: ignore[arg-type]
    return md


def test_vector_column_and_hnsw_index(conn: Connection) -> None:
    md = _item(
        postgresql_using="hnsw",
        postgresql_with={"m": 16},
        postgresql_ops={"emb": "vector_ip_ops"},
    )
    up, down = autogenerate(conn, md, **KEEP)
    assert up == (
        "op.create_table('item',\n"
        "sa.Column('id', sa.Integer(), nullable=False),\n"
        "sa.Column('emb', pgvector.sqlalchemy.VECTOR(dim=3), nullable=True),\n"
        "sa.PrimaryKeyConstraint('id')\n"
        ")\n"
        "op.create_index('ix_item_emb', 'item', ['emb'], unique=False, postgresql_using='hnsw', "
        "postgresql_with={'m': 16}, postgresql_ops={'emb': 'vector_ip_ops'})"
    )
    assert down == (
        "op.drop_index('ix_item_emb', table_name='item', postgresql_using='hnsw', "
        "postgresql_with={'m': 16}, postgresql_ops={'emb': 'vector_ip_ops'})\n"
        "op.drop_table('item')"
    )
    run(conn, up)
    assert _indexdef(conn, "ix_item_emb") == (
        "CREATE INDEX ix_item_emb ON public.item USING hnsw (emb vector_ip_ops) WITH (m='16')"
    )
    assert diffs(conn, md, **KEEP) == []
    run(conn, down)
    assert _indexdef(conn, "ix_item_emb") is None


def test_expression_index_keeps_its_operator_class(conn: Connection) -> None:
    md = MetaData()
    t = Table("item", md, Column("id", Integer, primary_key=True), Column("emb", VECTOR(3)))
    Index(
        "ix_item_half",
        cast(t.c.emb, HALFVEC(3)).label("half"),
        postgresql_using="hnsw",
        postgresql_ops={"half": "halfvec_cosine_ops"},
    )
    up, _down = autogenerate(conn, md, **KEEP)
    assert up.endswith(
        "op.create_index('ix_item_half', 'item', "
        "[sa.literal_column('CAST(emb AS HALFVEC(3))').label('half')], unique=False, "
        "postgresql_using='hnsw', postgresql_ops={'half': 'halfvec_cosine_ops'})"
    )
    run(conn, up)
    assert _indexdef(conn, "ix_item_half") == (
        "CREATE INDEX ix_item_half ON public.item USING hnsw "
        "(((emb)::halfvec(3)) halfvec_cosine_ops)"
    )
    assert diffs(conn, md, **KEEP) == []


def test_changed_index_parameters_and_operator_class(conn: Connection) -> None:
    before = _item(
        postgresql_using="hnsw",
        postgresql_with={"m": 16},
        postgresql_ops={"emb": "vector_cosine_ops"},
    )
    before.create_all(conn)
    after = _item(
        postgresql_using="hnsw",
        postgresql_with={"m": 32, "ef_construction": 80},
        postgresql_ops={"emb": "vector_l1_ops"},
    )
    up, down = autogenerate(conn, after, **KEEP)
    assert up == (
        "op.drop_index(op.f('ix_item_emb'), table_name='item', "
        "postgresql_ops={'emb': 'vector_cosine_ops'}, postgresql_with={'m': '16'}, "
        "postgresql_using='hnsw')\n"
        "op.create_index('ix_item_emb', 'item', ['emb'], unique=False, postgresql_using='hnsw', "
        "postgresql_with={'m': 32, 'ef_construction': 80}, "
        "postgresql_ops={'emb': 'vector_l1_ops'})"
    )
    assert down == (
        "op.drop_index('ix_item_emb', table_name='item', postgresql_using='hnsw', "
        "postgresql_with={'m': 32, 'ef_construction': 80}, "
        "postgresql_ops={'emb': 'vector_l1_ops'})\n"
        "op.create_index(op.f('ix_item_emb'), 'item', ['emb'], unique=False, "
        "postgresql_ops={'emb': 'vector_cosine_ops'}, postgresql_with={'m': '16'}, "
        "postgresql_using='hnsw')"
    )
    run(conn, up)
    assert "vector_l1_ops) WITH (m='32', ef_construction='80')" in str(
        _indexdef(conn, "ix_item_emb")
    )
    assert diffs(conn, after, **KEEP) == []
    run(conn, down)
    assert diffs(conn, before, **KEEP) == []


def test_operator_classes_read_from_the_catalog(conn: Connection) -> None:
    # what SQLAlchemy 2.1 reflects as postgresql_ops (2.0 reflects none), read by alembic_ext
    conn.execute(text("CREATE TABLE item (id int PRIMARY KEY, emb vector(3))"))
    half = "(emb::halfvec(3))"
    indexes = {
        "ix_cosine": ("hnsw (emb vector_cosine_ops) WITH (m = 16)", {"emb": "vector_cosine_ops"}),
        "ix_half": (f"hnsw ({half} halfvec_ip_ops)", {half: "halfvec_ip_ops"}),
        "ix_l2": ("ivfflat (emb vector_l2_ops)", {}),  # ivfflat's default (hnsw has none)
        "ix_default": ("btree (id, emb)", {}),  # int4_ops and vector_ops: the defaults
    }
    for name, (using, _) in indexes.items():
        conn.execute(text(f"CREATE INDEX {name} ON item USING {using}"))
    reflected = Table("item", MetaData(), autoload_with=conn).indexes
    for name, (_, opclasses) in indexes.items():
        assert index_opclasses(conn, name) == opclasses
        assert index_opclasses(conn, name, "public") == opclasses
        if not sqlalchemy.__version__.startswith("2.0."):
            (index,) = [i for i in reflected if i.name == name]
            assert index.dialect_kwargs.get("postgresql_ops", {}) == opclasses


def test_dimension_change_clears_vectors(conn: Connection) -> None:
    _item(3).create_all(conn)
    conn.execute(text("INSERT INTO item (id, emb) VALUES (1, '[1,2,3]')"))
    up, down = autogenerate(conn, _item(5), **KEEP)
    note = (
        "# item.emb: the vector type changes, so stored vectors are\n"
        "# set to NULL and must be recomputed (the backfill step, or vector.backfill()).\n"
    )
    assert up == note + (
        "op.alter_column('item', 'emb', existing_type=pgvector.sqlalchemy.VECTOR(dim=3), "
        "type_=pgvector.sqlalchemy.VECTOR(dim=5), existing_nullable=True, "
        "postgresql_using='NULL')"
    )
    assert down == note + (
        "op.alter_column('item', 'emb', existing_type=pgvector.sqlalchemy.VECTOR(dim=5), "
        "type_=pgvector.sqlalchemy.VECTOR(dim=3), existing_nullable=True, "
        "postgresql_using='NULL')"
    )
    run(conn, up)
    assert conn.execute(text("SELECT emb FROM item")).scalar() is None
    assert diffs(conn, _item(5), **KEEP) == []
    run(conn, down)
    assert diffs(conn, _item(3), **KEEP) == []


def test_graph_labels_and_sync_triggers(conn: Connection) -> None:
    md = graph_models.Base.metadata
    for table in md.sorted_tables:  # tables only: no graph objects yet
        table.create(conn)
    up, down = autogenerate(conn, md, **KEEP)
    # the whole migration, sync trigger SQL included, one line of SQL a line
    assert_golden("metro_upgrade.txt", up)
    assert_golden("metro_downgrade.txt", down)
    run(conn, up)
    assert diffs(conn, md, **KEEP) == []
    conn.execute(text("INSERT INTO station (id, name) VALUES (1, 'A'), (2, 'B')"))
    conn.execute(text("INSERT INTO route (id, src_id, dst_id) VALUES (1, 1, 2)"))
    assert conn.execute(text('SELECT count(*) FROM metro."Station"')).scalar() == 2
    assert conn.execute(text('SELECT count(*) FROM metro."ROUTE"')).scalar() == 1
    run(conn, down)
    assert conn.execute(text("SELECT count(*) FROM ag_catalog.ag_graph")).scalar() == 0
    functions = conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'tridb\\_%'"))
    assert functions.scalar() == 0


def test_create_all_then_autogenerate_is_empty_and_hides_age(conn: Connection) -> None:
    md = graph_models.Base.metadata
    md.create_all(conn)  # the library's own DDL: graph, labels, indexes, triggers
    assert diffs(conn, md, include_schemas=True, **KEEP) == []


def test_changed_trigger_body_is_replaced(conn: Connection) -> None:
    md = graph_models.Base.metadata
    md.create_all(conn)
    conn.execute(
        text(
            'CREATE OR REPLACE FUNCTION "tridb_station_vertex_ins"() RETURNS trigger '
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
        )
    )
    found = diffs(conn, md, **KEEP)
    assert [d[0] for d in found] == ["remove_graph_sync", "add_graph_sync"]
    up, down = autogenerate(conn, md, **KEEP)
    assert up.startswith("op.drop_graph_sync('station', statements=[\n")
    assert "BEGIN RETURN NULL; END" in up  # the old body, kept for the downgrade
    run(conn, up)
    assert diffs(conn, md, **KEEP) == []
    run(conn, down)
    assert [d[0] for d in diffs(conn, md, **KEEP)] == ["remove_graph_sync", "add_graph_sync"]


@pytest.mark.parametrize(
    "change",
    ["SECURITY INVOKER", "RESET ALL", "SET search_path = public", "SET extra_float_digits = 0"],
)
def test_changed_trigger_function_options_are_replaced(conn: Connection, change: str) -> None:
    md = graph_models.Base.metadata
    md.create_all(conn)
    conn.execute(text(f'ALTER FUNCTION "tridb_station_vertex_ins"() {change}'))
    assert [d[0] for d in diffs(conn, md, **KEEP)] == ["remove_graph_sync", "add_graph_sync"]
    up, _down = autogenerate(conn, md, **KEEP)
    run(conn, up)
    assert diffs(conn, md, **KEEP) == []


def test_extensions_created_first_and_dropped_last(empty_db_url: str) -> None:
    mds = [_item(), graph_models.Base.metadata]
    engine = create_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            up, down = autogenerate(conn, mds)
            assert up.startswith(
                "op.create_extension('vector')\nop.create_extension('age')\nop.create_table("
            )
            assert down.endswith(
                "op.drop_table('item')\nop.drop_extension('age')\nop.drop_extension('vector')"
            )
            run(conn, up)
            assert diffs(conn, mds) == []
            run(conn, down)
            assert conn.execute(text("SELECT extname FROM pg_extension")).scalars().all() == [
                "plpgsql"
            ]
            schema = conn.execute(text("SELECT to_regnamespace('ag_catalog')")).scalar()
            assert schema is None
    finally:
        engine.dispose()


def test_excluded_tables_get_no_sync_operations(conn: Connection) -> None:
    md = graph_models.Base.metadata
    for table in md.sorted_tables:
        table.create(conn)

    def skip_route(obj: object, name: str | None, type_: str, *_: object) -> bool:
        return not (type_ == "table" and name == "route")

    up, _down = autogenerate(conn, md, include_object=skip_route, **KEEP)
    assert "op.create_graph_sync('station'" in up
    assert "op.create_graph_sync('route'" not in up


def test_user_include_name_decides_about_graphs_and_labels(conn: Connection) -> None:
    md = graph_models.Base.metadata
    for table in md.sorted_tables:
        table.create(conn)

    def skip_route_label(name: str | None, type_: str, parent: dict[str, Any]) -> bool:
        return not (type_ == "table" and name == "ROUTE" and parent.get("schema_name") == "metro")

    up, _down = autogenerate(conn, md, include_name=skip_route_label, **KEEP)
    assert "op.create_vertex_label('metro', 'Station')" in up
    assert "op.create_edge_label('metro', 'ROUTE')" not in up

    def skip_metro(name: str | None, type_: str, parent: dict[str, Any]) -> bool:
        return not (type_ == "schema" and name == "metro")

    up, _down = autogenerate(conn, md, include_name=skip_metro, **KEEP)
    assert "op.create_graph('metro')" not in up
    assert "create_vertex_label" not in up and "create_edge_label" not in up
