"""Each custom operation: its rendering, its reverse, its SQL in offline mode."""

from __future__ import annotations

import ast
import io
from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import render_python_code
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op_text
from alembic.migration import MigrationContext
from alembic.operations import MigrateOperation, Operations
from alembic.operations.ops import UpgradeOps
from alembic.runtime.plugins import Plugin
from alembic.util import DispatchPriority, PriorityDispatcher
from sqlalchemy import Column, Index, Integer, MetaData, Table
from tridb_alembic_cases.golden import assert_golden

from alembic_ext import include_name, include_object
from alembic_ext.operations import (
    BackfillEmbeddingsOp,
    CreateEdgeLabelOp,
    CreateExtensionOp,
    CreateGraphOp,
    CreateGraphSyncOp,
    CreateVertexLabelOp,
)
from alembic_ext.plugin import (
    PLUGIN_NAME,
    compare_extensions,
    compare_graphs,
    compare_outbox,
    compare_syncs,
    compare_vector_table,
    configure_options,
    prepare,
    register,
    setup,
)
from sqlalchemy_tridb.exc import IdentifierError
from sqlalchemy_tridb.graph import GrantGraphRead
from sqlalchemy_tridb.sql.ddl import CreateExtension

#: (operation, its render, its reverse's render, the golden file of both's offline SQL)
CASES: list[tuple[MigrateOperation, str, str, str]] = [
    (
        CreateExtensionOp("vector"),
        "op.create_extension('vector')",
        "op.drop_extension('vector')",
        "extension_vector.sql",
    ),
    (
        CreateGraphOp("social"),
        "op.create_graph('social')",
        "op.drop_graph('social')",
        "graph_social.sql",
    ),
    (
        CreateVertexLabelOp("social", "Person"),
        "op.create_vertex_label('social', 'Person')",
        "op.drop_vertex_label('social', 'Person')",
        "vertex_label_person.sql",
    ),
    (
        CreateEdgeLabelOp("social", "KNOWS"),
        "op.create_edge_label('social', 'KNOWS')",
        "op.drop_edge_label('social', 'KNOWS')",
        "edge_label_knows.sql",
    ),
    (
        CreateGraphSyncOp("t", ["SELECT 1", "SELECT 2"], reverse_statements=["SELECT 3"]),
        "op.create_graph_sync('t', statements=[\n    'SELECT 1',\n    'SELECT 2',\n], "
        "drop_statements=[\n    'SELECT 3',\n])",
        "op.drop_graph_sync('t', statements=[\n    'SELECT 3',\n], "
        "create_statements=[\n    'SELECT 1',\n    'SELECT 2',\n])",
        "graph_sync_t.sql",
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


@pytest.mark.parametrize(("op", "upgrade", "downgrade", "golden"), CASES)
def test_render_reverse_and_offline_sql(
    op: MigrateOperation, upgrade: str, downgrade: str, golden: str
) -> None:
    assert _render(op) == upgrade
    assert _render(op.reverse()) == downgrade
    assert _render(op.reverse().reverse()) == upgrade
    offline = f"-- upgrade\n{_offline(op)}-- downgrade\n{_offline(op.reverse())}"
    assert_golden(f"offline/{golden}", offline.rstrip("\n"))


def test_drop_extension_age_removes_its_schema_offline() -> None:
    sql = _offline(CreateExtensionOp("age").reverse())
    assert sql == (
        'DROP EXTENSION IF EXISTS "age";\n\n'
        'DO $tridb$ BEGIN DROP SCHEMA IF EXISTS "ag_catalog"; '
        "EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $tridb$;\n\n"
    )


def test_extension_names_are_quoted_and_checked() -> None:
    assert _offline(CreateExtensionOp("uuid-ossp")) == (
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n\n'
    )
    with pytest.raises(IdentifierError, match="extension name"):
        CreateExtension('x"; DROP TABLE t; --')


def test_multi_line_sync_statements_render_one_line_of_sql_a_line() -> None:
    op = CreateGraphSyncOp(
        "t",
        ["CREATE FUNCTION f() RETURNS trigger\nLANGUAGE plpgsql AS $$\nSELECT 'x';\n$$"],
        reverse_statements=["DROP FUNCTION f()"],
    )
    assert _render(op) == (
        "op.create_graph_sync('t', statements=[\n"
        "    (\n"
        "        'CREATE FUNCTION f() RETURNS trigger\\n'\n"
        "        'LANGUAGE plpgsql AS $$\\n'\n"
        "        \"SELECT 'x';\\n\"\n"
        "        '$$'\n"
        "    ),\n"
        "], drop_statements=[\n"
        "    'DROP FUNCTION f()',\n"
        "])"
    )


#: Statements no SQL generator writes, but which a migration must carry exactly:
#: quotes of both kinds and in threes, backslashes, tabs, carriage returns,
#: trailing spaces, blank and empty lines, a final newline, non-ASCII, NUL.
AWKWARD = [
    "",
    "\n",
    "SELECT 'it''s', \"col\" FROM t",
    'SELECT \'"""\' AS a,\n  "\'\'\'" AS b  \n\n\tFROM "t"\\\n',
    "SELECT E'\\\\d+\\n' ~ x\r\nFROM t\r\n\u2028-- café \x00 \\",
    "DO $$\nBEGIN\n    RAISE NOTICE '%: %', 'a', \"b\";   \nEND\n$$\n",
]


class _Recorder:
    """Stands in for ``op``: records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return record


def test_sync_statements_round_trip_exactly() -> None:
    op = CreateGraphSyncOp("t", AWKWARD, reverse_statements=AWKWARD[::-1])
    want = [
        ("create_graph_sync", ("t",), {"statements": AWKWARD, "drop_statements": AWKWARD[::-1]})
    ]
    # the operation as rendered ...
    rendered = _render(op)
    listed = rendered[rendered.index("[") : rendered.index(", drop_statements=")]
    assert ast.literal_eval(listed) == AWKWARD
    recorder = _Recorder()
    eval(rendered, {"op": recorder})
    assert recorder.calls == want
    # ... and as Alembic writes it into a migration's upgrade(): every line indented
    body = render_python_code(UpgradeOps([op]))
    recorder = _Recorder()
    exec(f"def upgrade():\n    {body}\n\n\nupgrade()", {"op": recorder})
    assert recorder.calls == want


def test_backfill_renders_with_instructions() -> None:
    op = BackfillEmbeddingsOp("product", "embedding", attribute="app.models:Product.embedding")
    assert _render(op) == (
        "# Backfill: rows already in product get their embedding computed here.\n"
        "# It does nothing when no row has a NULL vector; otherwise it computes them in this\n"
        "# transaction, with the source and provider the column has in this revision.\n"
        "op.backfill_embeddings('product', 'embedding', "
        "attribute='app.models:Product.embedding')"
    )
    assert _render(op.reverse()) == "# (the backfill of product.embedding has nothing to undo)"
    assert _offline(op).startswith("-- product.embedding: rows with a NULL embedding need one")


class _RecordingPlugin(Plugin):
    """A real Alembic plugin that also records what ``setup()`` registers."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.added: list[tuple[Any, ...]] = []

    def add_autogenerate_comparator(
        self,
        fn: Callable[..., Any],
        compare_target: str,
        compare_element: str | None = None,
        *,
        qualifier: str = "default",
        priority: DispatchPriority = DispatchPriority.MEDIUM,
    ) -> None:
        self.added.append((fn, compare_target, compare_element, qualifier, priority))
        super().add_autogenerate_comparator(
            fn, compare_target, compare_element, qualifier=qualifier, priority=priority
        )


def test_setup_through_alembics_plugin_api() -> None:
    register()
    register()  # idempotent
    plugin = _RecordingPlugin("tridb_test_copy")
    try:
        setup(plugin)
        first, last = DispatchPriority.FIRST, DispatchPriority.LAST
        assert plugin.added == [
            (prepare, "autogenerate", None, "postgresql", first),
            (compare_graphs, "schema", "graphs", "postgresql", last),
            (compare_syncs, "schema", "graph_syncs", "postgresql", last),
            (compare_extensions, "schema", "extensions", "postgresql", last),
            (compare_outbox, "schema", "embedding_outbox", "postgresql", last),
            (compare_vector_table, "table", "vector_indexes", "postgresql", last),
        ]
        # Alembic finds the plugin by name (it raises CommandError otherwise)
        Plugin.populate_autogenerate_priority_dispatch(PriorityDispatcher(), ["tridb_test_copy"])
    finally:
        plugin.remove()


def test_configure_options_only_names_the_plugin() -> None:
    def user_name(name: str | None, type_: str, parents: dict[str, object]) -> bool:
        return name != "secret"

    opts = configure_options(include_name=user_name, autogenerate_plugins=["alembic.*"])
    # the filters and the type renderer are the plugin's, per run (tests/alembic/test_safety.py)
    assert opts == {"include_name": user_name, "autogenerate_plugins": ["alembic.*", PLUGIN_NAME]}
    assert configure_options(**opts) == opts


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
    t = Table("Person", MetaData(), Column("id", Integer), schema="social")
    ix = Index("Person_tridb_id", t.c.id)
    assert not include_object(ix, ix.name, "index", True, None, graph_schemas=frozenset({"social"}))
    assert not include_object(t, "Person", "table", True, None, graph_schemas=frozenset({"social"}))


def test_the_read_grant_runs_from_a_migration_as_the_docs_say() -> None:
    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buf}
    )
    Operations(ctx).execute(GrantGraphRead("social", "app_reader"))
    sql = buf.getvalue()
    assert 'GRANT SELECT ON ALL TABLES IN SCHEMA "social" TO "app_reader";' in sql
    assert 'ALTER DEFAULT PRIVILEGES IN SCHEMA "social" GRANT SELECT ON TABLES' in sql
