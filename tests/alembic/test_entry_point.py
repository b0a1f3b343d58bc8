"""The Alembic 1.18+ way: the ``alembic.plugins`` entry point, env.py naming the plugin.

The package's entry point is simulated with a ``.dist-info`` directory on
``PYTHONPATH``, and the ``alembic`` command runs in a subprocess, so Alembic
imports the plugin at start-up exactly as it does once the package is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent

ENV_PY = """
from alembic import context
from sqlalchemy import create_engine

from tridb_alembic_cases.models_v1 import Base

url = context.config.get_main_option("sqlalchemy.url")
with create_engine(url, plugins=["tridb"]).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        autogenerate_plugins=["alembic.autogenerate.*", "tridb"],
    )
    with context.begin_transaction():
        context.run_migrations()
"""


@pytest.fixture
def entry_point_path(tmp_path: Path) -> Path:
    from importlib.metadata import entry_points

    if any(ep.name == "tridb" for ep in entry_points(group="alembic.plugins")):
        (tmp_path / "site").mkdir()
        return tmp_path / "site"  # the installed distribution publishes it already
    dist = tmp_path / "site" / "tridb_entry_point_probe-0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tridb-entry-point-probe\n")
    (dist / "entry_points.txt").write_text("[alembic.plugins]\ntridb = alembic_ext.plugin\n")
    return dist.parent


def _alembic(tmp_path: Path, site: Path, *args: str) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(CASES), str(ROOT)]),
        "PYTHONWARNINGS": "ignore",
    }
    out = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(tmp_path / "alembic.ini"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout + out.stderr


def test_entry_point_plugin_round_trip(
    tmp_path: Path, entry_point_path: Path, empty_db_url: str
) -> None:
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(ENV_PY)
    template = Path(sys.prefix).glob("lib/python*/site-packages/alembic/templates/generic")
    (scripts / "script.py.mako").write_text((next(template) / "script.py.mako").read_text())
    (tmp_path / "alembic.ini").write_text(
        f"[alembic]\nscript_location = {scripts}\n"
        f"sqlalchemy.url = {empty_db_url.replace('%', '%%')}\n"
    )
    _alembic(tmp_path, entry_point_path, "revision", "--autogenerate", "-m", "v1", "--rev-id", "1")
    migration = next((scripts / "versions").glob("1_*.py")).read_text()
    assert "op.create_extension('age')" in migration
    assert "op.create_graph_sync('person'" in migration
    assert "import pgvector.sqlalchemy" in migration
    _alembic(tmp_path, entry_point_path, "upgrade", "head")
    # ag_graph and ag_label are on the search path now; the plugin hides them
    # (and the graph's schema) without any include_name / include_object in env.py
    _alembic(tmp_path, entry_point_path, "check")
    _alembic(tmp_path, entry_point_path, "downgrade", "base")
