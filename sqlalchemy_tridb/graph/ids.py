"""Vertex ids from primary keys, in Python (the same rule the triggers apply in SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.sql.schema import Column

ENTRY_BITS = 48


def graphid(label_id: int, entry: int) -> int:
    """AGE's graphid: the label id in the top 16 bits, the entry in the low 48."""
    return (label_id << ENTRY_BITS) | entry


def entry_of(pk: list[Column[Any]], values: tuple[Any, ...]) -> int | None:
    """The entry id for a single integer key; ``None`` for hashed keys (ask the database)."""
    if len(pk) == 1 and isinstance(pk[0].type, Integer):
        return int(values[0])
    return None


def vertex_id(label_id: int, pk_value: int) -> int:
    """The vertex id of the row with integer primary key *pk_value* under *label_id*."""
    return graphid(label_id, pk_value)
