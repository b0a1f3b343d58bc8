from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from sqlalchemy_tridb.embedding import providers

from .models import PROVIDER, Base


@pytest.fixture
def engine(tridb_engine: Engine) -> Iterator[Engine]:
    providers.register(PROVIDER, name="outbox", replace=True)
    Base.metadata.create_all(tridb_engine)
    yield tridb_engine
    providers.clear()
