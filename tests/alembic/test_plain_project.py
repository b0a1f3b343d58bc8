"""A plain project's autogenerate output is byte-identical with and without the package.

Three runs of ``alembic revision --autogenerate`` on the same database, each a
new process: the package hidden (its entry points invisible, as if not
installed), installed but not named, and named as the docs' env.py does
(``configure_options()``).  The migration files are equal byte for byte (their
``Create Date`` line aside), on an empty database and on one that has both
extensions, and no run logs ``setup plugin tridb``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

HERE = Path(__file__).parent

MODELS = """
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, MetaData, String, Table

metadata = MetaData()
shop = Table("shop", metadata, Column("id", Integer, primary_key=True),
             Column("name", String(50), nullable=False, unique=True))
item = Table("item", metadata, Column("id", Integer, primary_key=True),
             Column("shop_id", ForeignKey("shop.id")),
             Column("price", Integer, CheckConstraint("price >= 0")))
Index("ix_item_price", item.c.price)
"""

NAMED = """
import os
if os.environ.get("PLAIN_NAMED"):
    from alembic_ext.plugin import configure_options
else:
    def configure_options(**kw):
        return kw
"""


def _project(tmp_path: Path, url: str) -> Path:
    ini = tmp_path / "alembic.ini"
    cfg = Config(str(ini))
    command.init(cfg, str(tmp_path / "migrations"))
    text = ini.read_text().replace(
        "sqlalchemy.url = driver://user:pass@localhost/dbname",
        "sqlalchemy.url = " + url.replace("%", "%%"),
    )
    ini.write_text(text)
    (tmp_path / "plain_models.py").write_text(MODELS)
    env = tmp_path / "migrations" / "env.py"
    source = env.read_text()
    for old, new in [
        ("target_metadata = None", NAMED + "from plain_models import metadata as target_metadata"),
        (
            "context.configure(\n"
            "            connection=connection, target_metadata=target_metadata\n"
            "        )",
            "context.configure(**configure_options(\n            connection=connection, "
            "target_metadata=target_metadata\n        ))",
        ),
    ]:
        assert old in source, old
        source = source.replace(old, new)
    env.write_text(source)
    return ini


def _autogenerate(ini: Path, how: str) -> tuple[str, str]:
    paths = [str(HERE), str(ini.parent), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    if how == "named":
        env["PLAIN_NAMED"] = "1"
    runner = ["-m", "tridb_alembic_cases.hidden"] if how == "hidden" else ["-m", "alembic"]
    proc = subprocess.run(
        [sys.executable, *runner, "-c", str(ini), "revision", "--autogenerate", "-m", "plain",
         "--rev-id", "0001"],
        cwd=ini.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    path = next((ini.parent / "migrations" / "versions").glob("0001_*.py"))
    body = "".join(line for line in path.read_text().splitlines(True) if "Create Date" not in line)
    path.unlink()
    return body, proc.stdout + proc.stderr


@pytest.mark.parametrize("database", ["empty_db_url", "db_url"])
def test_plain_autogenerate_is_byte_identical(
    tmp_path: Path, database: str, request: pytest.FixtureRequest
) -> None:
    ini = _project(tmp_path, request.getfixturevalue(database))
    hidden, _ = _autogenerate(ini, "hidden")
    installed, _ = _autogenerate(ini, "installed")
    named, log = _autogenerate(ini, "named")
    assert "op.create_table(" in hidden and "op.create_index(" in hidden
    assert installed == hidden
    assert named == hidden
    assert "setup plugin tridb" not in log
    assert "setting up autogenerate plugin tridb" in log  # it was named, and did nothing
