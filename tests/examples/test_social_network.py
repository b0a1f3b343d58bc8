"""The social-network example runs and prints the expected answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_social_network_example(tridb_server_url: str) -> None:
    env = {**os.environ, "TRIDB_DATABASE_URL": tridb_server_url}
    out = subprocess.run(
        [sys.executable, "social_network.py"],
        cwd=ROOT / "examples", capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "followers of Grace: Ada (since 2024-01-02), Donald" in text
    assert "  2 hop(s): Barbara" in text
    assert "  Barbara (1 mutual)" in text
    assert "  Grace    7 followers, PageRank 0.3" in text
    assert "  Ken -> Grace -> Barbara -> Radia (3 hops)" in text
    assert "  Mallory vertices after rollback: 0" in text
