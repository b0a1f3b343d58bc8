"""doctor(): each kind of problem found, with a fix that, run, makes it clean."""

from __future__ import annotations

import re

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb import HNSW, DeterministicProvider, Embedding, backfill, doctor
from sqlalchemy_tridb.graph import node_triggers, registry_for

from .models import Base, Customer


class NotesBase(DeclarativeBase):
    pass


class Note(NotesBase):
    __tablename__ = "d_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str | None]
    embedding: Mapped[list[float] | None] = Embedding(
        source="body", provider=DeterministicProvider(dimension=8), index=HNSW()
    )


def test_doctor_finds_each_problem_and_its_fix_works(mirrored: Engine) -> None:
    NotesBase.metadata.create_all(mirrored)
    assert doctor(mirrored, Base, NotesBase).ok
    customer = next(n for n in registry_for(Base.metadata).resolve()[0] if n.cls is Customer)
    ins = node_triggers(customer)[1]
    with mirrored.begin() as conn:
        conn.execute(insert(Note), [{"id": 1, "body": "a"}, {"id": 2, "body": None}])
        conn.execute(text(f'ALTER TABLE a_customer DISABLE TRIGGER "{ins.name}"'))
        body = ins.function_sql().replace("RETURN NULL;", "RETURN NULL; -- edited by hand")
        conn.execute(text(body.replace(":", "\\:")))
        conn.execute(text("DROP INDEX ix_d_note_embedding_hnsw"))
    report = doctor(mirrored, Base, NotesBase, command="shop:Base")
    found = {p.area: p for p in report.problems}
    assert set(found) == {"trigger", "index", "embedding"}, report.text()
    messages = [p.message for p in report.problems]
    assert any("differs from the models'" in m for m in messages)
    assert any("is disabled" in m for m in messages)
    assert "1 row(s) of d_note have a NULL embedding" in found["embedding"].message  # not row 2
    assert found["embedding"].fix.endswith(":Note.embedding")
    for p in report.problems:  # the SQL fixes, as given
        if re.match(r"(ALTER|REINDEX|CREATE|GRANT)\b", p.fix):
            with mirrored.begin() as conn:
                conn.execute(text(p.fix))
    assert {p.area for p in doctor(mirrored, Base, NotesBase).problems} == {"trigger", "embedding"}
    from sqlalchemy.orm import Session

    from sqlalchemy_tridb import sync_graph

    sync_graph(mirrored, Base)  # the fix for the function: the models' triggers again
    with Session(mirrored) as session:
        backfill(session, Note.embedding)
        session.commit()
    report = doctor(mirrored, Base, NotesBase)
    assert report.ok, report.text()
