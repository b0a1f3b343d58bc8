"""The read-replicas example runs against a primary and a streaming replica of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sqlalchemy_tridb.testing import local_server_unavailable

ROOT = Path(__file__).resolve().parents[2]
NO_LOCAL_SERVER = local_server_unavailable()

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(NO_LOCAL_SERVER is not None, reason=str(NO_LOCAL_SERVER)),
]


def test_read_replicas_example(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "read_replicas.py"],
        cwd=ROOT / "examples", capture_output=True, text=True, env=env, timeout=240,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "reads on the standby",
        "  nearest: ['wireless headphones', 'desk lamp']",
        "  within 3 hops of Ada: ['chef knife', 'wireless headphones']",
        "  Cypher count of customers: 2",
        "read after the write: 'floor lamp', on the standby",
        "a Cypher write on a read route: StandbyWriteError",
        "inside session.primary(): on the primary",
        "replica stopped: reads on the primary (last product id 5)",
        "replica started again: running=True",
    ]
