"""Each test gets its own clean database, cloned from the template."""

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


def test_second_does_not_see_it(tridb_session: Session) -> None:
    assert WRITTEN, "runs after test_first_writes_a_row"
    db = tridb_session.execute(text("SELECT current_database()")).scalar_one()
    assert db != WRITTEN[0]
    assert tridb_session.execute(text("SELECT to_regclass('leak')")).scalar_one() is None
    exts = set(tridb_session.execute(text("SELECT extname FROM pg_extension")).scalars())
    assert {"vector", "age"} <= exts
