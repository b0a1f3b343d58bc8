"""``op.create_extension("vector")`` / ``op.drop_extension("vector")``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations

from sqlalchemy_tridb.sql import quote_ident
from sqlalchemy_tridb.sql.ddl import CreateExtension, DropExtension, TextDDL

from ._util import call, run, with_note

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["CONTROL_SCHEMAS", "CreateExtensionOp", "DropEmptySchema", "DropExtensionOp"]

#: Schemas named in an extension's control file: ``CREATE EXTENSION`` creates them,
#: ``DROP EXTENSION`` leaves them behind, so the drop removes them when empty.
CONTROL_SCHEMAS = {"age": "ag_catalog"}


class DropEmptySchema(TextDDL):
    """``DROP SCHEMA IF EXISTS name``, doing nothing if something is still in it.

    :param name: the schema.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def sql(self) -> str:
        """The statement's text."""
        return (
            f"DO $tridb$ BEGIN DROP SCHEMA IF EXISTS {quote_ident(self.name)}; "
            "EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $tridb$"
        )


@Operations.register_operation("create_extension")
class CreateExtensionOp(MigrateOperation):
    """``CREATE EXTENSION IF NOT EXISTS name``.

    :param name: the extension.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create_extension(cls, operations: Operations, name: str) -> Any:
        """Create extension *name* unless it exists.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param name: the extension (``"vector"``, ``"age"``).
        """
        return operations.invoke(cls(name))

    def reverse(self) -> DropExtensionOp:
        """The operation that undoes this one."""
        return DropExtensionOp(self.name)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("add_extension", self.name)


@Operations.register_operation("drop_extension")
class DropExtensionOp(MigrateOperation):
    """``DROP EXTENSION IF EXISTS name`` (for ``age``, also its schema if empty).

    :param name: the extension.
    """

    #: comment lines rendered above the call (what an opted-in drop destroys)
    note: str | None = None

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def drop_extension(cls, operations: Operations, name: str) -> Any:
        """Drop extension *name* if it exists (and, for ``age``, its schema if empty).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param name: the extension.
        """
        return operations.invoke(cls(name))

    def reverse(self) -> CreateExtensionOp:
        """The operation that undoes this one."""
        return CreateExtensionOp(self.name)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("remove_extension", self.name)


@Operations.implementation_for(CreateExtensionOp)
def _create(operations: Operations, op: CreateExtensionOp) -> None:
    run(operations, [CreateExtension(op.name)])


@Operations.implementation_for(DropExtensionOp)
def _drop(operations: Operations, op: DropExtensionOp) -> None:
    statements: list[TextDDL] = [DropExtension(op.name)]
    schema = CONTROL_SCHEMAS.get(op.name)
    if schema is not None:
        statements.append(DropEmptySchema(schema))
    run(operations, statements)


@renderers.dispatch_for(CreateExtensionOp)
def _render_create(autogen_context: AutogenContext, op: CreateExtensionOp) -> str:
    return call(autogen_context, "create_extension", op.name)


@renderers.dispatch_for(DropExtensionOp)
def _render_drop(autogen_context: AutogenContext, op: DropExtensionOp) -> str | list[str]:
    return with_note(op, call(autogen_context, "drop_extension", op.name))
