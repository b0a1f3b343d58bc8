"""Documents of tenants: a table partitioned by tenant, and the same rows unpartitioned."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import DDL, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import HNSW, Embedding, EmbeddingSearchMixin

EMBED = DeterministicProvider(dimension=16, name="partition_test")
TENANTS = (1, 2, 3)


class Base(DeclarativeBase):
    pass


class Doc(EmbeddingSearchMixin, Base):
    """Partitioned by tenant: the key is part of the primary key, as PostgreSQL requires."""

    __tablename__ = "doc"
    __table_args__: ClassVar[dict[str, Any]] = {"postgresql_partition_by": "LIST (tenant)"}
    tenant: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="body", provider=EMBED, index=HNSW())


class FlatDoc(EmbeddingSearchMixin, Base):
    """The same columns in one table."""

    __tablename__ = "flat_doc"
    tenant: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="body", provider=EMBED, index=HNSW())


def partition_ddl(tenant: int) -> str:
    """The statement that makes tenant *tenant*'s partition."""
    return f"CREATE TABLE public.doc_t{tenant} PARTITION OF public.doc FOR VALUES IN ({tenant})"


for _tenant in TENANTS:  # create_all makes the partitions right after the parent
    event.listen(Doc.__table__, "after_create", DDL(partition_ddl(_tenant)))
