"""Each test gets its own clean database (engine fixtures) or a rolled-back session."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

WRITTEN: list[str] = []


def test_first_writes_a_row(tridb_engine: Engine) -> None:
    with tridb_engine.begin() as conn:
        conn.execute(text("CREATE TABLE leak (v text)"))
        conn.execute(text("INSERT INTO leak VALUES ('from the first test')"))
        WRITTEN.append(conn.execute(text("SELECT current_database()")).scalar_one())
    with tridb_engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM leak")).scalar_one() == "from the first test"


def test_second_does_not_see_it(tridb_engine: Engine) -> None:
    assert WRITTEN, "runs after test_first_writes_a_row"
    with tridb_engine.connect() as conn:
        assert conn.execute(text("SELECT current_database()")).scalar_one() != WRITTEN[0]
        assert conn.execute(text("SELECT to_regclass('leak')")).scalar_one() is None
        exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    assert {"vector", "age"} <= exts


def test_session_commits_inside_the_test(tridb_session: Session) -> None:
    tridb_session.execute(text("CREATE TABLE leak2 (v text)"))
    tridb_session.execute(text("SELECT ag_catalog.create_graph('leak_graph')"))
    tridb_session.execute(text("INSERT INTO leak2 VALUES ('committed, then rolled back')"))
    tridb_session.commit()  # a savepoint release: the test still sees its work
    assert tridb_session.execute(text("SELECT count(*) FROM leak2")).scalar_one() == 1


def test_session_work_is_rolled_back_afterwards(tridb_session: Session) -> None:
    assert tridb_session.execute(text("SELECT to_regclass('leak2')")).scalar_one() is None
    graphs = tridb_session.execute(text("SELECT count(*) FROM ag_catalog.ag_graph")).scalar_one()
    assert graphs == 0
