"""How column values become vertex and edge properties (in SQL, inside the sync triggers).

Each supported column type has a defined conversion to an agtype value, built as
text from the row and parsed by AGE (``::ag_catalog.agtype``):

==========================================  ==================================
column type                                 property
==========================================  ==================================
Integer, BigInteger, SmallInteger           integer
Float, Double, REAL                         float (``NaN``, ``Infinity`` kept)
Numeric / Decimal (not ``asdecimal=False``)  agtype ``numeric`` (exact)
Boolean                                     boolean
String, Text, Unicode, Enum                 string
UUID                                        string (canonical form)
Date                                        string, ISO 8601 (``2024-05-01``)
DateTime, Time                              string, ISO 8601
DateTime(timezone=True)                     string, ISO 8601 in UTC (``+00:00``)
JSON, JSONB, ARRAY of the above             map / list (numbers of any size)
==========================================  ==================================

JSON numbers become agtype integers (64 bits) and floats; a number neither
holds -- an integer beyond 64 bits, ``1e400``, ``1e-400`` -- becomes an exact
agtype ``numeric``, so no valid row is refused for its JSON.  Such documents
go through the graph's function ``"tridb$agtype_json_v1"`` (see
`json_function_ddl()`); every other document is converted inline.

A NULL column gives no property (Cypher's ``n.prop IS NULL`` holds).  Vectors,
binary data and other types are not mirrored by default; naming one in
``__graph_properties__`` is an error at class definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.schema import Column

from ..exc import GraphDeclarationError
from ..sql import quote_ident, sql_literal, validate_label

#: ``(property name, column, conversion kind)``
Property = tuple[str, Column[Any], str]

_STRINGY = (
    sqltypes.String,
    sqltypes.Enum,
    sqltypes.Uuid,
    sqltypes.Date,
    sqltypes.DateTime,
    sqltypes.Time,
)


def conversion(col_type: sqltypes.TypeEngine[object]) -> str | None:
    """Return the conversion kind for a column type, or ``None`` if unsupported."""
    t = col_type
    if isinstance(t, sqltypes.TypeDecorator):
        t = t.impl_instance
    if isinstance(t, sqltypes.Boolean):
        return "bool"
    if isinstance(t, sqltypes.Integer):
        return "int"
    if isinstance(t, sqltypes.Float):  # before Numeric: Float subclasses it
        return "float"
    if isinstance(t, sqltypes.Numeric):
        return "numeric"
    if isinstance(t, (sqltypes.JSON, sqltypes.ARRAY)):
        return "json"
    if isinstance(t, sqltypes.DateTime) and t.timezone:
        return "timestamptz"
    if isinstance(t, _STRINGY):
        return "string"
    return None


#: The graph's function writing a JSON document as agtype text, exact numerics
#: where agtype's integer and float would not hold a number.
JSON_FUNCTION = "tridb$agtype_json_v1"
#: Where ``jsonb_path_exists`` finds a number that needs the function.
_UNSAFE_NUMBER = (
    'lax $.** ? (@.type() == "number" && '
    "(@.abs() > 9223372036854775807 || (@ != 0 && @.abs() < 1e-307)))"
)


def json_function_sql(graph: str) -> str:
    """The quoted, schema-qualified name of *graph*'s JSON conversion function."""
    return f"{quote_ident(graph)}.{quote_ident(JSON_FUNCTION)}"


def json_function_ddl(graph: str) -> str:
    """``CREATE FUNCTION`` of *graph*'s JSON conversion (run only where it is missing).

    Recursive over objects and arrays; a number outside what agtype's
    integer and float hold is written ``<digits>::numeric``.
    """
    fn = json_function_sql(graph)
    return (
        f"CREATE OR REPLACE FUNCTION {fn}(j jsonb) RETURNS text\n"
        "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE\n"
        "SET search_path = pg_catalog, pg_temp\n"
        "AS $tridb_json$\n"
        "DECLARE\n    parts text[] := '{}';\n    k text;\n    v jsonb;\n    n numeric;\n"
        "BEGIN\n"
        "    CASE jsonb_typeof(j)\n"
        "    WHEN 'object' THEN\n"
        "        FOR k, v IN SELECT e.key, e.value FROM jsonb_each(j) e LOOP\n"
        f"            parts := parts || (to_json(k)::text || ': ' || {fn}(v));\n"
        "        END LOOP;\n"
        "        RETURN '{' || array_to_string(parts, ', ') || '}';\n"
        "    WHEN 'array' THEN\n"
        "        FOR v IN SELECT e.value FROM jsonb_array_elements(j) e LOOP\n"
        f"            parts := parts || {fn}(v);\n"
        "        END LOOP;\n"
        "        RETURN '[' || array_to_string(parts, ', ') || ']';\n"
        "    WHEN 'number' THEN\n"
        "        n := j::text::numeric;\n"
        "        IF abs(n) > 9223372036854775807 OR (n <> 0 AND abs(n) < 1e-307) THEN\n"
        "            RETURN n::text || '::numeric';\n"
        "        END IF;\n"
        "        RETURN j::text;\n"
        "    ELSE\n"
        "        RETURN j::text;\n"
        "    END CASE;\n"
        "END\n$tridb_json$"
    )


def value_sql(kind: str, ref: str, graph: str | None = None) -> str:
    """SQL text turning the column reference *ref* into agtype literal text.

    *graph* names the graph whose JSON function converts documents with
    numbers agtype's integer and float cannot hold (without it, such a
    document fails the statement).
    """
    if kind in ("int", "bool"):
        return f"{ref}::text"
    if kind == "float":
        return (
            f"CASE WHEN {ref}::float8 IN ('NaN', 'Infinity', '-Infinity') THEN {ref}::text "
            f"ELSE {ref}::text || '::float' END"
        )
    if kind == "numeric":
        return f"{ref}::text || '::numeric'"
    if kind == "timestamptz":  # in UTC, whatever the writing session's TimeZone
        return (
            f"CASE WHEN isfinite({ref}) THEN '\"' || "
            f"to_char({ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00\"' "
            f"ELSE to_json({ref}::text)::text END"
        )
    if kind == "json" and graph is not None:
        doc = f"to_jsonb({ref})"
        return (
            f"CASE WHEN jsonb_path_exists(\n                    {doc},\n"
            f"                    {sql_literal(_UNSAFE_NUMBER)})\n"
            f"                THEN {json_function_sql(graph)}({doc})\n"
            f"                ELSE to_json({ref})::text END"
        )
    return f"to_json({ref})::text"


def properties_sql(alias: str, props: list[Property], graph: str | None = None) -> str:
    """SQL text building the agtype map of *props* for the row *alias*.

    *props* holds ``(property name, column, conversion kind)``; property names
    are validated identifiers, so they are JSON strings without escaping.
    *graph* as in `value_sql()` (the sync triggers always pass it).
    """
    if not props:
        return "ag_catalog.agtype_build_map()"
    parts = []
    for name, col, kind in props:
        ref = f"{alias}.{quote_ident(col.name)}"
        parts.append(
            f"CASE WHEN {ref} IS NULL THEN NULL ELSE '\"{name}\": ' || "
            f"{value_sql(kind, ref, graph)} END"
        )
    inner = ",\n            ".join(parts)
    return (
        f"('{{' || array_to_string(ARRAY[\n            {inner}], ', ') || '}}')::ag_catalog.agtype"
    )


def select_properties(cls: type, table: Table, exclude: set[str]) -> list[Property]:
    """The columns of *table* that *cls* mirrors as properties, with their conversions.

    ``__graph_properties__`` names them; by default every column whose type has a
    conversion, less *exclude*.  Naming a column without one is an error.
    """
    names: Sequence[str] | None = getattr(cls, "__graph_properties__", None)
    columns = {c.key: c for c in table.columns}
    out: list[Property] = []
    if names is None:
        for key, col in columns.items():
            kind = conversion(col.type)
            if kind is not None and key not in exclude:
                out.append((validate_label(key, what="property name"), col, kind))
        return out
    if isinstance(names, str):
        raise GraphDeclarationError(f"{cls.__name__}.__graph_properties__ must be a sequence")
    for key in names:
        if key not in columns:
            raise GraphDeclarationError(
                f"{cls.__name__}.__graph_properties__ names {key!r}, which is not a column of "
                f"{table.name!r} (columns: {', '.join(columns)})"
            )
        col = columns[key]
        kind = conversion(col.type)
        if kind is None:
            raise GraphDeclarationError(
                f"{cls.__name__}.{key} has type {col.type!r}, which has no defined conversion "
                "to a graph property (supported: integers, floats, numerics, booleans, strings, "
                "enums, UUIDs, dates and times, JSON and arrays); leave it out of "
                "__graph_properties__"
            )
        out.append((validate_label(key, what="property name"), col, kind))
    return out
