"""Alembic environment for the example project (the stock template, plus four edits).

The edits, marked ``# tridb``: import the models' MetaData, create the engine
with the ``tridb`` engine plugin, and pass ``configure_options()`` to
``context.configure()`` in both modes.  ``configure_options`` enables the
``tridb`` autogenerate plugin (registering it by hand when the
``alembic.plugins`` entry point is not installed), hides AGE's internal schemas
and tables, and renders pgvector types with their import.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from models import Base  # tridb
from sqlalchemy import engine_from_config, pool

from alembic_ext.plugin import configure_options  # tridb

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata  # tridb


def _url() -> str | None:
    """``alembic -x url=...`` overrides ``sqlalchemy.url`` of alembic.ini."""
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )


def run_migrations_offline() -> None:
    """Write the SQL (``alembic upgrade head --sql``)."""
    context.configure(
        **configure_options(  # tridb
            url=_url(),
            target_metadata=target_metadata,
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
        )
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against the database."""
    section = config.get_section(config.config_ini_section, {})
    section["sqlalchemy.url"] = _url() or section.get("sqlalchemy.url", "")
    connectable = engine_from_config(
        section,
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
        plugins=["tridb"],  # tridb: LOAD 'age' and ag_catalog on the search path
    )
    with connectable.connect() as connection:
        context.configure(
            **configure_options(connection=connection, target_metadata=target_metadata)  # tridb
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
