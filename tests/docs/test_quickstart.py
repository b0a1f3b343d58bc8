"""Every code block of docs/quickstart.md runs, in order, against a clean database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_blocks_run(tridb_url: str, tmp_path: Path) -> None:
    text = (ROOT / "docs" / "quickstart.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    script = tmp_path / "quickstart.py"
    script.write_text("\n".join(blocks))
    env = {**os.environ, "TRIDB_DATABASE_URL": tridb_url}
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    similar = [line for line in lines if line.startswith("similar:")]
    assert len(similar) == 2
    assert "Chef knife" not in " ".join(similar)
    assert "near Ada: ['Portable speaker', 'Studio headphones']" in lines
    recommended = [line for line in lines if line.startswith("recommended:")]
    assert recommended[0].startswith("recommended: Portable speaker graph=1.00")
    assert not any("Studio headphones" in line for line in recommended)  # already bought
