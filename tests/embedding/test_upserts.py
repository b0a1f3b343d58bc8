"""Upserts never leave an old text's vector behind (issue 14 item 2).

``insert(Product).values(...).on_conflict_do_update(set_={"description": ...})``
left the row with the new description and the old description's vector, with
no warning, and ``stale_rows()`` / ``backfill()`` could not see it.  Now the
update part sets the vector the INSERT computed (when it sets every source from
the proposed row) or NULL with an `EmbeddingSyncWarning`; Core UPDATEs and
upserts through the session set it NULL too.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.exc import EmbeddingSyncWarning
from sqlalchemy_tridb.vector import backfill, install_embedding_sync, stale_rows

from .models import DIM, Base, Product

REF = DeterministicProvider(dimension=DIM)
pytestmark = pytest.mark.filterwarnings(
    "ignore:Product.tag_embedding:sqlalchemy_tridb.exc.EmbeddingSyncWarning"
)


@pytest.fixture
def session(tridb_engine: Engine) -> Iterator[Session]:
    providers.register(REF, name="products")
    providers.register(REF, name="tags")
    Base.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s, install_embedding_sync(s):
        s.add_all(
            [
                Product(id=1, name="lamp", description="old text"),
                Product(id=2, name="kettle", description="steel"),
            ]
        )
        s.commit()
        yield s


def vec(session: Session, pid: int) -> np.ndarray | None:
    value = session.execute(
        text("SELECT embedding::text FROM product WHERE id = :id"), {"id": pid}
    ).scalar_one()
    return None if value is None else np.array([float(x) for x in value.strip("[]").split(",")])


def is_vector_of(session: Session, pid: int, source: str) -> bool:
    got = vec(session, pid)
    return got is not None and bool(np.allclose(got, REF.embed([source])[0], atol=1e-6))


def stale_ids(session: Session) -> list[int]:
    return sorted(p.id for p in session.scalars(stale_rows(Product.embedding)))


def _no_embedding_warning(record: list[warnings.WarningMessage]) -> bool:
    return not any("Product.embedding" in str(w.message) for w in record)


def test_the_issues_upsert_leaves_null_and_backfill_fixes_it(session: Session) -> None:
    ins = insert(Product).values(id=1, name="not used", description="new")
    stmt = ins.on_conflict_do_update(
        index_elements=["id"], set_={"description": ins.excluded.description}
    )
    with pytest.warns(EmbeddingSyncWarning, match=r"Product.embedding.*upsert.*NULL"):
        session.execute(stmt)
    assert session.scalar(select(Product.description).where(Product.id == 1)) == "new"
    assert vec(session, 1) is None  # not the vector of "lamp: old text"
    assert stale_ids(session) == [1]
    assert backfill(session, Product.embedding) == 1
    session.commit()
    assert is_vector_of(session, 1, "lamp: new")
    assert is_vector_of(session, 2, "kettle: steel")


def test_backfill_reads_rows_the_session_holds_afresh(session: Session) -> None:
    lamp = session.get(Product, 1)
    assert lamp is not None and lamp.embedding is not None  # loaded before the upsert
    ins = insert(Product).values(id=1, name="not used", description="new")
    with pytest.warns(EmbeddingSyncWarning):
        session.execute(
            ins.on_conflict_do_update(
                index_elements=["id"], set_={"description": ins.excluded.description}
            )
        )
    assert backfill(session, Product.embedding) == 1
    session.commit()
    assert is_vector_of(session, 1, "lamp: new")  # not the old text's vector, nor NULL


def test_an_upsert_of_every_source_gets_the_computed_vector(session: Session) -> None:
    ins = insert(Product).values(id=1, name="desk lamp", description="brass")
    stmt = ins.on_conflict_do_update(
        index_elements=[Product.id],
        set_={"name": ins.excluded.name, "description": ins.excluded.description},
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        session.execute(stmt)
        new = insert(Product).values(id=3, name="pan", description="iron")
        session.execute(
            new.on_conflict_do_update(
                index_elements=["id"],
                set_={"name": new.excluded.name, "description": new.excluded.description},
            )
        )
    assert _no_embedding_warning(record)
    assert is_vector_of(session, 1, "desk lamp: brass")  # updated row
    assert is_vector_of(session, 3, "pan: iron")  # inserted row
    assert stale_ids(session) == []


def test_orm_bulk_upsert(session: Session) -> None:
    ins = insert(Product)
    full = ins.on_conflict_do_update(
        index_elements=["id"],
        set_={"name": ins.excluded.name, "description": ins.excluded.description},
    )
    session.execute(
        full,
        [
            {"id": 1, "name": "lamp", "description": "bulk one"},
            {"id": 4, "name": "chair", "description": "bulk four"},
        ],
    )
    assert is_vector_of(session, 1, "lamp: bulk one")
    assert is_vector_of(session, 4, "chair: bulk four")
    partial = ins.on_conflict_do_update(
        index_elements=["id"], set_={"description": ins.excluded.description}
    )
    with pytest.warns(EmbeddingSyncWarning, match="upsert"):
        session.execute(partial, [{"id": 2, "name": "ignored", "description": "partial"}])
    assert vec(session, 2) is None
    assert stale_ids(session) == [2]


def test_multi_row_and_literal_upserts(session: Session) -> None:
    ins = insert(Product).values(
        [
            {"id": 1, "name": "lamp", "description": "multi"},
            {"id": 5, "name": "mouse", "description": "new row"},
        ]
    )
    with pytest.warns(EmbeddingSyncWarning):
        session.execute(
            ins.on_conflict_do_update(
                index_elements=["id"], set_={"description": ins.excluded.description}
            )
        )
    assert vec(session, 1) is None and vec(session, 5) is None  # both found by stale_rows
    ins = insert(Product).values(id=2, name="kettle", description="x")
    with pytest.warns(EmbeddingSyncWarning, match="upsert"):
        session.execute(
            ins.on_conflict_do_update(index_elements=["id"], set_={"description": "literal"})
        )
    assert vec(session, 2) is None
    assert stale_ids(session) == [1, 2, 5]


def test_upserts_that_change_no_source_keep_the_vector(session: Session) -> None:
    ins = insert(Product).values(id=1, name="lamp", description="other", price=9)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        session.execute(
            ins.on_conflict_do_update(index_elements=["id"], set_={"price": ins.excluded.price})
        )
        session.execute(
            insert(Product).values(id=2, name="x", description="y").on_conflict_do_nothing()
        )
    assert _no_embedding_warning(record)
    assert session.scalar(select(Product.price).where(Product.id == 1)) == 9
    assert is_vector_of(session, 1, "lamp: old text")  # the row's text did not change
    assert is_vector_of(session, 2, "kettle: steel")


def test_core_updates_and_upserts_through_the_session_null_the_vector(session: Session) -> None:
    table = Product.__table__
    with pytest.warns(EmbeddingSyncWarning, match="Core"):
        session.execute(update(table).where(table.c.id == 1).values(description="core"))  # type: ignore[arg-type]
    assert vec(session, 1) is None
    ins = insert(table).values(id=2, name="kettle", description="core upsert")  # type: ignore[arg-type]
    with pytest.warns(EmbeddingSyncWarning, match="Core"):
        session.execute(
            ins.on_conflict_do_update(
                index_elements=["id"], set_={"description": ins.excluded.description}
            )
        )
    assert vec(session, 2) is None
    with pytest.warns(EmbeddingSyncWarning, match="Core"):
        session.execute(update(table).where(table.c.id == 1).values(price=3))  # type: ignore[arg-type]
    assert stale_ids(session) == [1, 2]
    assert backfill(session, Product.embedding) == 2
    assert is_vector_of(session, 1, "lamp: core")
    assert is_vector_of(session, 2, "kettle: core upsert")
