"""Each test gets its own clean database (engine fixtures) or a rolled-back session.

Every test here stands alone, in any order: what one test's fixtures would leave
for the next is looked at inside a single test, by cloning the template again,
or by running a small test file of its own with pytester.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sqlalchemy_tridb.testing import TemplateDatabase, tridb_database_factory, tridb_engine_factory


def _databases(server_url: str) -> set[str]:
    engine = create_engine(server_url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
    finally:
        engine.dispose()


def _has_table(engine: Engine, name: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar_one() is not None


def test_a_clone_does_not_see_what_another_committed(
    tridb_engine: Engine, tridb_template: TemplateDatabase
) -> None:
    with tridb_engine.begin() as conn:
        conn.execute(text("CREATE TABLE leak (v text)"))
        conn.execute(text("INSERT INTO leak VALUES ('committed')"))
        mine = conn.execute(text("SELECT current_database()")).scalar_one()
    with tridb_engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM leak")).scalar_one() == "committed"
    for other in tridb_template.engine():
        with other.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar_one() != mine
            exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
        assert {"vector", "age"} <= exts
        assert not _has_table(other, "leak")


def test_a_clone_is_dropped_when_it_is_done_with(
    tridb_template: TemplateDatabase, tridb_server_url: str
) -> None:
    clones = tridb_template.clone()
    url = next(clones)
    name = make_url(url).database
    assert name in _databases(tridb_server_url)
    clones.close()  # what the end of a test does to tridb_url's clone
    assert name not in _databases(tridb_server_url)
    assert tridb_template.name in _databases(tridb_server_url)


def test_session_commits_are_savepoints_no_other_connection_sees(
    tridb_session: Session, tridb_shared_engine: Engine
) -> None:
    tridb_session.execute(text("CREATE TABLE leak2 (v text)"))
    tridb_session.execute(text("SELECT ag_catalog.create_graph('leak_graph')"))
    tridb_session.execute(text("INSERT INTO leak2 VALUES ('committed, then rolled back')"))
    tridb_session.commit()  # a savepoint release: the test still sees its work
    assert tridb_session.execute(text("SELECT count(*) FROM leak2")).scalar_one() == 1
    assert not _has_table(tridb_shared_engine, "leak2")
    with tridb_shared_engine.connect() as conn:
        graphs = conn.execute(text("SELECT count(*) FROM ag_catalog.ag_graph")).scalar_one()
    assert graphs == 0


def _seed(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE seed (v text)"))
    conn.execute(text("INSERT INTO seed VALUES ('from the template')"))


bare_template = tridb_database_factory(load=[_seed], extensions=())
bare_engine = tridb_engine_factory("bare_template", pool_size=1)


def test_a_template_of_ones_own_is_cloned_with_its_rows_and_extensions(
    bare_engine: Engine,
) -> None:
    assert bare_engine.pool.size() == 1  # type: ignore[attr-defined]
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM seed")).scalar_one() == "from the template"
        exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    assert exts == {"plpgsql"}


LEAVES_WORK_BEHIND = """
from pathlib import Path

from sqlalchemy import text


def test_leaves_work_behind(tridb_session, tridb_engine):
    tridb_session.execute(text("CREATE TABLE leak (v text)"))
    tridb_session.execute(text("SELECT ag_catalog.create_graph('leak_graph')"))
    tridb_session.commit()
    with tridb_engine.begin() as conn:
        conn.execute(text("CREATE TABLE leak (v text)"))
        Path("clone.txt").write_text(conn.execute(text("SELECT current_database()")).scalar_one())
    assert tridb_session.execute(text("SELECT to_regclass('leak')")).scalar_one() is not None


def test_finds_none_of_it(tridb_session, tridb_engine):
    assert tridb_session.execute(text("SELECT to_regclass('leak')")).scalar_one() is None
    graphs = tridb_session.execute(text("SELECT count(*) FROM ag_catalog.ag_graph"))
    assert graphs.scalar_one() == 0
    with tridb_engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('leak')")).scalar_one() is None
        before = Path("clone.txt").read_text()
        gone = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": before})
        assert gone.all() == []  # the clone of the test before was dropped
"""


def test_the_next_test_finds_nothing_of_the_one_before(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tridb_server_url: str
) -> None:
    monkeypatch.setenv("TRIDB_DATABASE_URL", tridb_server_url)
    path = pytester.makepyfile(test_order=LEAVES_WORK_BEHIND)
    first, second = (f"{path.name}::test_leaves_work_behind", f"{path.name}::test_finds_none_of_it")
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", first, second
    )
    result.assert_outcomes(passed=2)
    clone = (pytester.path / "clone.txt").read_text()
    assert clone.startswith("tridb_tpl_")
    assert clone not in _databases(tridb_server_url)
