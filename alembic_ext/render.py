"""Rendering pgvector column types with the import the migration needs.

Alembic renders a third-party type as ``module.path.Type(...)`` and adds no
import for it; `render_item()` renders pgvector's types as
``pgvector.sqlalchemy.VECTOR(dim=384)`` and adds ``import pgvector.sqlalchemy``.
The plugin installs it for each autogenerate run (chained in front of the
user's own ``render_item``); without the plugin, pass it to ``configure()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from .declared import is_pgvector_type

__all__ = ["chain_render_item", "render_item"]

RenderItem = Callable[[str, Any, Any], "str | Literal[False]"]
_MARK = "_tridb_render_item"


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Alembic ``render_item`` hook: pgvector types, with their import.

    :param type_: what Alembic renders (only ``"type"`` is handled here).
    :param obj: the object, here a column type.
    :param autogen_context: the run's context (its imports get pgvector's).
    """
    if type_ != "type" or not is_pgvector_type(obj):
        return False
    autogen_context.imports.add("import pgvector.sqlalchemy")
    return f"pgvector.sqlalchemy.{obj!r}"


def chain_render_item(user: RenderItem | None) -> RenderItem:
    """A ``render_item`` that tries `render_item()`, then *user*'s (idempotent).

    :param user: the user's ``render_item``, if any.
    """
    if user is render_item or getattr(user, _MARK, False):
        return user  # type: ignore[return-value]

    def chained(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
        rendered = render_item(type_, obj, autogen_context)
        if rendered is not False or user is None:
            return rendered
        return user(type_, obj, autogen_context)

    setattr(chained, _MARK, True)
    return chained
