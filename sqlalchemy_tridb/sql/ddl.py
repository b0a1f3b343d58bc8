"""The one way this library emits DDL: executable constructs compiled with ``@compiles``.

Each construct compiles to exactly one statement, so ``connection.execute(ddl)``
runs it, ``str(ddl.compile(dialect=...))`` shows it, and Alembic's ``--sql`` mode
writes it out.  Subclasses implement `TextDDL.sql()`; the compiler escapes
``%`` for the drivers whose parameter style needs it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler

from ..exc import IdentifierError
from .identifiers import quote_ident, validate_label

__all__ = [
    "DDL_LOCK_KEY",
    "CreateExtension",
    "DropExtension",
    "LockDDL",
    "TextDDL",
    "validate_extension_name",
]

#: Extension names as PostgreSQL's contrib and the common extensions spell them.
_EXTENSION = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,62}$")


def validate_extension_name(name: str) -> str:
    """Return *name* if it is a plain extension name (``vector``, ``uuid-ossp``)."""
    if not isinstance(name, str) or not _EXTENSION.match(name):
        raise IdentifierError(
            f"invalid extension name {name!r}: use letters, digits, '_' or '-', "
            "starting with a letter or underscore"
        )
    return name


class TextDDL(ExecutableDDLElement):
    """A DDL construct whose statement is built as text from validated names."""

    inherit_cache = False

    def sql(self) -> str:
        """The statement's text."""
        raise NotImplementedError


@compiles(TextDDL)
def _compile_text_ddl(element: TextDDL, compiler: DDLCompiler, **kw: Any) -> str:
    # the same escaping of ``%`` that SQLAlchemy applies to DDL("...") text
    out: str = compiler.sql_compiler.post_process_text(element.sql())  # type: ignore[no-untyped-call]
    return out


class CreateExtension(TextDDL):
    """``CREATE EXTENSION IF NOT EXISTS name [SCHEMA schema]``.

    :param name: the extension (``vector``, ``age``).
    :param schema: the schema to create it in (default: the server's choice).
    """

    def __init__(self, name: str, *, schema: str | None = None) -> None:
        self.name = validate_extension_name(name)
        self.schema = None if schema is None else validate_label(schema, what="schema name")

    def sql(self) -> str:
        """The statement's text."""
        where = f" SCHEMA {quote_ident(self.schema)}" if self.schema else ""
        return f"CREATE EXTENSION IF NOT EXISTS {quote_ident(self.name)}{where}"


class DropExtension(TextDDL):
    """``DROP EXTENSION IF EXISTS name``.

    :param name: the extension.
    """

    def __init__(self, name: str) -> None:
        self.name = validate_extension_name(name)

    def sql(self) -> str:
        """The statement's text."""
        return f"DROP EXTENSION IF EXISTS {quote_ident(self.name)}"


#: The advisory lock key of the library's DDL ("tridb" in ASCII).
DDL_LOCK_KEY = 0x7472696462


class LockDDL(TextDDL):
    """``pg_advisory_xact_lock``: the library's DDL, one transaction at a time.

    Taken before ``CREATE EXTENSION``, graphs, labels and triggers, and held to
    the end of the transaction, so concurrent ``create_all`` runs or migrations
    converge instead of failing in each other's ``IF NOT EXISTS``.
    """

    def sql(self) -> str:
        """The statement's text."""
        return f"SELECT pg_catalog.pg_advisory_xact_lock({DDL_LOCK_KEY})"
