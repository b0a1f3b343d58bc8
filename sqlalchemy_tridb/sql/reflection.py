"""Reflection without AGE's catalog: the inspector the engine plugin gives its engines.

The connection set-up appends ``ag_catalog`` to the search path, so PostgreSQL
reports AGE's catalog tables (``ag_graph``, ``ag_label``) as tables of the
default schema.  Reflected, they would be dropped by ``MetaData.reflect(engine)``
+ ``drop_all()``, proposed for ``op.drop_table`` by a stock Alembic ``env.py``,
and warned about (``Did not recognize type 'regnamespace'``).

`TriDBInspector` is PostgreSQL's inspector with one difference: for the
default schema (``schema=None``) it leaves out the relations that are only
there because ``ag_catalog`` is on the search path, in the names it lists and
in what the ``get_multi_*`` methods reflect when given no names (which
SQLAlchemy reads as "every table": Alembic asks that way on an empty
database).  Asked for the ``ag_catalog`` schema by name, it lists them as usual.

    engine.dialect.inspector = TriDBInspector   # what the engine plugin does
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql.base import PGInspector
from sqlalchemy.engine.reflection import ObjectKind, ObjectScope

__all__ = ["AGE_CATALOG", "TriDBInspector"]

#: AGE's catalog schema.
AGE_CATALOG = "ag_catalog"

_VISIBLE_AGE_RELATIONS = text(
    "SELECT c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND pg_catalog.pg_table_is_visible(c.oid)"
)


class TriDBInspector(PGInspector):
    """PostgreSQL's inspector; the default schema's names leave out AGE's catalog."""

    def _age_names(self) -> set[str]:
        bind = self.bind
        if isinstance(bind, Connection):
            return set(bind.scalars(_VISIBLE_AGE_RELATIONS, {"schema": AGE_CATALOG}))
        with bind.connect() as conn:
            return set(conn.scalars(_VISIBLE_AGE_RELATIONS, {"schema": AGE_CATALOG}))

    def _without_age(self, names: list[str], schema: str | None) -> list[str]:
        if schema is not None or not names:
            return names
        hidden = self._age_names()
        return [n for n in names if n not in hidden] if hidden else names

    def get_table_names(self, schema: str | None = None, **kw: Any) -> list[str]:
        """As PostgreSQL's, without AGE's catalog tables for the default schema.

        :param schema: the schema (``None``: the default one, through the search path).
        :param kw: passed on to the dialect.
        """
        return self._without_age(super().get_table_names(schema, **kw), schema)

    def get_view_names(self, schema: str | None = None, **kw: Any) -> list[str]:
        """As PostgreSQL's, without AGE's catalog views for the default schema.

        :param schema: the schema (``None``: the default one, through the search path).
        :param kw: passed on to the dialect.
        """
        return self._without_age(super().get_view_names(schema, **kw), schema)

    def _multi(
        self,
        method: Callable[..., dict[Any, Any]],
        schema: str | None,
        filter_names: Collection[str] | None,
        kw: dict[str, Any],
    ) -> dict[Any, Any]:
        kind = kw.get("kind", ObjectKind.TABLE)
        if (
            schema is not None
            or filter_names
            or kw.get("scope", ObjectScope.DEFAULT) != (ObjectScope.DEFAULT)
        ):
            return method(schema=schema, filter_names=filter_names, **kw)
        hidden = self._age_names()
        if not hidden:
            return method(schema=schema, filter_names=filter_names, **kw)
        names: list[str] = []
        if ObjectKind.TABLE in kind:
            names += self.get_table_names()
        if ObjectKind.VIEW in kind:
            names += self.get_view_names()
        if ObjectKind.MATERIALIZED_VIEW in kind:
            names += self.get_materialized_view_names()
        if not names:  # (no names at all would mean every table again)
            return {}
        return method(schema=schema, filter_names=names, **kw)


def _without_age_multi(name: str) -> Callable[..., dict[Any, Any]]:
    def method(
        self: TriDBInspector,
        schema: str | None = None,
        filter_names: Collection[str] | None = None,
        **kw: Any,
    ) -> dict[Any, Any]:
        return self._multi(getattr(super(TriDBInspector, self), name), schema, filter_names, kw)

    method.__name__ = name
    method.__doc__ = f"As PostgreSQL's ``{name}``, without AGE's catalog for the default schema."
    return method


for _name in (
    "get_multi_columns",
    "get_multi_pk_constraint",
    "get_multi_foreign_keys",
    "get_multi_indexes",
    "get_multi_unique_constraints",
    "get_multi_check_constraints",
    "get_multi_table_comment",
    "get_multi_table_options",
):
    setattr(TriDBInspector, _name, _without_age_multi(_name))
