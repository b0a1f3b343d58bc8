"""examples/tune_recall.py: tuning raises recall to the target and nearest() keeps it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tune_recall_example(tridb_server_url: str) -> None:
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": tridb_server_url,
        "TRIDB_EXAMPLE_DB_SUFFIX": f"_{os.getpid()}",
    }
    out = subprocess.run(
        [sys.executable, "tune_recall.py", "--rows", "3000"],
        cwd=ROOT / "examples", capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    text = out.stdout
    chosen = re.search(r"chosen: ef_search=(\d+) \(stored on the index\)", text)
    assert chosen, text
    rows = dict(re.findall(r"^ +(\d+) +([\d.]+) +[\d.]+$", text, re.MULTILINE))
    assert float(rows[chosen.group(1)]) >= 0.99, text
    after = re.search(r"after tuning, no setting passed: ([\d.]+)", text)
    assert after and float(after.group(1)) >= 0.95, text
