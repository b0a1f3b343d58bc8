"""A stateful drift test: random writes of every kind, graph == rows after each transaction.

Hypothesis drives a rule-based state machine over the writers' models: ORM
inserts, Core and raw updates, upserts, key changes, deletes with deferred
keys, writable CTEs, association rows, savepoint and transaction rollbacks,
TRUNCATE.  After every commit or rollback the exact checker must find no
difference.  A bounded run in CI; ``TRIDB_LONG_TESTS=1`` runs a long one.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import Engine, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .mirror_check import graph_rows_diff
from .test_writers import Base, Club, Pair, Person, writers_engine, writers_template

__all__ = ["writers_engine", "writers_template"]

LONG = os.environ.get("TRIDB_LONG_TESTS") == "1"
# 0 and negative keys are not their own vertex ids: they go through the key map
KEYS = st.integers(min_value=-3, max_value=9)
CLUBS = st.integers(min_value=1, max_value=3)
PARTS = st.sampled_from(["a", "b", "a\x1fb", "", "1"])


class Drift(RuleBasedStateMachine):
    engine: Engine

    def __init__(self) -> None:
        super().__init__()
        self.session = Session(self.engine)
        self.session.execute(text("TRUNCATE w_knows, w_member, w_person, w_club, w_pair CASCADE"))
        self.session.commit()
        self.knows = 0

    def _commit(self) -> None:
        try:
            self.session.commit()
        except DBAPIError:  # a deferred key refused the transaction: nothing of it stays
            self.session.rollback()

    def _try(self, statement: Any, params: Any = None) -> None:
        try:
            with self.session.begin_nested():
                self.session.execute(statement, params)
        except DBAPIError:
            pass  # a refused statement (key taken, row referenced) rolls back to the savepoint

    @rule(key=KEYS, name=st.text(min_size=1, max_size=5), score=st.floats(-1e6, 1e6))
    def orm_insert(self, key: int, name: str, score: float) -> None:
        self._try(pg_insert(Person).values(id=key, name=name, score=score).on_conflict_do_nothing())
        self._commit()

    @rule(key=KEYS, name=st.text(min_size=1, max_size=5))
    def upsert(self, key: int, name: str) -> None:
        stmt = pg_insert(Person).values(id=key, name=name)
        self._try(stmt.on_conflict_do_update(index_elements=["id"], set_={"name": name}))
        self._commit()

    @rule(key=KEYS, boss=st.one_of(st.none(), KEYS))
    def set_boss(self, key: int, boss: int | None) -> None:
        self._try(text("UPDATE w_person SET boss_id = :b WHERE id = :k"), {"b": boss, "k": key})
        self._commit()

    @rule(old=KEYS, new=KEYS)
    def change_key(self, old: int, new: int) -> None:
        self._try(text("UPDATE w_person SET id = :n WHERE id = :o"), {"n": new, "o": old})
        self._commit()

    @rule(a=KEYS, b=KEYS, weight=st.floats(0, 10))
    def add_knows(self, a: int, b: int, weight: float) -> None:
        self.knows += 1
        self._try(
            text("INSERT INTO w_knows (id, a, b, weight) VALUES (:i, :a, :b, :w)"),
            {"i": self.knows, "a": a, "b": b, "w": weight},
        )
        self._commit()

    @rule(key=KEYS)
    def delete_person(self, key: int) -> None:
        self._try(text("DELETE FROM w_person WHERE id = :k"), {"k": key})
        self._commit()

    @rule(key=KEYS)
    def delete_and_readd(self, key: int) -> None:
        self._try(
            text(
                "WITH gone AS (DELETE FROM w_person WHERE id = :k RETURNING *) "
                "INSERT INTO w_person SELECT * FROM gone"
            ),
            {"k": key},
        )
        self._commit()

    @rule(a=KEYS)
    def delete_knows_of(self, a: int) -> None:
        self._try(text("DELETE FROM w_knows WHERE a = :a OR b = :a"), {"a": a})
        self._commit()

    @rule(key=KEYS)
    def rolled_back(self, key: int) -> None:
        self._try(text("DELETE FROM w_knows"))
        self._try(text("UPDATE w_person SET name = 'gone' WHERE id = :k"), {"k": key})
        self.session.rollback()

    @rule(key=CLUBS)
    def add_club(self, key: int) -> None:
        self._try(pg_insert(Club).values(id=key, name=f"club {key}").on_conflict_do_nothing())
        self._commit()

    @rule(key=KEYS, club=CLUBS, join=st.booleans())
    def orm_membership(self, key: int, club: int, join: bool) -> None:
        """Through the ORM's relationship collection (a secondary table)."""
        person, found = self.session.get(Person, key), self.session.get(Club, club)
        if person is None or found is None:
            self.session.rollback()
            return
        if join and found not in person.clubs:
            person.clubs.append(found)
        elif not join and found in person.clubs:
            person.clubs.remove(found)
        self._commit()

    @rule(key=KEYS, name=st.text(min_size=1, max_size=5), club=st.one_of(st.none(), CLUBS))
    def orm_add(self, key: int, name: str, club: int | None) -> None:
        if self.session.get(Person, key) is not None:
            self.session.rollback()
            return
        found = self.session.get(Club, club) if club is not None else None
        self.session.add(Person(id=key, name=name, clubs=[found] if found else []))
        self._commit()

    @rule(key=KEYS)
    def orm_delete(self, key: int) -> None:
        """The unit of work deletes the membership rows, then the person."""
        person = self.session.get(Person, key)
        if person is None:
            self.session.rollback()
            return
        self.session.delete(person)
        self._commit()

    @rule(a=PARTS, b=PARTS)
    def pair(self, a: str, b: str) -> None:
        if self.session.get(Pair, (a, b)) is None:
            self.session.add(Pair(a=a, b=b))
        else:
            self.session.delete(self.session.get(Pair, (a, b)))
        self._commit()

    @rule(a=PARTS, b=PARTS)
    def pair_key_change(self, a: str, b: str) -> None:
        self._try(text("UPDATE w_pair SET b = :b WHERE a = :a"), {"a": a, "b": b})
        self._commit()

    @rule()
    def truncate(self) -> None:
        self._try(text("TRUNCATE w_knows"))
        self._commit()

    @invariant()
    def graph_equals_rows(self) -> None:
        assert graph_rows_diff(self.session.connection(), Base.metadata) == []
        self.session.rollback()

    def teardown(self) -> None:
        self.session.close()


def test_graph_equals_rows_after_every_transaction(writers_engine: Engine) -> None:
    Drift.engine = writers_engine
    run = Drift.TestCase
    run.settings = settings(
        max_examples=200 if LONG else 8,
        stateful_step_count=60 if LONG else 25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    run().runTest()
