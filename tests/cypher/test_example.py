"""examples/cypher_basics.py runs against a fresh database and prints what it found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cypher_basics_example(tridb_url: str) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "cypher_basics.py")],
        capture_output=True,
        text=True,
        env={**os.environ, "TRIDB_DATABASE_URL": tridb_url},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Ada knows Ken $$ O'Brien since 1843" in out.stdout
    assert "friend of Ada: Grace (vertex " in out.stdout
    assert "the identity map's instance: True" in out.stdout
