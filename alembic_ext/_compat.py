"""The private Alembic and SQLAlchemy API alembic_ext needs: each item has no public twin.

Everything private that alembic_ext touches goes through this module, so a new
Alembic or SQLAlchemy release that moves one of them breaks here, in one place,
and ``tests/alembic/test_alembic_compat.py`` names the item and the installed versions.
Nothing else in alembic_ext imports a ``_``-prefixed name from either library.

`alembic_ext.plugin` imports this module only when Alembic calls it (this
module imports Alembic, the plugin module must not).  Imported first, this
module's ``import alembic`` runs the entry point, whose ``setup()`` imports the
operations, which import this module again before it is complete: so they
import the module and look its functions up when called, and nothing here is
bound at import time from Alembic's private names.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from alembic.autogenerate import render
from sqlalchemy.orm import mapperlib, registry
from sqlalchemy.types import TypeEngine

if TYPE_CHECKING:  # (alembic.autogenerate.api imports the renderers: a cycle at run time)
    from alembic.autogenerate.api import AutogenContext

__all__ = ["add_filters", "all_registries", "repr_type"]

NameFilter = Callable[[str | None, str, dict[str, Any]], bool]
ObjectFilter = Callable[[Any, str | None, str, bool, Any], bool]


def repr_type(type_: TypeEngine[Any], autogen_context: AutogenContext) -> str:
    """Alembic's rendering of a column type (``sa.Integer()``), honouring ``render_item``.

    Why private: ``alembic.autogenerate.render._repr_type`` is the only function
    that renders a type the way Alembic's own ``op.alter_column`` renderer does
    (the user's ``render_item`` first, then the dialect's ``render_type``, then
    the ``sa.`` prefix and the imports).  The vector column renderer needs the
    exact same text for ``existing_type=`` and ``type_=``.

    :param type_: the type to render.
    :param autogen_context: the run's context (its imports collect what the text needs).
    """
    found: Callable[..., str] | None = getattr(render, "_repr_type", None)
    if found is None:  # pragma: no cover - only with an Alembic that moved it
        # (the version from the metadata: the entry point runs while ``alembic`` is
        # still being imported, before ``alembic.__version__`` exists)
        raise RuntimeError(
            f"alembic_ext needs alembic.autogenerate.render._repr_type, which Alembic "
            f"{version('alembic')} does not have: see alembic_ext/_compat.py"
        )
    return found(type_, autogen_context)


def add_filters(
    autogen_context: AutogenContext, *, name_filter: NameFilter, object_filter: ObjectFilter
) -> None:
    """Add an ``include_name`` and an ``include_object`` filter to a running autogenerate.

    Why private: Alembic copies the ``include_name`` / ``include_object`` options
    into ``AutogenContext._name_filters`` / ``_object_filters`` when it builds
    the context, before any comparator runs; a plugin's ``autogenerate``-level
    comparator (the only place a plugin can act, and the only time it knows the
    database's graph schemas) can add filters only by editing those lists.
    ``run_name_filters`` / ``run_object_filters`` run them in order and stop at
    the first ``False``: these go first, so the user's filters never see what
    they hide.

    :param autogen_context: the run's context.
    :param name_filter: called as ``include_name(name, type_, parent_names)``.
    :param object_filter: called as ``include_object(obj, name, type_, reflected, compare_to)``.
    """
    autogen_context._name_filters.insert(0, name_filter)
    autogen_context._object_filters.insert(0, object_filter)


def all_registries() -> list[registry]:
    """Every live ORM ``registry`` (so every mapper), or ``[]`` if SQLAlchemy hides them.

    Why private: a ``Column`` of the target ``MetaData`` does not know the class
    it is mapped on, and SQLAlchemy lists its registries only through
    ``sqlalchemy.orm.mapper._all_registries()`` (what ``configure_mappers()``
    and ``clear_mappers()`` use).  The backfill step renders the mapped
    attribute's path from it; without it the migration carries a TODO instead.
    """
    found: Callable[[], Any] | None = getattr(mapperlib, "_all_registries", None)
    return [] if found is None else list(found())
