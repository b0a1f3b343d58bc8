"""After each kind of change, the vertices and edges read back by Cypher equal the rows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .conftest import edge_props, edges, vertices
from .models import City, Follows, Mood, Person, Tag, friendship


def test_insert_gives_vertices_with_converted_properties(session: Session) -> None:
    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    session.add_all(
        [
            City(id=1, name="Lisbon"),
            Person(
                id=1,
                name="Ada",
                born=dt.date(1815, 12, 10),
                seen_at=dt.datetime(2024, 5, 1, 12, 30, 15),
                balance=Decimal("1234.50"),
                score=0.1,
                mood=Mood.happy,
                token=token,
                extra={"k": [1, "two", None]},
                photo=b"\x00\x01",
                city_id=1,
            ),
            Person(id=2, name="Bob", score=float("nan")),
        ]
    )
    session.commit()
    people = vertices(session, "Person")
    assert set(people) == {1, 2}
    ada = people[1]
    assert ada == {
        "id": 1,
        "name": "Ada",
        "born": "1815-12-10",
        "seen_at": "2024-05-01T12:30:15",
        "balance": 1234.5,
        "score": 0.1,
        "active": True,
        "mood": "happy",
        "token": str(token),
        "extra": {"k": [1, "two", None]},
        "city_id": 1,
    }
    assert "photo" not in ada  # excluded: binary data
    # the Decimal is stored exactly, as agtype numeric
    exact = session.execute(
        text(
            "SELECT * FROM ag_catalog.cypher('social_test', $$ MATCH (n:Person {id: 1}) "
            "RETURN n.balance $$) AS (b ag_catalog.agtype)"
        )
    ).scalar_one()
    assert str(exact) == "1234.50::numeric"
    nan = session.execute(
        text(
            "SELECT * FROM ag_catalog.cypher('social_test', $$ MATCH (n:Person {id: 2}) "
            "RETURN n.score $$) AS (s ag_catalog.agtype)"
        )
    ).scalar_one()
    assert str(nan) == "NaN"
    assert "born" not in people[2]  # NULL columns give no property
    assert edges(session, "LIVES_IN") == {(1, 1)}


def test_update_moves_properties_and_edges(session: Session) -> None:
    lisbon, porto = City(id=1, name="Lisbon"), City(id=2, name="Porto")
    ada = Person(id=1, name="Ada", city=lisbon)
    session.add_all([lisbon, porto, ada])
    session.commit()
    ada.name = "Ada Lovelace"
    ada.city = porto
    session.commit()
    assert vertices(session, "Person")[1]["name"] == "Ada Lovelace"
    assert vertices(session, "Person")[1]["city_id"] == 2
    assert edges(session, "LIVES_IN") == {(1, 2)}
    ada.city = None
    session.commit()
    assert edges(session, "LIVES_IN") == set()
    assert "city_id" not in vertices(session, "Person")[1]


def test_delete_removes_vertex_and_its_edges(session: Session) -> None:
    a, b, c = Person(id=1, name="a"), Person(id=2, name="b"), Person(id=3, name="c")
    a.friends.append(b)
    c.friends.append(a)
    session.add_all([a, b, c, Follows(follower=a, followee_id=2, since=dt.date(2020, 1, 1))])
    session.commit()
    assert edges(session, "FRIEND") == {(1, 2), (3, 1)}
    assert edges(session, "FOLLOWS") == {(1, 2)}
    session.delete(a)
    session.commit()
    assert set(vertices(session, "Person")) == {2, 3}
    assert edges(session, "FRIEND") == set()
    assert edges(session, "FOLLOWS") == set()


def test_collection_appends_and_removals_give_edges(session: Session) -> None:
    people = [Person(id=i, name=f"p{i}") for i in range(1, 5)]
    session.add_all(people)
    people[0].friends.extend(people[1:3])
    session.commit()
    assert edges(session, "FRIEND") == {(1, 2), (1, 3)}
    people[0].friends.remove(people[1])
    people[0].friends.append(people[3])
    session.commit()
    assert edges(session, "FRIEND") == {(1, 3), (1, 4)}


def test_association_rows_are_edges_with_properties(session: Session) -> None:
    a, b, c = Person(id=1, name="a"), Person(id=2, name="b"), Person(id=3, name="c")
    f = Follows(follower=a, followee_id=2, since=dt.date(2021, 3, 4), weight=0.5)
    session.add_all([a, b, c, f, Follows(follower=b, followee_id=3, since=dt.date(2022, 1, 1))])
    session.commit()
    assert edge_props(session, "FOLLOWS") == {
        (1, 2): {"since": "2021-03-04", "weight": 0.5},
        (2, 3): {"since": "2022-01-01", "weight": 1.0},
    }
    f.weight = 2.5
    f.followee_id = 3
    session.commit()
    assert edge_props(session, "FOLLOWS")[(1, 3)] == {"since": "2021-03-04", "weight": 2.5}
    assert (1, 2) not in edge_props(session, "FOLLOWS")
    session.delete(f)
    session.commit()
    assert edges(session, "FOLLOWS") == {(2, 3)}


def test_rollback_leaves_no_vertex_or_edge(session: Session) -> None:
    a, b = Person(id=1, name="a"), Person(id=2, name="b")
    a.friends.append(b)
    session.add_all([a, b])
    session.flush()
    assert edges(session, "FRIEND") == {(1, 2)}  # visible inside the transaction
    session.rollback()
    assert vertices(session, "Person") == {}
    assert edges(session, "FRIEND") == set()


def test_core_statements_and_cascades_leave_nothing_dangling(session: Session) -> None:
    session.execute(insert(City), [{"id": 1, "name": "x"}, {"id": 2, "name": "y"}])
    session.execute(
        insert(Person), [{"id": i, "name": f"p{i}", "city_id": 1 + i % 2} for i in range(1, 7)]
    )
    session.execute(insert(friendship), [{"a_id": 1, "b_id": 2}, {"a_id": 3, "b_id": 4}])
    session.execute(
        insert(Follows), [{"follower_id": 5, "followee_id": 6, "since": dt.date(2020, 1, 1)}]
    )
    session.commit()
    assert len(vertices(session, "Person")) == 6
    assert edges(session, "FRIEND") == {(1, 2), (3, 4)}
    # a bulk UPDATE the session never loaded rows for
    session.execute(update(Person).where(Person.id <= 2).values(name="renamed"))
    # deleting a city cascades (ON DELETE CASCADE) to its people, in the database only
    session.execute(delete(City).where(City.id == 2))
    session.commit()
    people = vertices(session, "Person")
    assert set(people) == {2, 4, 6}
    assert people[2]["name"] == "renamed"
    assert set(vertices(session, "City")) == {1}
    assert edges(session, "FRIEND") == set()  # 1 and 3 are gone: their edges too
    assert edges(session, "FOLLOWS") == set()
    assert edges(session, "LIVES_IN") == {(2, 1), (4, 1), (6, 1)}
    # raw SQL too
    session.execute(text("DELETE FROM person WHERE id = 4"))
    session.commit()
    assert set(vertices(session, "Person")) == {2, 6}


def test_uuid_keys_are_hashed_to_stable_ids(session: Session) -> None:
    t = Tag(name="db")
    session.add(t)
    session.commit()
    rows = vertices(session, "Tag")
    assert set(rows) == {str(t.id)}
    t.name = "databases"
    session.commit()
    assert vertices(session, "Tag")[str(t.id)]["name"] == "databases"
    session.delete(t)
    session.commit()
    assert vertices(session, "Tag") == {}


def test_a_failed_graph_write_fails_the_flush(session: Session) -> None:
    # a vertex squatting on the id the row will need: the unique id index refuses it
    session.execute(
        text(
            'INSERT INTO social_test."City" (id, properties) VALUES '
            "(ag_catalog._graphid(ag_catalog._label_id('social_test', 'City'), 7), "
            '\'{"id": 7, "squatter": true}\'::ag_catalog.agtype)'
        )
    )
    session.commit()
    session.add(City(id=7, name="clash"))
    with pytest.raises(DBAPIError, match="duplicate key"):
        session.commit()
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM city")).scalar_one() == 0
    session.add(City(id=8, name="fine"))  # the session is usable again
    session.commit()
    cities = vertices(session, "City")
    assert set(cities) == {7, 8} and cities[7].get("squatter") is True


def test_statements_per_flush_are_constant(session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    counts: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        counts.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        session.add_all([Person(id=i, name=f"p{i}") for i in range(1, 501)])
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    inserts = [s for s in counts if s.startswith("INSERT")]
    assert len(inserts) <= 2  # insertmanyvalues batches; the triggers add no round trips
    assert len(vertices(session, "Person")) == 500


INJECTION_CORPUS = [
    "$$",
    "$tridb$ DROP TABLE person; $tridb$",
    "it's a 'quoted' \"string\"",
    "back\\slash \\\\ and \\n not a newline",
    "'); DROP TABLE person; --",
    "}) DETACH DELETE n //",
    "MATCH (n) DETACH DELETE n",
    "emoji 🧪 and ümlaut, 漢字, עברית",
    "line\nbreak\ttab\r\u0001control",
    '{"fake": "json"}',
    "::numeric",
]


def test_injection_corpus_is_stored_verbatim(session: Session) -> None:
    session.add_all([Person(id=i, name=v) for i, v in enumerate(INJECTION_CORPUS, start=1)])
    session.commit()
    people = vertices(session, "Person")
    assert {i: p["name"] for i, p in people.items()} == dict(enumerate(INJECTION_CORPUS, start=1))
    assert session.execute(text("SELECT count(*) FROM person")).scalar_one() == len(
        INJECTION_CORPUS
    )


def test_truncate_empties_the_mirror(session: Session) -> None:
    a, b = Person(id=1, name="a"), Person(id=2, name="b")
    a.friends.append(b)
    session.add_all([a, b, Follows(follower=a, followee_id=2, since=dt.date(2020, 1, 1))])
    session.commit()
    session.execute(text("TRUNCATE person CASCADE"))
    session.commit()
    assert vertices(session, "Person") == {}
    assert edges(session, "FRIEND") == set() and edges(session, "FOLLOWS") == set()


def test_vertices_resolve_to_instances_through_the_identity_map(session: Session) -> None:
    from sqlalchemy_tridb.cypher import resolve, run_cypher

    from .models import Base

    ada = Person(id=1, name="Ada")
    session.add_all([ada, City(id=3, name="Lisbon")])
    session.commit()
    rows = run_cypher(session, "social_test", "MATCH (n) RETURN n ORDER BY n.id DESC")
    found = [resolve(session, row.result, Base.metadata) for row in rows]
    assert found[1] is ada  # the very instance the session holds
    assert isinstance(found[0], City) and found[0].name == "Lisbon"
    # a vertex whose properties lack the key: the mirror's id says which row it is
    vertex = rows[1].result
    bare = type(vertex)(vertex.id, vertex.label, {"name": "Ada"})
    assert resolve(session, bare, Base.metadata) is ada
