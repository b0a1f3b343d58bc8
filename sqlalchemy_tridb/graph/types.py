"""The ``graphid`` column type of AGE's label tables, for Core expressions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Text, cast, func
from sqlalchemy.types import UserDefinedType

ENTRY_MASK = (1 << 48) - 1


class GraphId(UserDefinedType[int]):
    """AGE's ``ag_catalog.graphid``: a label id (16 bits) and an entry id (48 bits)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        """Render the type."""
        return "ag_catalog.graphid"


def entry_of(vid: ColumnElement[Any]) -> ColumnElement[int]:
    """The 48-bit entry of a graphid expression (the integer primary key of the row)."""
    as_int = cast(cast(vid, Text), BigInteger)
    return as_int.op("&")(ENTRY_MASK)


def label_id_of(vid: ColumnElement[Any]) -> ColumnElement[int]:
    """The label id of a graphid expression."""
    return func.ag_catalog._extract_label_id(vid)
