"""Shared helpers for the benchmarks: a throw-away database on the local server."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from sqlalchemy_tridb.server import temporary_database


@contextmanager
def scratch_engine(prefix: str) -> Iterator[Engine]:
    """An engine on a fresh database with both extensions, dropped afterwards."""
    with temporary_database(f"{prefix}_{os.getpid()}") as engine:
        yield engine


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of *fn* takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def p50(samples: list[float]) -> float:
    """The median."""
    return statistics.median(samples)
