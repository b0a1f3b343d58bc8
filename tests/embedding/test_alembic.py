"""Alembic autogenerate sees embedding columns and their indexes; no drift after create_all."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from .models import Base

pytest.importorskip("alembic")
# reflecting the public schema also meets AGE's catalog tables (regnamespace columns)
pytestmark = pytest.mark.filterwarnings("ignore:Did not recognize type 'regnamespace'")


def ours(name: str | None, type_: str, parent_names: Any) -> bool:
    """Reflect only this test's tables (AGE's catalog tables are another module's business)."""
    return type_ != "table" or name in Base.metadata.tables


def test_autogenerate_renders_the_index_and_finds_no_drift(tridb_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
    from alembic.migration import MigrationContext

    with tridb_engine.connect() as conn:
        opts = {"target_metadata": Base.metadata, "include_name": ours}
        code = render_python_code(
            produce_migrations(
                MigrationContext.configure(conn, opts=opts), Base.metadata
            ).upgrade_ops
        )
    assert "sa.Column('embedding', pgvector.sqlalchemy.vector.VECTOR(dim=32)" in code
    assert (
        "op.create_index('ix_product_embedding_hnsw', 'product', ['embedding'], unique=False, "
        "postgresql_using='hnsw', postgresql_with={'m': 8, 'ef_construction': 64}, "
        "postgresql_ops={'embedding': 'vector_cosine_ops'})"
    ) in code
    Base.metadata.create_all(tridb_engine)
    with tridb_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": ours})
        assert compare_metadata(ctx, Base.metadata) == []
