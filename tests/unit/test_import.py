"""Importing the package is cheap and has no side effects."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_no_torch_and_installs_no_listeners() -> None:
    code = (
        "import sys\n"
        "from sqlalchemy.orm import Session\n"
        "from sqlalchemy import event\n"
        "import sqlalchemy_tridb, sqlalchemy_tridb.server, alembic_ext\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'alembic'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "s = Session()\n"
        "assert not list(s.dispatch.before_flush) and not list(s.dispatch.after_flush)\n"
        "print(sqlalchemy_tridb.__version__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
