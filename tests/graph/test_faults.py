"""Faults leave nothing partial: no row, vector, vertex or edge of a failed transaction.

The provider raises in the middle of a batch; the backend is terminated between
two flushes; ``statement_timeout`` cancels a write; the client process is
killed before it commits.  Each time the next transaction works, and the graph
equals the rows.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, ForeignKey, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb import Embedding, GraphEdge, GraphNode, install_embedding_sync
from sqlalchemy_tridb.embedding import CallableProvider
from sqlalchemy_tridb.exc import ProviderError
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

from .mirror_check import graph_rows_diff


def _embed(texts: Sequence[str]) -> Any:
    if any("boom" in t for t in texts):
        raise RuntimeError("the provider failed in the middle of a batch")
    return np.array([[float(len(t)), 1.0, 0.0, 0.0] for t in texts])


PROVIDER = CallableProvider(_embed, name="faulty", dimension=4)


class Base(DeclarativeBase):
    pass


class Note(GraphNode, Base):
    __tablename__ = "f_note"
    __graph__ = "faults_test"
    __graph_exclude__ = ("vec",)
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    vec: Mapped[list[float] | None] = Embedding(source="body", provider=PROVIDER, index=None)


class Cites(GraphEdge, Base):
    __tablename__ = "f_cites"
    __edge_source__ = "a"
    __edge_target__ = "b"
    a: Mapped[int] = mapped_column(ForeignKey("f_note.id", ondelete="CASCADE"), primary_key=True)
    b: Mapped[int] = mapped_column(ForeignKey("f_note.id", ondelete="CASCADE"), primary_key=True)


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


faults_template = tridb_database_factory(load=[_create])
faults_engine = tridb_engine_factory("faults_template")


def _state(engine: Engine) -> tuple[int, int, int, list[str]]:
    with engine.connect() as conn:
        notes = conn.execute(text("SELECT count(*) FROM f_note")).scalar_one()
        cites = conn.execute(text("SELECT count(*) FROM f_cites")).scalar_one()
        vertices = conn.execute(text('SELECT count(*) FROM faults_test."Note"')).scalar_one()
        return notes, cites, vertices, graph_rows_diff(conn, Base.metadata)


def _seed(engine: Engine) -> None:
    with Session(engine) as session, install_embedding_sync(session):
        session.add_all([Note(id=1, body="one"), Note(id=2, body="two")])
        session.flush()
        session.add(Cites(a=1, b=2))
        session.commit()


def _works_again(engine: Engine) -> None:
    with Session(engine) as session, install_embedding_sync(session):
        session.add(Note(id=99, body="after"))
        session.commit()
    assert _state(engine) == (3, 1, 3, [])


def test_the_provider_failing_mid_batch(faults_engine: Engine) -> None:
    _seed(faults_engine)
    with Session(faults_engine) as session, install_embedding_sync(session):
        session.add_all([Note(id=10 + i, body="boom" if i == 5 else f"n{i}") for i in range(10)])
        session.add(Cites(a=1, b=1))
        with pytest.raises(ProviderError, match="middle of a batch"):
            session.commit()
    assert _state(faults_engine) == (2, 1, 2, [])
    _works_again(faults_engine)


def test_the_backend_terminated_between_flushes(faults_engine: Engine) -> None:
    _seed(faults_engine)
    with Session(faults_engine) as session, install_embedding_sync(session):
        session.add_all([Note(id=10 + i, body=f"n{i}") for i in range(50)])
        session.flush()
        session.add(Cites(a=10, b=11))
        session.flush()
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with faults_engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        with pytest.raises(OperationalError):
            session.add(Note(id=200, body="never"))
            session.commit()
    faults_engine.dispose()  # the pool's connection to the killed backend
    assert _state(faults_engine) == (2, 1, 2, [])
    _works_again(faults_engine)


def test_statement_timeout_cancels_the_write_and_its_mirror(faults_engine: Engine) -> None:
    _seed(faults_engine)
    with Session(faults_engine) as session:
        session.execute(text("SET LOCAL statement_timeout = '50ms'"))
        with pytest.raises(DBAPIError, match="statement timeout"):
            session.execute(
                text(
                    "INSERT INTO f_note (id, body) SELECT i, 'x' || i "
                    "FROM generate_series(100, 100000) i WHERE pg_sleep(0.0001) IS NOT NULL"
                )
            )
        session.rollback()
    assert _state(faults_engine) == (2, 1, 2, [])
    _works_again(faults_engine)


KILLED = """
import os, signal, sys
import psycopg
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("INSERT INTO f_note (id, body) SELECT i, 'k' FROM generate_series(300, 399) i")
    conn.execute("INSERT INTO f_cites (a, b) VALUES (300, 301)")
    print("written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # before the commit
"""


def test_the_client_killed_before_its_commit(faults_engine: Engine) -> None:
    _seed(faults_engine)
    url = faults_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-c", KILLED, url], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == -signal.SIGKILL and "written" in proc.stdout
    assert _state(faults_engine) == (2, 1, 2, [])
    _works_again(faults_engine)
