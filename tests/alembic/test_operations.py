"""Each custom operation: its rendering, its reverse, its SQL in offline mode."""

from __future__ import annotations

import io

import pytest
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op_text
from alembic.migration import MigrationContext
from alembic.operations import MigrateOperation, Operations

from alembic_ext import include_name, include_object
from alembic_ext.operations import (
    BackfillEmbeddingsOp,
    CreateEdgeLabelOp,
    CreateExtensionOp,
    CreateGraphOp,
    CreateGraphSyncOp,
    CreateVertexLabelOp,
)
from alembic_ext.plugin import PLUGIN_NAME, configure_options, register, setup

CASES: list[tuple[MigrateOperation, str, str, list[str]]] = [
    (
        CreateExtensionOp("vector"),
        "op.create_extension('vector')",
        "op.drop_extension('vector')",
        ['CREATE EXTENSION IF NOT EXISTS "vector";'],
    ),
    (
        CreateGraphOp("social"),
        "op.create_graph('social')",
        "op.drop_graph('social')",
        [
            "DO $tridb$ BEGIN IF NOT 'ag_catalog' = ANY (current_schemas(false)) THEN "
            "PERFORM set_config('search_path', current_setting('search_path') || ', ag_catalog', "
            "true); END IF; IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = "
            "'social') THEN PERFORM ag_catalog.create_graph('social'); END IF; END $tridb$;"
        ],
    ),
    (
        CreateVertexLabelOp("social", "Person"),
        "op.create_vertex_label('social', 'Person')",
        "op.drop_vertex_label('social', 'Person')",
        [
            "PERFORM ag_catalog.create_vlabel('social', 'Person'); END IF;",
            'CREATE UNIQUE INDEX IF NOT EXISTS "Person_tridb_id" ON "social"."Person" (id);',
        ],
    ),
    (
        CreateEdgeLabelOp("social", "KNOWS"),
        "op.create_edge_label('social', 'KNOWS')",
        "op.drop_edge_label('social', 'KNOWS')",
        [
            "PERFORM ag_catalog.create_elabel('social', 'KNOWS'); END IF;",
            'CREATE INDEX IF NOT EXISTS "KNOWS_tridb_start" ON "social"."KNOWS" '
            "(start_id, end_id);",
        ],
    ),
    (
        CreateGraphSyncOp("t", ["SELECT 1", "SELECT 2"], reverse_statements=["SELECT 3"]),
        "op.create_graph_sync('t', statements=[\n    'SELECT 1',\n    'SELECT 2',\n], "
        "drop_statements=[\n    'SELECT 3',\n])",
        "op.drop_graph_sync('t', statements=[\n    'SELECT 3',\n], "
        "create_statements=[\n    'SELECT 1',\n    'SELECT 2',\n])",
        ["SELECT 1;\n\nSELECT 2;"],
    ),
]


def _render(op: MigrateOperation) -> str:
    ctx = MigrationContext.configure(dialect_name="postgresql")
    return render_op_text(AutogenContext(ctx, autogenerate=False), op)


def _offline(op: MigrateOperation) -> str:
    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buf}
    )
    Operations(ctx).invoke(op)
    return buf.getvalue()


@pytest.mark.parametrize(("op", "upgrade", "downgrade", "sql"), CASES)
def test_render_reverse_and_offline_sql(
    op: MigrateOperation, upgrade: str, downgrade: str, sql: list[str]
) -> None:
    assert _render(op) == upgrade
    assert _render(op.reverse()) == downgrade
    assert _render(op.reverse().reverse()) == upgrade
    offline = _offline(op)
    for fragment in sql:
        assert fragment in offline
    assert _offline(op.reverse())  # the reverse renders SQL too


def test_drop_extension_age_removes_its_schema_offline() -> None:
    sql = _offline(CreateExtensionOp("age").reverse())
    assert sql == (
        'DROP EXTENSION IF EXISTS "age";\n\n'
        'DO $tridb$ BEGIN DROP SCHEMA IF EXISTS "ag_catalog"; '
        "EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $tridb$;\n\n"
    )


def test_backfill_renders_with_instructions() -> None:
    op = BackfillEmbeddingsOp("product", "embedding", attribute="app.models:Product.embedding")
    assert _render(op) == (
        "# Backfill: rows already in product get their embedding computed here.\n"
        "# It does nothing when no row has a NULL vector; otherwise it imports the attribute\n"
        "# below and runs sqlalchemy_tridb.vector.backfill() in this transaction.\n"
        "op.backfill_embeddings('product', 'embedding', "
        "attribute='app.models:Product.embedding')"
    )
    assert _render(op.reverse()) == "# (the backfill of product.embedding has nothing to undo)"
    assert _offline(op).startswith("-- product.embedding: rows with a NULL embedding need one")


def test_setup_through_alembics_plugin_api() -> None:
    from alembic.runtime.plugins import Plugin
    from alembic.util import PriorityDispatcher

    register()
    register()  # idempotent
    plugin = Plugin("tridb_test_copy")
    try:
        setup(plugin)
        dispatcher = PriorityDispatcher()
        Plugin.populate_autogenerate_priority_dispatch(dispatcher, ["tridb_test_copy"])
        targets = {key[0] for key in dispatcher._registry}
        assert targets == {"autogenerate", "schema", "table"}
    finally:
        plugin.remove()


def test_configure_options_chains_user_hooks() -> None:
    seen: list[str] = []

    def user_name(name: str | None, type_: str, parents: dict[str, object]) -> bool:
        seen.append(str(name))
        return name != "secret"

    opts = configure_options(include_name=user_name, autogenerate_plugins=["alembic.*"])
    assert opts["autogenerate_plugins"] == ["alembic.*", PLUGIN_NAME]
    assert opts["include_name"]("ag_graph", "table", {"schema_name": None}) is False
    assert opts["include_name"]("secret", "table", {"schema_name": None}) is False
    assert opts["include_name"]("person", "table", {"schema_name": None}) is True
    assert seen == ["secret", "person"]
    assert configure_options(**opts)["render_item"] is opts["render_item"]


@pytest.mark.parametrize(
    ("name", "type_", "parents", "expected"),
    [
        ("ag_catalog", "schema", {}, False),
        ("social", "schema", {}, False),  # a graph's schema
        ("public", "schema", {}, True),
        ("ag_label", "table", {"schema_name": None}, False),
        ("_ag_label_vertex", "table", {"schema_name": "social"}, False),
        ("Person", "table", {"schema_name": "social"}, False),
        ("person", "table", {"schema_name": None}, True),
    ],
)
def test_include_name(name: str, type_: str, parents: dict[str, str], expected: bool) -> None:
    assert include_name(name, type_, parents, graph_schemas=frozenset({"social"})) is expected


def test_include_object_hides_label_table_indexes() -> None:
    from sqlalchemy import Column, Index, Integer, MetaData, Table

    t = Table("Person", MetaData(), Column("id", Integer), schema="social")
    ix = Index("Person_tridb_id", t.c.id)
    assert not include_object(ix, ix.name, "index", True, None, graph_schemas=frozenset({"social"}))
    assert not include_object(t, "Person", "table", True, None, graph_schemas=frozenset({"social"}))
