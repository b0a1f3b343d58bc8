"""``tridb tune``: the report on stdout, the choice stored on the index, --json and --dry-run."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, text

from sqlalchemy_tridb.cli.main import main

from .test_tune_search import tune_engine, tune_template  # noqa: F401  (the fixtures)


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_tune_prints_the_report_and_stores_the_choice(
    tune_engine: Engine,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--url", _url(tune_engine), "--recall", "0.95", "--queries", "20"]
    code = main(["tune", "tests.tune.models:Point.embedding", *args])
    out = capsys.readouterr().out
    assert code == 0 and "chosen: ef_search=" in out and "stored on the index" in out, out
    chosen = out.split("chosen: ef_search=")[1].split()[0]
    with tune_engine.connect() as conn:
        comment = conn.scalar(
            text("SELECT obj_description('ix_point_embedding_hnsw'::regclass, 'pg_class')")
        )
    assert comment.startswith(f"tridb.tune: ef_search={chosen} ")


def test_tune_json_dry_run(
    tune_engine: Engine,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--url", _url(tune_engine), "--queries", "10", "--json", "--dry-run"]
    code = main(["tune", "tests.tune.models:Cell.embedding", *args])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["setting"] == "probes" and report["stored"] is False
    assert report["trials"][-1]["recall"] >= 0.99 and report["advice"]


def test_tune_of_a_column_without_index_is_an_error(
    tune_engine: Engine,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["tune", "tests.tune.models:Bare.embedding", "--url", _url(tune_engine)])
    assert code == 1 and "no HNSW or IVFFlat index" in capsys.readouterr().err
