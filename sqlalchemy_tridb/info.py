"""What the live server runs: PostgreSQL, pgvector and AGE versions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class ServerVersions:
    """Versions read from the live server (``None``: extension not created here)."""

    postgresql: str
    pgvector: str | None
    age: str | None
    pgvector_available: str | None
    age_available: str | None


def server_versions(connection: Connection) -> ServerVersions:
    """Read the versions of PostgreSQL and of the installed/available extensions.

    :param connection: a connection to the database to ask (extensions are per database).
    """
    row = connection.execute(
        text(
            "SELECT current_setting('server_version'),"
            " (SELECT extversion FROM pg_extension WHERE extname = 'vector'),"
            " (SELECT extversion FROM pg_extension WHERE extname = 'age'),"
            " (SELECT default_version FROM pg_available_extensions WHERE name = 'vector'),"
            " (SELECT default_version FROM pg_available_extensions WHERE name = 'age')"
        )
    ).one()
    return ServerVersions(*row)
