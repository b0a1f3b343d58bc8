"""The demo prints the server's versions, runs the three use cases on the real model, sums up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .test_use_cases import (
    check_content_graph,
    check_content_semantic,
    check_ecommerce,
    check_social_graph,
    check_social_semantic,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_runs_the_use_cases(tridb_url: str) -> None:
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": tridb_url,
        "TRIDB_EXAMPLE_DB_SUFFIX": f"_d{os.getpid()}",
    }
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert re.search(r"^PostgreSQL 1[6-9]\.\d+", text, re.M), text
    assert re.search(r"^pgvector   0\.[7-9]\.\d+ .*distance of two axes: 1\.0", text, re.M)
    assert re.search(r'^Apache AGE 1\.\d+\.\d+ .*"hello from AGE"', text, re.M)

    # the model loads once, first, with progress; the examples reuse it
    assert text.count("loading the all-MiniLM-L6-v2 model ...") == 1
    assert text.count("the all-MiniLM-L6-v2 model is loaded already") == 3
    assert text.index("loading the all-MiniLM-L6-v2") < text.index("######## E-commerce")
    assert "   products embedded and stored: 120/120" in text
    assert "   documents embedded and stored: 98/98" in text

    check_ecommerce(text)
    check_content_graph(text)
    check_content_semantic(text)
    check_social_graph(text)
    check_social_semantic(text)

    summary = text[text.index("######## Summary") :]
    assert re.search(r"^  model load \(once\) +\d+\.\d\d$", summary, re.M), summary
    for name in ("e-commerce", "content", "social"):
        assert re.search(rf"^  {name} +(\d+\.\d\d +){{3}}\d+\.\d\d$", summary, re.M), summary
    assert re.search(r"^  all done in \d+\.\d\d s", summary, re.M)
