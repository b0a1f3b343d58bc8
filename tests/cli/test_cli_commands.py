"""`tridb db` and `tridb backfill` against the real server."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import create_engine, insert, select, text

from sqlalchemy_tridb.cli.main import main

from .cli_models import PROVIDER, Base, Note


def test_db_create_and_drop(tridb_server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "create", "tridb_cli_probe", "--url", tridb_server_url, "--replace"]) == 0
    url = capsys.readouterr().out.strip()
    engine = create_engine(url)
    with engine.connect() as conn:
        exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    engine.dispose()
    assert {"vector", "age"} <= exts
    # a second create without --replace is a typed error with what to do
    assert main(["db", "create", "tridb_cli_probe", "--url", tridb_server_url]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["db", "drop", "tridb_cli_probe", "--url", tridb_server_url]) == 0


def test_backfill_fills_rows_left_null(tridb_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = create_engine(tridb_url, plugins=["tridb"])
    Base.metadata.create_all(engine)
    with engine.begin() as conn:  # Core statements skip the embedding sync: NULL vectors
        conn.execute(insert(Note), [{"id": i, "body": f"note number {i}"} for i in range(1, 6)])
    argv = ["backfill", "tests.cli.cli_models:Note.embedding", "--url", tridb_url]
    assert main([*argv, "--batch-size", "2"]) == 0
    assert "5 vector(s) computed" in capsys.readouterr().out
    with engine.connect() as conn:
        rows = conn.execute(select(Note.id, Note.body, Note.embedding).order_by(Note.id)).all()
    for _id, body, vec in rows:
        assert np.allclose(np.asarray(vec), PROVIDER.embed([body])[0], atol=1e-6)
    assert main(argv) == 0
    assert "0 vector(s) computed" in capsys.readouterr().out
    engine.dispose()


def test_backfill_bad_attribute_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backfill", "no_colon_here"]) == 1
    assert "package.module:Class.attribute" in capsys.readouterr().err
    assert main(["backfill", "tests.cli.cli_models:Nope.embedding"]) == 1
    assert "has no" in capsys.readouterr().err
