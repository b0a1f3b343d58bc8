"""The embeddings example runs end to end (deterministic provider, to stay fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_example_runs(tridb_url: str) -> None:
    env = {**os.environ, "TRIDB_DATABASE_URL": tridb_url}
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "embeddings_search.py"),
            "--provider",
            "deterministic",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "stored 8 embeddings" in out.stdout
    assert "backfilled 1 row(s)" in out.stdout
    assert "nearest to 'record player': Vinyl turntable" in out.stdout
