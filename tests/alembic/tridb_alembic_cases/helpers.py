"""Helpers for the Alembic tests: the user's env.py edits, database snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

ENV_PY_PATCHES = [
    (
        "target_metadata = None",
        "from alembic_ext.plugin import configure_options\n\n"
        'target_metadata = config.attributes["target_metadata"]',
    ),
    (
        "        poolclass=pool.NullPool,\n",
        '        poolclass=pool.NullPool,\n        plugins=["tridb"],\n',
    ),
    (
        "        context.configure(\n"
        "            connection=connection, target_metadata=target_metadata\n"
        "        )",
        "        context.configure(\n            **configure_options(\n"
        "                connection=connection, target_metadata=target_metadata,\n"
        '                **config.attributes.get("configure", {}),\n'
        "            )\n        )",
    ),
]


def patch_env_py(path: Path) -> None:
    """The edits a user makes to the stock ``alembic init`` env.py."""
    source = path.read_text()
    for old, new in ENV_PY_PATCHES:
        assert old in source, old
        source = source.replace(old, new)
    path.write_text(source)


def snapshot(conn: Connection) -> dict[str, Any]:
    """Everything a migration may create, as sorted lists (data left out)."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(r) for r in conn.execute(text(sql)))

    return {
        "extensions": rows("SELECT extname FROM pg_extension"),
        "schemas": rows(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname <> 'information_schema'"
        ),
        "relations": rows(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
            "AND c.relname NOT LIKE 'alembic\\_version%'"
        ),
        "functions": rows(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public'"
        ),
        "triggers": rows(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
        ),
        "indexes": rows(
            "SELECT schemaname, indexname, indexdef FROM pg_indexes "
            "WHERE indexname NOT LIKE 'alembic\\_version%'"
        ),
    }
