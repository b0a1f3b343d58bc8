"""The README's demo runs and prints the versions read from the live server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_prints_live_versions(tridb_url: str) -> None:
    env = {**os.environ, "TRIDB_DATABASE_URL": tridb_url}
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert re.search(r"^PostgreSQL 1[6-9]\.\d+", out.stdout, re.M), out.stdout
    assert re.search(r"^pgvector   0\.[7-9]\.\d+ .*distance of two axes: 1\.0", out.stdout, re.M)
    assert re.search(r'^Apache AGE 1\.\d+\.\d+ .*"hello from AGE"', out.stdout, re.M)
