"""Python values to agtype text: `dumps()` (the text AGE's ``agtype_in`` reads)."""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..exc import AGTypeError
from .graph_values import Edge, Path, Vertex

__all__ = ["dumps"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def dumps(value: Any) -> str:
    """Return the agtype text of *value*; raise `AGTypeError` if it has none.

    Strings are JSON-escaped (so ``$$``, quotes, backslashes and Cypher text are
    inert data); a string holding NUL (code point 0) or a lone surrogate is refused,
    since PostgreSQL text cannot hold it.

    :param value: ``None``, ``bool``, ``int`` (64-bit), ``float``, ``str``,
        ``Decimal`` (a ``::numeric``), dates and times and UUIDs (as their
        ISO / canonical text), an ``Enum`` (its value), `Vertex`, `Edge`,
        `Path`, and mappings with ``str`` keys and lists or tuples of these.
    """
    out: list[str] = []
    try:
        _encode(value, out, set())
    except RecursionError as err:
        raise AGTypeError("cannot encode a value nested this deeply as agtype") from err
    return "".join(out)


def _encode(value: Any, out: list[str], active: set[int]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, enum.Enum):
        _encode(value.value, out, active)
    elif isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise AGTypeError(
                f"integer {value} does not fit agtype's 64-bit integers; pass Decimal({value}) "
                "to store it as an agtype numeric"
            )
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(_float_text(value))
    elif isinstance(value, str):
        out.append(_string_text(value))
    elif isinstance(value, Decimal):
        out.append(_decimal_text(value))
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        out.append(_string_text(value.isoformat()))
    elif isinstance(value, uuid.UUID):
        out.append(_string_text(str(value)))
    elif isinstance(value, (Vertex, Edge, Path)):
        _encode_graph(value, out, active)
    elif isinstance(value, Mapping):
        with _entered(value, active):
            out.append("{")
            for i, (key, item) in enumerate(value.items()):
                if not isinstance(key, str):
                    raise AGTypeError(
                        f"agtype map keys must be str, got {type(key).__name__} {key!r}; "
                        "convert the keys with str() first"
                    )
                if i:
                    out.append(", ")
                out.append(_string_text(key))
                out.append(": ")
                _encode(item, out, active)
            out.append("}")
    elif isinstance(value, (list, tuple)):
        with _entered(value, active):
            out.append("[")
            for i, item in enumerate(value):
                if i:
                    out.append(", ")
                _encode(item, out, active)
            out.append("]")
    else:
        hint = (
            "encode the bytes as text first (base64, hex)"
            if isinstance(value, (bytes, bytearray, memoryview))
            else "convert it to None, bool, int, float, str, Decimal, a date/time, UUID, "
            "Enum, a dict with str keys, a list or a tuple first"
        )
        raise AGTypeError(f"cannot encode {type(value).__name__} {value!r:.80} as agtype: {hint}")


class _entered:
    """Context manager refusing containers that hold themselves (``a = []; a.append(a)``)."""

    def __init__(self, value: object, active: set[int]) -> None:
        self.key = id(value)
        self.active = active

    def __enter__(self) -> None:
        if self.key in self.active:
            raise AGTypeError("cannot encode a container that contains itself as agtype")
        self.active.add(self.key)

    def __exit__(self, *exc: object) -> None:
        self.active.discard(self.key)


def _encode_graph(value: Vertex | Edge | Path, out: list[str], active: set[int]) -> None:
    if isinstance(value, Path):
        _encode(list(value.elements()), out, active)
        out.append("::path")
        return
    body: dict[str, Any] = {"id": value.id, "label": value.label}
    if isinstance(value, Edge):
        body["end_id"] = value.end_id
        body["start_id"] = value.start_id
    body["properties"] = value.properties
    _encode(body, out, active)
    out.append("::edge" if isinstance(value, Edge) else "::vertex")


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))  # shortest text that reads back to the same double


def _decimal_text(value: Decimal) -> str:
    if value.is_snan():
        raise AGTypeError("cannot encode a signalling NaN Decimal as agtype; use Decimal('NaN')")
    if value.is_nan():
        return "NaN::numeric"
    if value.is_infinite():
        return ("-" if value.is_signed() else "") + "Infinity::numeric"
    return f"{value}::numeric"


def _string_text(value: str) -> str:
    if "\x00" in value:
        raise AGTypeError(
            "cannot encode a string holding NUL (\\x00) as agtype: PostgreSQL text cannot "
            "store it; remove it or encode the value (base64) first"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise AGTypeError(
            f"cannot encode a string holding a lone surrogate ({err.reason}) as agtype: "
            "it is not valid UTF-8; fix the text before storing it"
        ) from err
    return json.dumps(value, ensure_ascii=False)
