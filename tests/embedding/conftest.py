from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, event

from sqlalchemy_tridb.embedding import DeterministicProvider, providers


@dataclass(eq=False)
class CountingProvider:
    """Wraps a provider; records every call (unhashable on purpose: grouped by identity)."""

    inner: Any = field(default_factory=lambda: DeterministicProvider(dimension=32))
    name: str = "counting"
    batch_size: int | None = None
    calls: list[list[str]] = field(default_factory=list)
    poison: str | None = None  # a text that yields NaN
    fail: bool = False

    @property
    def dimension(self) -> int:
        return int(self.inner.dimension)

    def embed(self, texts: Sequence[str]) -> Any:
        self.calls.append(list(texts))
        if self.fail:
            raise RuntimeError("model server down")
        out = self.inner.embed(texts)
        if self.poison is not None:
            for i, t in enumerate(texts):
                if self.poison in t:
                    out[i, 0] = np.nan
        return out

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    yield
    providers.clear()


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.fixture
def sql_log(tridb_engine: Engine) -> Iterator[StatementLog]:
    log = StatementLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(tridb_engine, "before_cursor_execute", record)
    yield log
    event.remove(tridb_engine, "before_cursor_execute", record)
