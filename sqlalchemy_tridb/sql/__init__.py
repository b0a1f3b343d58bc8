"""The lowest room: identifiers, SQL literals of validated names, and AGE's internals.

Everything above builds SQL through these helpers, so each rule (how a name is
validated and quoted, how a name is bounded to 63 bytes, how AGE's graph ids
are made and taken apart) is written once.
"""

from __future__ import annotations

from .identifiers import bounded_identifier as bounded_identifier
from .identifiers import qualified_table as qualified_table
from .identifiers import quote_ident as quote_ident
from .identifiers import sql_literal as sql_literal
from .identifiers import validate_graph_name as validate_graph_name
from .identifiers import validate_label as validate_label

__all__ = [
    "bounded_identifier",
    "qualified_table",
    "quote_ident",
    "sql_literal",
    "validate_graph_name",
    "validate_label",
]
