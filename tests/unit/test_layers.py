"""Every module imports on its own, first, in a fresh interpreter: no hidden import circles.

import-linter (in the test command) checks the layers statically; this checks
what it cannot see: a package ``__init__`` that re-exports, imported first
from a module deep below it, must still give a complete module.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy

import sqlalchemy_tridb

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] == "sqlalchemy_tridb"]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as err:
        failed.append(f"{name}: {type(err).__name__}: {err}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _modules() -> list[str]:
    prefix = "sqlalchemy_tridb."
    return sorted(info.name for info in pkgutil.walk_packages(sqlalchemy_tridb.__path__, prefix))


def test_each_module_imports_first() -> None:
    names = _modules()
    assert len(names) > 40
    assert "sqlalchemy_tridb.graph.query.reach" in names
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _PROGRAM, *names],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_circle_would_be_found(tmp_path: Path) -> None:
    # the check itself: two modules importing each other's names at module level
    pkg = tmp_path / "sqlalchemy_tridb_probe"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .a import A\n")
    (pkg / "a.py").write_text("from .b import B\nA = 1\n")
    (pkg / "b.py").write_text("from .a import A\nB = 2\n")
    program = _PROGRAM.replace('"sqlalchemy_tridb"', '"sqlalchemy_tridb_probe"')
    result = subprocess.run(
        [sys.executable, "-c", program, "sqlalchemy_tridb_probe.b"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1 and "partially initialized" in result.stdout


def test_the_sqlalchemy_under_test_is_the_one_asked_for() -> None:
    # the test command's second run puts the lowest claimed SQLAlchemy first on the path
    expected = os.environ.get("TRIDB_EXPECT_SQLALCHEMY")
    if expected is None:
        assert sqlalchemy.__version__ >= "2.0.40"
    else:
        assert sqlalchemy.__version__ == expected
