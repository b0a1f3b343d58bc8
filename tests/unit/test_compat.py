"""Each private SQLAlchemy API item of ``sqlalchemy_tridb._compat`` still does its job.

A failure names the installed SQLAlchemy version and the item, so that an
upgrade that moves or renames one is found here and not in a user's query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import pytest
import sqlalchemy
from sqlalchemy import (
    BindParameter,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.orm import (
    ColumnProperty,
    DeclarativeBase,
    Mapped,
    Mapper,
    ORMExecuteState,
    Session,
    aliased,
    mapped_column,
)
from sqlalchemy.orm.util import AliasedInsp

from sqlalchemy_tridb import _compat
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import Embedding, EmbeddingComparator
from sqlalchemy_tridb.vector.column import EmbeddingColumn
from sqlalchemy_tridb.vector.spec import spec_of

SMALL = DeterministicProvider(dimension=4)


@contextmanager
def private_api(item: str) -> Iterator[None]:
    """Turn any failure into one message naming the SQLAlchemy version and the item."""
    try:
        yield
    except Exception as err:  # AssertionError included
        pytest.fail(
            f"SQLAlchemy {sqlalchemy.__version__} changed {item} "
            f"({type(err).__name__}: {err}); update sqlalchemy_tridb/_compat.py",
            pytrace=False,
        )


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "compat_doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    vec: Mapped[list[float] | None] = Embedding(source="body", provider=SMALL)


def test_comparator_parent_is_the_mapper_or_the_alias() -> None:
    with private_api("PropComparator._parententity"):
        parent = _compat.comparator_parent(Doc.vec.comparator)
        assert isinstance(parent, Mapper) and parent.class_ is Doc
        alias: Any = aliased(Doc)
        aliased_parent = _compat.comparator_parent(alias.vec.comparator)
        assert isinstance(aliased_parent, AliasedInsp)
        assert aliased_parent.entity is alias
        assert aliased_parent is alias.vec.parent  # the attribute's public twin agrees


def test_attribute_options_are_what_mapped_column_gives_its_property() -> None:
    with private_api("MappedColumn._attribute_options"):
        plain = mapped_column(Integer, repr=False, deferred=True)
        options = _compat.attribute_options(plain)
        assert options.dataclasses_repr is False
        prop = plain.mapper_property_to_assign  # SQLAlchemy's own ColumnProperty
        assert isinstance(prop, ColumnProperty)
        assert prop._attribute_options is options  # what EmbeddingColumn passes on, too
        embedding = Embedding(source="body", provider=SMALL)
        made = embedding.mapper_property_to_assign
        assert isinstance(made, ColumnProperty)
        assert made._attribute_options is _compat.attribute_options(embedding)
        assert made.comparator_factory is EmbeddingComparator


def test_copies_of_mapped_columns_keep_their_class() -> None:
    with private_api("MappedColumn._copy"):
        column = Embedding(source="body", provider=SMALL)
        copy = _compat.copy_mapped_column(column)
        assert type(copy) is EmbeddingColumn
        assert copy is not column and spec_of(copy.column) is spec_of(column.column)

        class WithVector:
            vec: Mapped[list[float] | None] = Embedding(source="body", provider=SMALL)

        class One(WithVector, Base):
            __tablename__ = "compat_one"
            id: Mapped[int] = mapped_column(primary_key=True)
            body: Mapped[str]

        class Two(WithVector, Base):
            __tablename__ = "compat_two"
            id: Mapped[int] = mapped_column(primary_key=True)
            body: Mapped[str]

        assert One.__table__.c.vec is not Two.__table__.c.vec  # copied per class
        assert isinstance(One.vec.comparator, EmbeddingComparator)
        assert isinstance(Two.vec.comparator, EmbeddingComparator)


def test_column_index_is_not_copied_twice_by_to_metadata() -> None:
    with private_api("Index(_column_flag=True)"):
        table = Table("compat_t", MetaData(), Column("id", Integer), Column("v", Integer))
        index = _compat.column_index("ix_compat_t_v", table.c.v, info={"x": 1})
        assert index.table is table and list(index.columns) == [table.c.v]
        copied = table.to_metadata(MetaData())
        assert copied.indexes == set()  # the column (its listener) makes it, not the copy


def test_statement_values_and_multi_values() -> None:
    with private_api("ValuesBase._values / ValuesBase._multi_values"):
        table = Table("compat_v", MetaData(), Column("id", Integer), Column("name", String))
        values = _compat.statement_values(update(table).values(name="a"))
        assert {getattr(k, "key", k): v.value for k, v in values.items()} == {"name": "a"}
        assert all(isinstance(v, BindParameter) for v in values.values())
        assert _compat.statement_values(insert(table)) == {}
        assert _compat.statement_values(object()) == {}
        assert _compat.has_multi_values(insert(table).values([{"id": 1}, {"id": 2}]))
        assert not _compat.has_multi_values(insert(table).values(id=1))
        assert not _compat.has_multi_values(object())


class Note(Base):
    __tablename__ = "compat_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


@pytest.mark.parametrize("many", [False, True])
def test_replace_parameters_changes_what_an_orm_insert_writes(many: bool) -> None:
    engine = create_engine("sqlite://")
    Note.__table__.create(engine)
    with Session(engine) as session:

        @event.listens_for(session, "do_orm_execute")
        def shout(state: ORMExecuteState) -> None:
            if state.is_insert:
                given = state.parameters
                rows = [dict(r) for r in (given if isinstance(given, list) else [given])]
                for row in rows:
                    row["body"] = row["body"].upper()
                _compat.replace_parameters(state, rows if many else rows[0])

        with private_api("ORMExecuteState.parameters (read back after do_orm_execute)"):
            if many:
                session.execute(insert(Note), [{"id": 1, "body": "a"}, {"id": 2, "body": "b"}])
            else:
                session.execute(insert(Note), {"id": 1, "body": "a"})
            bodies = session.scalars(select(Note.body).order_by(Note.id)).all()
            assert bodies == (["A", "B"] if many else ["A"])


class _Counting(_compat.PreludeSelect):
    __slots__ = ()
    inherit_cache = True
    seen: ClassVar[list[object]] = []

    def prelude(self, connection: Any, options: Any) -> Any:
        _Counting.seen.append(options.get("mark"))
        return lambda ok: _Counting.seen.append(("done", ok))


def test_a_prelude_select_runs_its_prelude_on_every_execution_path() -> None:
    engine = create_engine("sqlite://")
    Note.__table__.create(engine)
    _Counting.seen.clear()
    with private_api("ClauseElement._execute_on_connection / Select._generate"):
        stmt = _compat.retype_select(select(Note.id), _Counting).execution_options(mark=1)
        assert isinstance(stmt.where(Note.id > 0).order_by(Note.id).limit(3), _Counting)
        with engine.connect() as conn:
            conn.execute(stmt.where(Note.id > 0))
            conn.scalar(stmt, execution_options={"mark": 2})
        with Session(engine) as session:
            session.scalars(stmt.limit(1)).all()
        assert _Counting.seen == [1, ("done", True), 2, ("done", True), 1, ("done", True)]


def test_on_conflict_set_is_read_and_extended() -> None:
    from sqlalchemy.dialects import postgresql

    table = Table(
        "compat_u", MetaData(), Column("id", Integer, primary_key=True), Column("name", String)
    )
    with private_api("Insert._post_values_clause / OnConflictDoUpdate.update_values_to_set"):
        ins = postgresql.insert(table).values(id=1, name="a")
        stmt = ins.on_conflict_do_update(index_elements=["id"], set_={"name": "b"})
        assert list(_compat.on_conflict_set(stmt) or {}) == ["name"]
        assert _compat.on_conflict_set(ins) is None
        assert _compat.on_conflict_set(ins.on_conflict_do_nothing()) is None
        wider = _compat.replace_on_conflict_set(stmt, {"id": ins.excluded.id})
        sql = str(wider.compile(dialect=postgresql.dialect()))
        set_part = sql.partition("DO UPDATE SET ")[2]
        assert "id = excluded.id" in set_part and "name = %(param_1)s" in set_part, sql
        assert "id = excluded.id" not in str(stmt.compile(dialect=postgresql.dialect()))
