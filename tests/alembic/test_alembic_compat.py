"""The private Alembic and SQLAlchemy API of ``alembic_ext._compat``: still where it was.

Each test names the installed version when it fails, so that an upgrade of
Alembic or SQLAlchemy that moves one of these says which item to port.
"""

from __future__ import annotations

from typing import Any

import alembic
import sqlalchemy as sa
from alembic.autogenerate import render
from alembic.autogenerate.api import AutogenContext
from alembic.migration import MigrationContext
from pgvector.sqlalchemy import VECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, mapperlib

from alembic_ext import render_item
from alembic_ext._compat import add_filters, all_registries, repr_type

ALEMBIC = f"Alembic {alembic.__version__}"
SQLALCHEMY = f"SQLAlchemy {sa.__version__}"


def _context(**opts: Any) -> AutogenContext:
    ctx = MigrationContext.configure(dialect_name="postgresql")
    # the defaults Alembic's render_python_code() gives (a revision command too)
    defaults = {
        "sqlalchemy_module_prefix": "sa.",
        "alembic_module_prefix": "op.",
        "user_module_prefix": None,
    }
    return AutogenContext(ctx, opts={**defaults, **opts}, autogenerate=False)


def test_repr_type_renders_as_alembic_does() -> None:
    assert callable(getattr(render, "_repr_type", None)), (
        f"{ALEMBIC} has no alembic.autogenerate.render._repr_type: port _compat.repr_type"
    )
    context = _context()
    assert repr_type(sa.String(length=20), context) == "sa.String(length=20)", ALEMBIC
    assert repr_type(VECTOR(3), context) == "pgvector.sqlalchemy.vector.VECTOR(dim=3)", ALEMBIC
    context = _context(render_item=render_item)  # the user's render_item comes first
    assert repr_type(VECTOR(3), context) == "pgvector.sqlalchemy.VECTOR(dim=3)", ALEMBIC
    assert context.imports == {"import pgvector.sqlalchemy"}, ALEMBIC


def test_add_filters_runs_them_with_the_users() -> None:
    context = _context(include_name=lambda name, type_, parents: name != "user_hidden")
    for attr in ("_name_filters", "_object_filters"):
        assert isinstance(getattr(context, attr, None), list), (
            f"{ALEMBIC}'s AutogenContext has no list {attr}: port _compat.add_filters"
        )
    add_filters(
        context,
        name_filter=lambda name, type_, parents: name != "tridb_hidden",
        object_filter=lambda obj, name, type_, reflected, other: name != "tridb_hidden",
    )
    names = [
        n
        for n in ("user_hidden", "tridb_hidden", "kept")
        if context.run_name_filters(n, "table", {"schema_name": None})
    ]
    assert names == ["kept"], ALEMBIC
    table = sa.Table("t", sa.MetaData())
    assert not context.run_object_filters(table, "tridb_hidden", "table", False, None), ALEMBIC
    assert context.run_object_filters(table, "kept", "table", False, None), ALEMBIC


def test_all_registries_lists_every_mapper() -> None:
    assert callable(getattr(mapperlib, "_all_registries", None)), (
        f"{SQLALCHEMY} has no sqlalchemy.orm.mapper._all_registries: port "
        "_compat.all_registries (without it, backfill steps render a TODO for attribute=)"
    )

    class Base(DeclarativeBase):
        pass

    class Probe(Base):
        __tablename__ = "compat_probe"
        id: Mapped[int] = mapped_column(primary_key=True)

    found = [m.class_ for reg in all_registries() for m in reg.mappers]
    assert Probe in found, SQLALCHEMY
    Base.registry.dispose()
