"""alembic_ext's imports: each module imports first, private API only in ``_compat``.

Importing Alembic runs the ``alembic.plugins`` entry points, so the first
``import alembic`` inside alembic_ext runs ``alembic_ext.plugin.setup()``,
which imports the operations: a circle that only a fresh interpreter shows.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "alembic_ext"

_PROGRAM = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("alembic_ext", "alembic")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as err:
        failed.append(f"{name}: {type(err).__name__}: {err}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def test_each_module_imports_first() -> None:
    names = list(_modules())
    assert "alembic_ext._compat" in names and "alembic_ext.operations.sync" in names
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _PROGRAM, *names],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _private_uses(tree: ast.Module) -> list[str]:
    """``from x import _y`` of another package, and ``obj._attr`` (``self``/``cls`` aside)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            owner = node.value
            if not node.attr.startswith("__") and not (
                isinstance(owner, ast.Name) and owner.id in ("self", "cls")
            ):
                found.append(ast.unparse(node))
    return found


def test_private_api_only_in_compat() -> None:
    offenders = {
        name: uses
        for name, path in _modules().items()
        if name != "alembic_ext._compat"
        and (uses := _private_uses(ast.parse(path.read_text(), str(path))))
    }
    assert offenders == {}


def test_the_private_api_check_finds_a_use() -> None:
    tree = ast.parse("from alembic.autogenerate.render import _repr_type\nctx._name_filters\n")
    assert _private_uses(tree) == ["alembic.autogenerate.render._repr_type", "ctx._name_filters"]
