"""Regenerate ``migrations/versions/0001_library_schema.py`` from ``models.py``.

Runs the README's command -- ``alembic revision --autogenerate -m "library schema"
--rev-id 0001`` -- against a new, empty database on the server named by
``TRIDB_DATABASE_URL`` (default: ``tridb server url``), which it drops afterwards.
Run it after a change to the models or to the SQL the library generates::

    .venv/bin/python examples/alembic_project/regenerate.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
MIGRATION = HERE / "migrations" / "versions" / "0001_library_schema.py"


def _server_url() -> str:
    url = os.environ.get("TRIDB_DATABASE_URL")
    if url:
        return url
    tridb = shutil.which("tridb") or str(Path(sys.executable).with_name("tridb"))
    return subprocess.run(
        [tridb, "server", "url"], check=True, capture_output=True, text=True
    ).stdout.strip()


def main() -> None:
    server = _server_url()
    name = f"tridb_example_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    old = MIGRATION.read_bytes() if MIGRATION.exists() else None
    try:
        MIGRATION.unlink(missing_ok=True)
        # the post-write hooks run ruff from the same environment
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        command = ["revision", "--autogenerate", "-m", "library schema", "--rev-id", "0001"]
        subprocess.run(
            [sys.executable, "-m", "alembic", "-x", f"url={url}", *command],
            cwd=HERE,
            env=env,
            check=True,
        )
    except BaseException:
        if old is not None:  # put the previous migration back
            MIGRATION.write_bytes(old)
        raise
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"wrote {MIGRATION.relative_to(HERE.parents[1])}: review it with git diff")


if __name__ == "__main__":
    main()
