"""Validation, quoting and bounding of the identifiers that end up in SQL or Cypher text.

Values are always passed as parameters; identifiers cannot be, so each one is
checked against a strict pattern before it is quoted into a statement.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import Table

from ..exc import IdentifierError

#: AGE's rule for graph names (``src/backend/utils/graph_name.c`` and the
#: ``create_graph`` checks): 3 to 63 characters, a letter or underscore first,
#: then letters, digits, underscores, dots or hyphens, not ending in one of ``.-``.
_GRAPH_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{1,61}[A-Za-z0-9_]$")
#: Labels and property names: plain identifiers, at most 63 bytes (NAMEDATALEN - 1).
_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
#: PostgreSQL's limit on identifiers, in bytes.
MAX_IDENTIFIER_BYTES = 63


def validate_graph_name(name: str) -> str:
    """Return *name* if it is a valid AGE graph name, else raise `IdentifierError`."""
    if not isinstance(name, str) or not _GRAPH_NAME.match(name):
        raise IdentifierError(
            f"invalid graph name {name!r}: AGE graph names have 3 to 63 characters, "
            "start with a letter or underscore and contain only letters, digits, "
            "'_', '.' or '-' (not at the end)"
        )
    return name


def validate_label(name: str, *, what: str = "label") -> str:
    """Return *name* if it is a valid vertex/edge label or property name.

    *what* names the kind of identifier in the error message.
    """
    if not isinstance(name, str) or not _LABEL.match(name) or name.startswith("_ag_"):
        raise IdentifierError(
            f"invalid {what} {name!r}: use 1 to 63 letters, digits or underscores, "
            "starting with a letter or underscore (and not the reserved prefix '_ag_')"
        )
    return name


def quote_ident(name: str) -> str:
    """Double-quote an identifier (embedded double quotes are doubled)."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(name: str) -> str:
    """A validated graph name or label as a SQL string literal (``'name'``).

    Only for names that passed `validate_graph_name()` or
    `validate_label()`, which cannot contain a quote; values are always
    bound parameters instead.
    """
    if "'" in name or "\\" in name:
        raise IdentifierError(f"{name!r} is no validated identifier")
    return "'" + name + "'"


def bounded_identifier(base: str) -> str:
    """*base* if it fits PostgreSQL's 63 bytes, else a prefix plus a hash of all of it.

    Two long names that share a prefix still get different identifiers, and the
    same *base* always gives the same one.
    """
    raw = base.encode()
    if len(raw) <= MAX_IDENTIFIER_BYTES:
        return base
    digest = hashlib.sha1(raw).hexdigest()[:8]
    prefix = raw[: MAX_IDENTIFIER_BYTES - len(digest) - 1].decode(errors="ignore")
    return f"{prefix}_{digest}"


def qualified_table(table: Table) -> str:
    """*table*'s quoted name, with its schema when it has one."""
    name = quote_ident(table.name)
    return f"{quote_ident(table.schema)}.{name}" if table.schema else name
