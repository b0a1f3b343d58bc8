"""The plugin is safe in every Alembic project (issue 13): each test failed before its fix.

Installed, the package is loaded by every Alembic project of the environment.
It must act only on PostgreSQL with an extension in use, never propose
destroying what the models do not declare unless told to, keep AGE's internals
away from the user's own filters, and the engine plugin must not make AGE's
catalog look like the user's tables.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata, produce_migrations
from alembic.migration import MigrationContext
from sqlalchemy import (
    CheckConstraint,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    text,
)
from tridb_alembic_cases.render import autogenerate, diffs

from alembic_ext import include_object
from alembic_ext.plugin import PLUGIN_NAME, configure_options


def _plain() -> MetaData:
    md = MetaData()
    Table(
        "account",
        md,
        Column("id", Integer, primary_key=True),
        Column("age", Integer, CheckConstraint("age >= 0")),  # column-level: unbound at first
        Column("name", String(40)),
    )
    return md


def _stock(conn: Any, md: MetaData, **opts: Any) -> list[Any]:
    """What Alembic alone finds (the plugin not named)."""
    return compare_metadata(
        MigrationContext.configure(conn, opts={"target_metadata": md, **opts}), md
    )


@pytest.fixture
def ext_conn(db_url: str) -> Iterator[Any]:
    """A connection to a database with ``vector`` and ``age`` (no engine plugin)."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        yield conn
        conn.rollback()
    engine.dispose()


def test_an_unbound_check_constraint_passes_the_filter() -> None:
    constraint = CheckConstraint("x > 0")
    assert include_object(constraint, None, "check_constraint", False, None) is True


def _kinds(found: list[Any]) -> list[tuple[str, str]]:
    return [(d[0], str(getattr(d[1], "name", d[1]))) for d in found]


def test_column_check_constraints_autogenerate(ext_conn: Any) -> None:
    md = _plain()
    assert _kinds(diffs(ext_conn, md)) == _kinds(_stock(ext_conn, md)) == [("add_table", "account")]


def test_other_dialects_are_left_alone() -> None:
    engine = create_engine("sqlite://")
    md = _plain()
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE old (id INTEGER PRIMARY KEY)"))
        named = diffs(conn, md)  # used to fail: no such function: to_regclass
        assert _kinds(named) == _kinds(_stock(conn, md))


def test_no_extension_is_dropped_unless_opted_in(ext_conn: Any) -> None:
    up, _down = autogenerate(ext_conn, _plain())
    assert "drop_extension" not in up
    up, down = autogenerate(ext_conn, _plain(), tridb_drop_extensions=True)
    assert (
        "# tridb_drop_extensions=True: no model needs 'age'; dropping it destroys AGE's "
        "catalog and every graph left, with all their vertices and edges.\n"
        "op.drop_extension('age')" in up
    )
    assert "op.drop_extension('vector')" in up and "op.create_extension('age')" in down


def test_a_graph_made_by_hand_is_kept_unless_opted_in(ext_conn: Any) -> None:
    ext_conn.execute(text("SELECT ag_catalog.create_graph('by_hand')"))
    ext_conn.execute(text("SELECT ag_catalog.create_vlabel('by_hand', 'Thing')"))
    ext_conn.execute(text("SELECT ag_catalog.create_elabel('by_hand', 'LINK')"))
    up, _down = autogenerate(ext_conn, _plain())
    assert "drop_vertex_label" not in up and "drop_edge_label" not in up
    assert "drop_graph" not in up
    up, down = autogenerate(ext_conn, _plain(), tridb_drop_graphs=True)
    assert (
        "# tridb_drop_graphs=True: no model declares label 'Thing' of graph 'by_hand'; "
        "dropping it destroys its table and all its vertices.\n"
        "op.drop_vertex_label('by_hand', 'Thing')" in up
    )
    assert "# tridb_drop_graphs=True: no model declares graph 'by_hand'" in up
    assert "op.create_graph('by_hand')" in down


def test_the_users_filters_never_see_ages_internals(db_url: str) -> None:
    seen: list[tuple[str | None, str | None]] = []

    def user_name(name: str | None, type_: str, parents: dict[str, Any]) -> bool:
        seen.append((parents.get("schema_name"), name))
        return True

    def user_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        seen.append((getattr(obj, "schema", None), name))
        return True

    engine = create_engine(db_url, plugins=["tridb"])  # ag_catalog on the search path
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT ag_catalog.create_graph('g13')"))
            diffs(conn, _plain(), include_name=user_name, include_object=user_object,
                  include_schemas=True)  # fmt: skip
            conn.rollback()
    finally:
        engine.dispose()
    assert seen
    names = {n for _s, n in seen} | {s for s, _n in seen}
    # (the graph itself is the user's to decide about, as a "schema": docs/alembic.md)
    assert not names & {"ag_catalog", "ag_graph", "ag_label", "_ag_label_vertex", "_ag_label_edge"}
    assert ("g13", "_ag_label_vertex") not in seen


def test_configure_options_leaves_the_users_keywords(ext_conn: Any) -> None:
    opts = configure_options(target_metadata=None)
    assert opts == {
        "target_metadata": None,
        "autogenerate_plugins": ["alembic.autogenerate.*", PLUGIN_NAME],
    }


def test_registering_does_not_log_again(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="alembic.runtime.plugins"):
        configure_options()
    assert "setup plugin" not in caplog.text


def test_engine_plugin_and_stock_env_propose_no_ag_catalog_drop(db_url: str) -> None:
    engine = create_engine(db_url, plugins=["tridb"])  # no alembic plugin named
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            warnings.simplefilter("error")  # Did not recognize type 'regnamespace'
            script = produce_migrations(
                MigrationContext.configure(conn, opts={"target_metadata": MetaData()}), MetaData()
            )
            assert script.upgrade_ops is not None and script.upgrade_ops.as_diffs() == []
    finally:
        engine.dispose()


def test_reflect_and_drop_all_through_the_engine_plugin(db_url: str) -> None:
    engine = create_engine(db_url, plugins=["tridb"])
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE mine (id int PRIMARY KEY)"))
        md = MetaData()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            md.reflect(engine)
        assert sorted(md.tables) == ["mine"]
        md.drop_all(engine)
        with engine.connect() as conn:
            left = conn.scalar(text("SELECT count(*) FROM ag_catalog.ag_graph"))
            assert left == 0  # AGE's catalog is intact
            assert conn.scalar(text("SELECT to_regclass('public.mine')")) is None
            assert "ag_graph" in __import__("sqlalchemy").inspect(conn).get_table_names(
                "ag_catalog"
            )
    finally:
        engine.dispose()
