"""examples/bulk_import.py: three tables bulk-loaded, the graph equals the rows, search works."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bulk_import_example(tridb_server_url: str) -> None:
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": tridb_server_url,
        "TRIDB_EXAMPLE_DB_SUFFIX": f"_{os.getpid()}",
    }
    out = subprocess.run(
        [sys.executable, "bulk_import.py", "--articles", "2000"],
        cwd=ROOT / "examples", capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Article: 2,000 rows in 1 batches, 1,000 embedded" in text, text
    assert "indexes built after: ['ix_article_embedding_hnsw']" in text, text
    assert "Wrote: 2,000 rows" in text, text
    assert re.search(r"^graph drift after the load: 0$", text, re.MULTILINE), text
    assert "nearest: ['stone bridges, part 7'" in text, text
    assert "articles by author 1: 20" in text, text
