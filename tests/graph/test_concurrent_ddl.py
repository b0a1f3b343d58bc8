"""Several processes run ``create_all`` on one bare database at once: they converge.

The library's own DDL (extensions, graph, labels, triggers) runs under one
advisory lock, so none of it fails; SQLAlchemy's ``CREATE TABLE`` can still lose
a race (its existence check comes before any hook), which a retry settles.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from sqlalchemy_tridb.server import create_database, drop_database

PROGRAM = """
import sys
from sqlalchemy import ForeignKey, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy_tridb import Embedding, GraphEdge, GraphNode
from sqlalchemy_tridb.embedding import DeterministicProvider

class Base(DeclarativeBase):
    pass

class Doc(GraphNode, Base):
    __tablename__ = "doc"
    __graph__ = "deploy_graph"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    vec: Mapped[list[float] | None] = Embedding(
        source="title", provider=DeterministicProvider(dimension=8))

class Cites(GraphEdge, Base):
    __tablename__ = "cites"
    __edge_source__ = "a"
    __edge_target__ = "b"
    a: Mapped[int] = mapped_column(ForeignKey("doc.id"), primary_key=True)
    b: Mapped[int] = mapped_column(ForeignKey("doc.id"), primary_key=True)

engine = create_engine(sys.argv[1], plugins=["tridb"])
for attempt in range(3):
    try:
        Base.metadata.create_all(engine)
        break
    except Exception as err:
        statement = str(getattr(err, "statement", "") or "")
        print("FAILED", attempt, statement.split("(")[0].strip(), type(err).__name__, flush=True)
print("DONE", flush=True)
"""


def test_concurrent_create_all_converges(tridb_server_url: str, tmp_path: Path) -> None:
    name = f"deploy_{uuid.uuid4().hex[:8]}"
    url = create_database(tridb_server_url, name, extensions=())
    try:
        script = tmp_path / "deploy.py"
        script.write_text(PROGRAM)
        procs = [
            subprocess.Popen([sys.executable, str(script), url], stdout=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        assert all(p.returncode == 0 for p in procs)
        assert all(out.rstrip().endswith("DONE") for out in outputs), outputs
        failures = [
            line for out in outputs for line in out.splitlines() if line.startswith("FAILED")
        ]
        # only SQLAlchemy's own CREATE TABLE may lose a race; nothing of the library's
        assert all(" CREATE TABLE " in f"{line} " for line in failures), failures
        engine = create_engine(url)
        with engine.connect() as conn:
            extensions = set(conn.scalars(text("SELECT extname FROM pg_extension")))
            labels = set(
                conn.scalars(
                    text(
                        "SELECT l.name FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g "
                        "ON l.graph = g.graphid WHERE g.name = 'deploy_graph'"
                    )
                )
            )
            triggers = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND "
                    "tgrelid IN ('doc'::regclass, 'cites'::regclass)"
                )
            )
        engine.dispose()
        assert {"vector", "age"} <= extensions
        assert {"Doc", "CITES"} <= labels
        assert triggers == 8
    finally:
        drop_database(tridb_server_url, name)
