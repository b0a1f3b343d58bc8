"""Agent memory fed by another program, embedded by a worker, recalled by similarity.

Run it with the local server (``tridb server start``) or ``TRIDB_DATABASE_URL`` set::

    python examples/agent_memory.py [--provider minilm|deterministic]

An agent keeps its memories in one table whose embedding is
``sync="deferred"``.  Another program -- here a chat-log ingester started as a
subprocess, writing with plain psycopg and ``COPY``, knowing nothing of the
ORM -- appends memories and corrects one; its transactions never wait for the
model.  A worker (``EmbeddingWorker.run()`` in a thread, as an app would run it
next to its web server) embeds what the triggers queued.  The agent then
recalls the memories nearest to its questions with ``nearest()``, and the
queue and provenance show that nothing is stale.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

from _support import example_database, parse_args, use_provider
from sqlalchemy import Engine, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.vector import Embedding, nearest, stale_rows
from sqlalchemy_tridb.worker import EmbeddingWorker, queue_status


class Base(DeclarativeBase):
    pass


class Memory(Base):
    __tablename__ = "memory"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent: Mapped[str] = mapped_column(String(40))
    text: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="text", provider="all-MiniLM-L6-v2", sync="deferred"
    )


# the other program: a chat-log ingester with no ORM, no tridb, no model
INGESTER = textwrap.dedent(
    """
    import sys
    import psycopg

    lines = [
        "The user's name is Ada and she lives in Lisbon.",
        "Ada is allergic to peanuts.",
        "Ada's favourite programming language is Python.",
        "Ada has a cat called Turing.",
        "Ada is planning a trip to Kyoto in April.",
        "Ada prefers meetings in the morning.",
    ]
    with psycopg.connect(sys.argv[1]) as conn:
        with conn.cursor().copy("COPY public.memory (id, agent, text) FROM STDIN") as copy:
            for i, line in enumerate(lines, start=1):
                copy.write_row((i, "assistant", line))
        conn.commit()
        # a correction, as psql would make it
        conn.execute(
            "UPDATE public.memory SET text = %s WHERE id = 5",
            ("Ada is planning a trip to Kyoto in May.",),
        )
    """
)


def ingest(engine: Engine) -> None:
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([sys.executable, "-c", INGESTER, dsn], check=True)


def main() -> None:
    args = parse_args(None, __doc__.splitlines()[0])
    use_provider(args.provider)
    with example_database("tridb_example_agent_memory") as engine:
        Base.metadata.create_all(engine)
        worker = EmbeddingWorker(engine, Memory.embedding, poll=0.05)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()  # the worker runs next to the app from now on

        start = time.perf_counter()
        ingest(engine)
        print(
            f"the ingester wrote 6 memories and a correction in {time.perf_counter() - start:.1f} s"
        )

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                status = queue_status(conn)
            if status and status[0].depth == 0:
                break
            time.sleep(0.05)
        worker.stop()
        thread.join(30)
        print(f"queue empty: {status[0].depth == 0}, failed jobs: {status[0].failed}")

        with Session(engine) as session:
            for question in ("What should I avoid cooking?", "When is the Japan trip?"):
                recalled = session.scalars(nearest(Memory.embedding, question, k=1)).one()
                print(f"{question} -> {recalled.text}")
            corrected = "Ada is planning a trip to Kyoto in May."
            found = session.scalars(nearest(Memory.embedding, corrected, k=1)).one()
            print(f"the correction was embedded from its new text: {found.id == 5}")
            stale = session.scalars(stale_rows(Memory.embedding)).all()
            print(f"stale memories: {len(stale)}")
            embedded = session.scalars(select(Memory).where(Memory.embedding.is_not(None))).all()
            print(f"memories with a vector: {len(embedded)} of 6")
        engine.dispose()


if __name__ == "__main__":
    main()
