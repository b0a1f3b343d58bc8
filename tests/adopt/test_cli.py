"""`tridb graph sync | check | repair` and `tridb doctor`; models found in the current folder."""

from __future__ import annotations

import importlib.util
import json
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Engine, text

from sqlalchemy_tridb.cli.main import main

from .models import GRAPH, Base

MODELS = "adopt.models:Base"


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_check_exits_1_on_drift_json_and_table_then_repair(
    mirrored: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(mirrored)
    assert main(["graph", "check", MODELS, "--url", url]) == 0
    assert capsys.readouterr().out.rstrip().endswith("graph == rows")
    with mirrored.begin() as conn:
        conn.execute(text(f'DELETE FROM "{GRAPH}"."Customer"'))
    assert main(["graph", "check", MODELS, "--url", url, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    customer = next(x for x in data["labels"] if x["label"] == "Customer")
    assert customer["missing"] == 20 and data["drift"] >= 20
    assert main(["graph", "sync", MODELS, "--url", url, "--dry-run"]) == 0
    assert "shop.Customer (vertex): would add 20" in capsys.readouterr().out.replace(GRAPH, "shop")
    assert main(["graph", "repair", MODELS, "--url", url, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert f"{GRAPH}.Customer (vertex): add 20" in out and out.rstrip().endswith("graph == rows")
    with mirrored.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
    assert main(["doctor", MODELS, "--url", url]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_sync_shows_a_progress_bar(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "sync", MODELS, "--url", _url(engine), "--label", "Product"]) == 0
    captured = capsys.readouterr()
    assert "Product rows" in captured.err and "50/50" in captured.err  # tqdm's bar, on stderr
    assert "add 50" in captured.out


def test_doctor_names_each_fix(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", MODELS, "--url", _url(engine), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert {p["area"] for p in problems} == {"graph", "trigger"}
    assert all(p["fix"] == f"tridb graph sync {MODELS}" for p in problems)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A project folder with its own package, not importable from anywhere else."""
    name = f"myapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / name / "models.py").write_text(
        textwrap.dedent(
            """
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
            from sqlalchemy_tridb import DeterministicProvider, Embedding


            class Base(DeclarativeBase):
                pass


            class Note(Base):
                __tablename__ = "note"
                id: Mapped[int] = mapped_column(primary_key=True)
                body: Mapped[str]
                embedding: Mapped[list[float] | None] = Embedding(
                    source="body", provider=DeterministicProvider(dimension=8), index=None
                )
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    before = list(sys.path)
    yield name
    sys.path[:] = before
    for mod in [m for m in sys.modules if m.split(".")[0] == name]:
        del sys.modules[mod]


def test_backfill_finds_the_models_in_the_current_folder(
    project: str, tridb_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert importlib.util.find_spec(project) is None  # not importable before (no PYTHONPATH=.)
    with tridb_engine.begin() as conn:  # the table as an existing application has it
        conn.execute(text("CREATE TABLE note (id int PRIMARY KEY, body text, embedding vector(8))"))
        conn.execute(text("INSERT INTO note (id, body) VALUES (1, 'one'), (2, 'two')"))
    url = _url(tridb_engine)
    assert main(["backfill", f"{project}.models:Note.embedding", "--url", url]) == 0
    assert "2 vector(s) computed" in capsys.readouterr().out
    assert main(["doctor", f"{project}.models:Base", "--url", url]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_a_module_that_is_not_there_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "check", "nowhere_to_be_found.models:Base"]) == 1
    err = capsys.readouterr().err
    assert "nowhere_to_be_found" in err and str(tmp_path) in err
