"""pgvector's psycopg types, registered by qualified name, and vectors bound in binary.

pgvector-python's SQLAlchemy types (``VECTOR``, ``HALFVEC``) turn every bound
vector into text (``'[0.1,0.2,...]'``, one Python ``str()`` per float), which the
server then parses.  On an engine with the set-up and the psycopg driver (sync
or async), the dialect adapts those types to `BinaryVECTOR` / `BinaryHALFVEC`
instead (the dialect's ``colspecs``, so declared columns stay pgvector's own
types: ``repr()``, Alembic's rendering and autogenerate see no change).  Their
bind processor hands psycopg a big-endian float32 numpy array (or pgvector's
``HalfVector``), which psycopg sends in pgvector's binary format: for ORM
flushes, Core statements, ``insertmanyvalues`` batches and query vectors.

Results come back in text unless a statement asks otherwise: the execution
option ``tridb_binary_results=True`` (`BINARY_RESULTS`) makes psycopg ask for
every column of that statement in binary, vectors included (a 384-dimension
vector then loads without parsing about 7 KB of text).  It is opt-in, for
statements whose columns all have binary loaders: PostgreSQL's built-in types
and pgvector's do; a user-defined enum comes back as ``bytes`` and AGE's
``agtype`` is refused by the server.  Sync psycopg only (the async adapter's
cursor is SQLAlchemy's, not psycopg's).

psycopg picks a dumper per Python type; with ``%s`` placeholders (SQLAlchemy's
psycopg dialect) it takes the one registered last for that type
(``Format.AUTO``), here `register_vector_types()`'s binary one.  Results keep
psycopg's text format by default (libpq asks for one result format per
statement, and other types, AGE's ``agtype`` among them, must stay text), and
what users get back is unchanged either way: ``list[float]`` through the ORM
and Core, pgvector's ``Vector`` / ``HalfVector`` from the driver itself.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import psycopg
from pgvector import HalfVector, Vector
from pgvector.psycopg.bit import register_bit_info
from pgvector.psycopg.halfvec import register_halfvec_info
from pgvector.psycopg.sparsevec import register_sparsevec_info
from pgvector.psycopg.vector import register_vector_info
from pgvector.sqlalchemy import HALFVEC, VECTOR
from psycopg.abc import Buffer
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format
from psycopg.types import TypeInfo
from sqlalchemy.engine import Dialect

__all__ = [
    "BINARY_RESULTS",
    "BinaryHALFVEC",
    "BinaryVECTOR",
    "ask_binary_results",
    "binary_colspecs",
    "register_vector_types",
]

#: The execution option that asks for a statement's results in binary (sync psycopg).
BINARY_RESULTS = "tridb_binary_results"

_HEADER = struct.Struct(">HH")  # dimensions, unused
_BIG_F4 = np.dtype(">f4")


class _VectorBinaryDumper(Dumper):
    """A 1-D numpy array as pgvector's binary ``vector``: a header and big-endian float32s."""

    format = Format.BINARY

    def dump(self, obj: Any) -> bytes:
        values = np.asarray(obj, dtype=_BIG_F4)  # no copy for what BinaryVECTOR binds
        if values.ndim != 1:
            raise ValueError(f"a vector must be one-dimensional, got shape {values.shape}")
        return _HEADER.pack(values.shape[0], 0) + values.tobytes()


class _VectorTextLoader(Loader):
    """pgvector's ``Vector`` from its text form, parsed by numpy (not one ``float()`` each)."""

    format = Format.TEXT

    def load(self, data: Buffer) -> Vector:
        text = bytes(data).decode("ascii")
        return Vector(np.fromstring(text[1:-1], dtype=np.float32, sep=","))


def register_vector_types(dbapi_connection: Any, rows: list[list[Any]]) -> None:
    """Register pgvector's psycopg types by their qualified names, and the binary dumper.

    Other drivers (psycopg2, asyncpg) keep pgvector's text I/O.

    :param dbapi_connection: the DBAPI connection (psycopg's, or SQLAlchemy's async adapter).
    :param rows: ``[typname, oid, array oid, qualified name, delimiter]`` per type.
    """
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if not isinstance(driver, psycopg.BaseConnection):
        return
    infos = {
        name: TypeInfo(name, oid, array_oid, regtype=regtype, delimiter=delimiter)
        for name, oid, array_oid, regtype, delimiter in rows
    }
    for name, register in (
        ("vector", register_vector_info),
        ("bit", register_bit_info),
        ("halfvec", register_halfvec_info),
        ("sparsevec", register_sparsevec_info),
    ):
        if name in infos:  # halfvec and sparsevec came with pgvector 0.7
            register(driver, infos[name])
    if "vector" in infos:
        # registered last, so psycopg's %s (Format.AUTO) takes it for numpy arrays
        dumper = type("VectorBinaryDumper", (_VectorBinaryDumper,), {"oid": infos["vector"].oid})
        driver.adapters.register_dumper("numpy.ndarray", dumper)
        driver.adapters.register_loader(infos["vector"].oid, _VectorTextLoader)


def _one_dimensional(values: Any) -> Any:
    if values.ndim != 1:
        raise ValueError(f"a vector must be one-dimensional, got shape {values.shape}")
    return values


class BinaryVECTOR(VECTOR):
    """pgvector's ``VECTOR``, bound as a float32 numpy array that psycopg sends in binary.

    Lists, numpy arrays of any float dtype and pgvector's ``Vector`` are accepted,
    as by ``VECTOR``; results are ``list[float]``, as with ``VECTOR``.
    """

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        """Convert a bound value to a big-endian float32 array (``Vector`` passes through).

        :param dialect: the dialect the statement runs on.
        """

        def process(value: Any) -> Any:
            if value is None or isinstance(value, Vector):
                return value
            return _one_dimensional(np.asarray(value, dtype=_BIG_F4))

        return process


class BinaryHALFVEC(HALFVEC):
    """pgvector's ``HALFVEC``, bound as pgvector's ``HalfVector`` (psycopg sends it in binary)."""

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        """Convert a bound value to ``HalfVector`` (which passes through).

        :param dialect: the dialect the statement runs on.
        """

        def process(value: Any) -> Any:
            if value is None or isinstance(value, HalfVector):
                return value
            return HalfVector(_one_dimensional(np.asarray(value, dtype=np.float16)))

        return process


def binary_colspecs(colspecs: Mapping[Any, Any]) -> dict[Any, Any]:
    """*colspecs* (a dialect's type adaptations) with pgvector's types bound in binary.

    :param colspecs: the dialect's current ``colspecs``.
    """
    return {**colspecs, VECTOR: BinaryVECTOR, HALFVEC: BinaryHALFVEC}


def ask_binary_results(cursor: Any) -> None:
    """Make a psycopg cursor's next results binary (its documented ``format`` attribute).

    Anything but a sync psycopg cursor is left alone.

    :param cursor: the DBAPI cursor about to execute.
    """
    if isinstance(cursor, psycopg.Cursor):
        cursor.format = Format.BINARY
