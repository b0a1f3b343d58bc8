"""``tridb worker``: --status, --drain, and a clean stop on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text

from sqlalchemy_tridb.cli.main import main

from .models import Note
from .test_deferred import assert_embedded, jobs

ROOT = Path(__file__).resolve().parents[2]
ATTR = "tests.outbox.cli_models:Note.embedding"


def test_status_and_drain(
    engine: Engine, tridb_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": None} for i in range(7)])
    assert main(["worker", "--status", "--url", tridb_url]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("public.note.embedding"))
    assert line.split()[1] == "7"
    assert main(["worker", ATTR, "--drain", "--quiet", "--url", tridb_url]) == 0
    assert "7 vector(s) written" in capsys.readouterr().out
    assert jobs(engine) == []
    assert_embedded(engine)
    assert main(["worker", "--url", tridb_url]) == 2


def test_sigterm_stops_cleanly(engine: Engine, tridb_url: str) -> None:
    cmd = [sys.executable, "-m", "sqlalchemy_tridb.cli.main", "worker", ATTR]
    cmd += ["--url", tridb_url, "--poll", "0.05", "--batch-size", "10"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(Note), [{"id": i, "title": f"t{i}", "body": "b"} for i in range(30)]
            )
        deadline = time.monotonic() + 30
        while jobs(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "30 vector(s) written" in out
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM tridb_outbox.embedding_provenance")).scalar()
            == 30
        )
    assert_embedded(engine)
