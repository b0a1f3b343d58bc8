"""Vertex ids no key can make collide: direct integer entries, and the key map for the rest.

Keys that used to be hashed (text, UUIDs, composite keys) or refused by AGE
(integers of 0, negative or beyond 48 bits) all get ids, the graph equals the
rows, traversal and path loading find their rows, and ids that nothing holds
any more leave the key map.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import BigInteger, Connection, Engine, ForeignKey, Uuid, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.cypher.execute import resolve
from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.graph.identity import DIRECT_MAX, MAPPED_MIN
from sqlalchemy_tridb.graph.query import pagerank, shortest_path, walk
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

from .mirror_check import graph_rows_diff

G = "ids_test"
# two texts whose 47-bit hashtextextended values were equal (found offline):
# with hashed ids the second row was refused
COLLIDING = ("k8992835", "k20240628")


class Base(DeclarativeBase):
    pass


class Account(GraphNode, Base):
    """A 64-bit integer key (snowflake-style ids are far beyond 48 bits)."""

    __tablename__ = "ids_account"
    __graph__ = G
    __graph_properties__ = ("name",)  # the key is not a property: resolve() reads the id
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str]
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("ids_account.id", deferrable=True, initially="DEFERRED"),
        info=graph_edge("CHILD_OF"),
    )


class Tag(GraphNode, Base):
    __tablename__ = "ids_tag"
    __graph__ = G
    name: Mapped[str] = mapped_column(primary_key=True)


class Doc(GraphNode, Base):
    __tablename__ = "ids_doc"
    __graph__ = G
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    title: Mapped[str]
    owner_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("ids_account.id"), info=graph_edge("OWNED_BY")
    )


class Tagged(GraphEdge, Base):
    """An association edge with a composite text key of its own."""

    __tablename__ = "ids_tagged"
    __edge_label__ = "TAGGED"
    __edge_source__ = "doc_id"
    __edge_target__ = "tag"
    doc_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("ids_doc.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(
        ForeignKey("ids_tag.name", deferrable=True, initially="DEFERRED"), primary_key=True
    )
    note: Mapped[str | None]


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


ids_template = tridb_database_factory(load=[_create])
ids_engine = tridb_engine_factory("ids_template")


@pytest.fixture
def session(ids_engine: Engine) -> Iterator[Session]:
    with Session(ids_engine) as s:
        yield s


def _mirrored(conn: Connection | Session) -> None:
    connection = conn.connection() if isinstance(conn, Session) else conn
    assert graph_rows_diff(connection, Base.metadata) == []


def _key_map(conn: Connection | Session) -> list[tuple[str, int]]:
    rows = conn.execute(
        text(f'SELECT key, id::text::bigint FROM "{G}"."tridb$keys" ORDER BY key')
    ).all()
    return [(str(k), int(i)) for k, i in rows]


def test_the_colliding_pair_really_collided_under_the_old_hash(ids_engine: Engine) -> None:
    with ids_engine.connect() as conn:
        hashes = conn.execute(
            text(
                "SELECT pg_catalog.hashtextextended(k, 0) & 140737488355327 "
                "FROM unnest(CAST(:keys AS text[])) k"
            ),
            {"keys": list(COLLIDING)},
        ).scalars()
        assert len(set(hashes)) == 1


def test_keys_of_every_kind_get_distinct_ids(session: Session) -> None:
    big = (1 << 62) + 7
    session.add_all(
        [
            Account(id=1, name="one"),
            Account(id=0, name="zero"),
            Account(id=-5, name="negative", parent_id=0),
            Account(id=DIRECT_MAX, name="last direct", parent_id=1),
            Account(id=DIRECT_MAX + 1, name="first mapped", parent_id=-5),
            Account(id=big, name="snowflake", parent_id=big),  # a self-loop
            *(Tag(name=k) for k in COLLIDING),
            Tag(name="a\x1fb"),
            Tag(name=""),
        ]
    )
    session.flush()
    d1, d2 = uuid.uuid4(), uuid.uuid4()
    session.add_all([Doc(id=d1, title="first", owner_id=big), Doc(id=d2, title="second")])
    session.flush()
    session.add_all(
        [
            Tagged(doc_id=d1, tag=COLLIDING[0], note="x"),
            Tagged(doc_id=d1, tag=COLLIDING[1]),
            Tagged(doc_id=d2, tag=""),
        ]
    )
    session.commit()
    _mirrored(session)
    ids = session.execute(
        text(
            f'SELECT count(*), count(DISTINCT id::text) FROM "{G}"."Account" '
            f'UNION ALL SELECT count(*), count(DISTINCT id::text) FROM "{G}"."Tag"'
        )
    ).all()
    assert [tuple(r) for r in ids] == [(6, 6), (4, 4)]
    entries = dict(_key_map(session))
    # direct keys are their own entries; everything else is mapped above them
    assert str(1) not in entries and str(DIRECT_MAX) not in entries
    assert all(i & ((1 << 48) - 1) >= MAPPED_MIN for i in entries.values())
    assert {"0", "-5", str(DIRECT_MAX + 1), str(big), *COLLIDING, "a\x1fb", ""} <= set(entries)


def test_traversal_and_paths_find_rows_with_mapped_keys(session: Session) -> None:
    big = 1 << 60
    session.add_all(
        [
            Account(id=0, name="root"),
            Account(id=big, name="child", parent_id=0),
            Account(id=3, name="grandchild", parent_id=big),
        ]
    )
    session.commit()
    grandchild = session.get(Account, 3)
    root = session.get(Account, 0)
    assert grandchild is not None and root is not None
    up = select(Account.name).where(Account.reachable_from(grandchild, "CHILD_OF", max_hops=2))
    assert set(session.scalars(up)) == {"child", "root"}
    down = Account.reachable(root, "CHILD_OF", max_hops=2, direction="in")
    rows = session.execute(
        select(Account.name, down.c.hops).join(down, down.c.id == Account.id).order_by(down.c.hops)
    ).all()
    assert [tuple(r) for r in rows] == [("child", 1), ("grandchild", 2)]
    path = shortest_path(session, grandchild, root, "CHILD_OF")
    assert path is not None
    assert [a.name for a in path.nodes] == ["grandchild", "child", "root"]
    walked = walk(Account, root, ("CHILD_OF", "in"))
    assert session.execute(select(walked.c.id)).scalars().all() == [big]
    ranks = pagerank(session, Account, "CHILD_OF")
    assert set(ranks) == {0, big, 3} and max(ranks, key=ranks.__getitem__) == 0
    found = run_cypher(
        session, G, "MATCH (a:Account)-[:CHILD_OF]->(b:Account) RETURN b", columns=["b"]
    )
    resolved = {resolve(session, row.b, Base.metadata).name for row in found}
    assert resolved == {"root", "child"}


def test_text_and_uuid_keys_traverse(session: Session) -> None:
    d = uuid.uuid4()
    session.add_all([Account(id=7, name="owner"), Tag(name="k1"), Tag(name="k2")])
    session.flush()
    session.add(Doc(id=d, title="doc", owner_id=7))
    session.flush()
    session.add_all([Tagged(doc_id=d, tag="k1"), Tagged(doc_id=d, tag="k2")])
    session.commit()
    doc = session.get(Doc, d)
    tag = session.get(Tag, "k2")
    assert doc is not None and tag is not None
    tags = select(Tag.name).where(Tag.reachable_from(doc, "TAGGED")).order_by(Tag.name)
    assert session.scalars(tags).all() == ["k1", "k2"]
    docs = select(Doc.title).where(Doc.reachable_from(tag, "TAGGED", direction="in"))
    assert session.scalars(docs).all() == ["doc"]
    path = shortest_path(session, tag, session.get(Tag, "k1"), "TAGGED", direction="both")
    assert path is not None and [type(n).__name__ for n in path.nodes] == ["Tag", "Doc", "Tag"]


def test_a_deferred_delete_and_reinsert_of_a_mapped_key_keeps_its_edges(
    session: Session,
) -> None:
    session.add_all([Account(id=-1, name="old root"), Account(id=2, name="kid", parent_id=-1)])
    session.commit()
    before = dict(_key_map(session))
    session.execute(text("DELETE FROM ids_account WHERE id = -1"))
    session.execute(text("INSERT INTO ids_account (id, name) VALUES (-1, 'new root')"))
    session.commit()
    _mirrored(session)
    assert dict(_key_map(session)) == before  # the same id: the kid's edge still meets it


def test_an_edge_row_written_before_its_target_row_meets_it(session: Session) -> None:
    d = uuid.uuid4()
    session.add(Doc(id=d, title="doc"))
    session.commit()
    # the tag row comes after the edge row (a deferred foreign key)
    session.execute(text("INSERT INTO ids_tagged (doc_id, tag) VALUES (:d, 'later')"), {"d": d})
    session.execute(text("INSERT INTO ids_tag (name) VALUES ('later')"))
    session.commit()
    _mirrored(session)


def test_ids_nothing_holds_leave_the_key_map(session: Session) -> None:
    d = uuid.uuid4()
    session.add_all([Account(id=0, name="z"), Account(id=-2, name="n", parent_id=0)])
    session.add_all([Tag(name="t1"), Tag(name="t2")])
    session.flush()
    session.add(Doc(id=d, title="doc"))
    session.flush()
    session.add_all([Tagged(doc_id=d, tag="t1"), Tagged(doc_id=d, tag="t2")])
    session.commit()
    assert len(_key_map(session)) == 7  # 2 accounts, 2 tags, 1 doc, 2 edges
    session.execute(text("DELETE FROM ids_tagged WHERE tag = 't1'"))
    session.execute(text("DELETE FROM ids_tag WHERE name = 't1'"))
    session.commit()
    keys = {k for k, _ in _key_map(session)}
    assert "t1" not in keys and "t2" in keys
    assert not any(k.endswith('"t1"]') for k in keys)  # the edge's own id went too
    # a vertex an edge row still points at keeps its id until the edge goes
    session.execute(text("ALTER TABLE ids_account DROP CONSTRAINT ids_account_parent_id_fkey"))
    session.execute(text("DELETE FROM ids_account WHERE id = 0"))
    session.commit()
    assert "0" in {k for k, _ in _key_map(session)}
    session.execute(text("UPDATE ids_account SET parent_id = NULL WHERE id = -2"))
    session.commit()
    assert "0" not in {k for k, _ in _key_map(session)}
    _mirrored(session)
    session.execute(text("TRUNCATE ids_tagged, ids_tag, ids_doc, ids_account"))
    session.commit()
    assert _key_map(session) == []
    _mirrored(session)


bare_template = tridb_database_factory(extensions=())
bare_engine = tridb_engine_factory("bare_template")


def test_drop_all_on_a_database_without_age(bare_engine: Engine) -> None:
    """The quickstart starts with ``drop_all``: on a fresh database it must just work."""
    with bare_engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'age'")) == 0
        Base.metadata.drop_all(conn)
        Base.metadata.create_all(conn)
        conn.execute(text("INSERT INTO ids_tag (name) VALUES ('x')"))
        _mirrored(conn)
        Base.metadata.drop_all(conn)
        assert conn.scalar(text("SELECT count(*) FROM ag_catalog.ag_graph")) == 0
