"""The pytest plugin itself: the ``db`` marker, and what happens when there is no server.

None of these tests needs a server: they run pytest on small test files with
pytester and look at the outcome.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sqlalchemy_tridb.testing.fixtures import SERVER_FIXTURES

#: For the inner runs: no cache folder, and no hypothesis plugin (its terminal
#: summary costs about a second a run; the inner test files do not use it).
PLAIN = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")

TWO_TESTS = """
def test_needs_no_server():
    assert 1 + 1 == 2


def test_needs_the_server(tridb_engine):
    raise AssertionError("ran without a server")
"""


def _without_a_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TRIDB_DATABASE_URL", raising=False)
    monkeypatch.setenv("TRIDB_HOME", str(tmp_path / "no-server-here"))
    # No backend can be chosen, so starting the local server raises
    # ServerUnavailableError at once, as it does on a machine with neither
    # PostgreSQL with both extensions nor root for the Debian root filesystem
    # (which cannot be provoked here, and would take minutes to find out).
    monkeypatch.setenv("TRIDB_BACKEND", "none")


def test_without_a_server_db_tests_skip_saying_what_to_set(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _without_a_server(monkeypatch, tmp_path)
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest_subprocess("-rs", *PLAIN)
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*no database server: set TRIDB_DATABASE_URL (or pass --tridb-url*"
            "`tridb server start`*-m \"not db\"*unknown backend 'none'*"
        ]
    )
    assert not (tmp_path / "no-server-here" / "server.json").exists()


def test_not_db_leaves_out_the_tests_that_need_a_server(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _without_a_server(monkeypatch, tmp_path)
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("-m", "not db", *PLAIN)
    result.assert_outcomes(passed=1, deselected=1)


def test_a_named_server_that_cannot_be_reached_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TRIDB_DATABASE_URL", f"postgresql+psycopg://me:s3cret@127.0.0.1:{port}/x")
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest(*PLAIN)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*the server named by TRIDB_DATABASE_URL (postgresql+psycopg://me:***@127.0.0.1:{port}/x)"
            " cannot be used: *"
        ]
    )
    assert "s3cret" not in result.stdout.str()


def test_the_option_wins_over_the_environment_and_is_named_when_it_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIDB_DATABASE_URL", "postgresql+psycopg://never:used@127.0.0.1:1/x")
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest(*PLAIN, "--tridb-url=postgresql+psycopg://o@127.0.0.1:1/y")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*the server named by --tridb-url (postgresql+psycopg://o@127.0.0.1:1/y)*"]
    )


MARKED = """
import pytest
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

shop_template = tridb_database_factory(load=[])
shop_engine = tridb_engine_factory("shop_template")


@pytest.fixture
def my_server():
    return "postgresql+psycopg://elsewhere/db"


other_template = tridb_database_factory(server_fixture="my_server")


@pytest.fixture
def shop(shop_engine):
    return shop_engine


def test_plain(tmp_path): pass
def test_url(tridb_url): pass
def test_engine(tridb_engine): pass
def test_session(tridb_session): pass
def test_server(tridb_server_url): pass
def test_own_template(shop): pass
def test_own_server(other_template): pass
@pytest.mark.usefixtures("tridb_template")
def test_used(): pass
"""


def test_every_test_reaching_a_server_fixture_is_marked_db(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked=MARKED)
    remembered = set(SERVER_FIXTURES)
    try:
        result = pytester.runpytest("--collect-only", "-q", "-m", "db", *PLAIN)
        selected = {line.split("::")[1] for line in result.outlines if "::" in line}
        result = pytester.runpytest("--collect-only", "-q", "-m", "not db", *PLAIN)
        others = [line for line in result.outlines if "::" in line]
    finally:  # the factory remembered "my_server" for this process: forget it again
        SERVER_FIXTURES.intersection_update(remembered)
    assert selected == {
        "test_url",
        "test_engine",
        "test_session",
        "test_server",
        "test_own_template",
        "test_own_server",
        "test_used",
    }
    assert others == ["test_marked.py::test_plain"]


def test_the_db_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.db: needs a PostgreSQL server with pgvector*"])
