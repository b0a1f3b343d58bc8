"""``op.backfill_embeddings`` carries its source, provider and dimension (issue 13, item 6).

Upgrading across several revisions used to compute an old step's column with
today's models (``expected 64 dimensions, not 96``).  A step now computes with
what its revision said, and says clearly when that provider is not available.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, Integer, String, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from tridb_alembic_cases.render import autogenerate, run

from alembic_ext.exc import ProviderUnavailableError
from sqlalchemy_tridb import Embedding
from sqlalchemy_tridb.embedding import DeterministicProvider, providers

P64 = DeterministicProvider(dimension=64, name="p64")
P96 = DeterministicProvider(dimension=96, name="p96")
STEP = "op.backfill_embeddings('doc', 'emb', source='{title}', provider='p64', dimension=64)"


@pytest.fixture
def conn(db_url: str) -> Iterator[Connection]:
    providers.register(P64)
    providers.register(P96)
    engine = create_engine(db_url, plugins=["tridb"])
    with engine.connect() as c:
        c.execute(text("CREATE TABLE doc (id int PRIMARY KEY, title text)"))
        c.execute(text("INSERT INTO doc VALUES (1, 'alpha'), (2, 'beta'), (3, NULL)"))
        yield c
        c.rollback()
    engine.dispose()
    providers.clear()


def _vectors(conn: Connection) -> dict[int, Any]:
    rows = conn.execute(text("SELECT id, emb::text FROM doc ORDER BY id"))
    return {i: None if v is None else np.array(eval(v)) for i, v in rows}


def test_autogenerate_carries_what_the_column_says_now(conn: Connection) -> None:
    class Base(DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "doc"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        heading: Mapped[str | None] = mapped_column("title", String)
        emb: Mapped[list[float] | None] = Embedding(source="{heading}", provider="p64", index=None)

    up, _down = autogenerate(conn, Base.metadata)
    assert (
        "op.backfill_embeddings('doc', 'emb', source='{heading}', columns={'heading': 'title'}, "
        "provider='p64', dimension=64, attribute=" in up
    )
    conn.execute(text("ALTER TABLE doc ADD COLUMN emb vector(64)"))
    step = up[up.index("op.backfill_embeddings(") :].split("\n")[0]
    run(conn, step)
    found = _vectors(conn)
    assert np.allclose(found[1], P64.embed(["alpha"])[0], atol=1e-6)
    assert found[3] is None  # an empty source stays NULL


def test_a_step_computes_with_its_own_provider_whatever_the_models_say(conn: Connection) -> None:
    # today's models would say provider p96 (96 dimensions); the step says p64
    conn.execute(text("ALTER TABLE doc ADD COLUMN emb vector(64)"))
    run(conn, STEP)
    found = _vectors(conn)
    assert len(found[2]) == 64
    assert np.allclose(found[2], P64.embed(["beta"])[0], atol=1e-6)


def test_a_missing_provider_is_a_clear_error(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE doc ADD COLUMN emb vector(64)"))
    providers.clear()
    providers.register(P96)
    with pytest.raises(ProviderUnavailableError, match=r"'p64' \(64 dimensions\).*register"):
        run(conn, STEP)


def test_a_provider_of_another_dimension_is_a_clear_error(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE doc ADD COLUMN emb vector(64)"))
    providers.clear()
    providers.register(P96, name="p64")
    with pytest.raises(ProviderUnavailableError, match="gives 96"):
        run(conn, STEP)
