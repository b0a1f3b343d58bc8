"""examples/agent_memory.py: another program's writes are embedded by the worker, none stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(server_url: str, provider: str) -> str:
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": server_url,
        "TRIDB_EXAMPLE_DB_SUFFIX": f"_{os.getpid()}_{provider}",
    }
    out = subprocess.run(
        [sys.executable, "agent_memory.py", "--provider", provider],
        cwd=ROOT / "examples", capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_agent_memory_example(tridb_server_url: str) -> None:
    text = _run(tridb_server_url, "deterministic")
    assert "the ingester wrote 6 memories and a correction in" in text
    assert "queue empty: True, failed jobs: 0" in text
    assert "the correction was embedded from its new text: True" in text
    assert "stale memories: 0" in text
    assert "memories with a vector: 6 of 6" in text


@pytest.mark.slow
def test_agent_memory_example_recalls_by_meaning(tridb_server_url: str) -> None:
    text = _run(tridb_server_url, "minilm")
    assert "What should I avoid cooking? -> Ada is allergic to peanuts." in text
    assert "When is the Japan trip? -> Ada is planning a trip to Kyoto in May." in text
