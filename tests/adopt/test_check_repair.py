"""A graph damaged by hand: check finds it (as the suite's own checker does), repair fixes it."""

from __future__ import annotations

from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from sqlalchemy_tridb import check_graph, doctor, repair_graph

from .models import GRAPH, Base

G = f'"{GRAPH}"'
ENTRY = "id::text::bigint & 281474976710655"

#: name -> (statements that damage the graph, the label and kind of drift check must report)
DAMAGE = {
    "vertices deleted": (
        [f'DELETE FROM {G}."Customer" WHERE {ENTRY} % 3 = 0'],
        "Customer",
        "missing",
    ),
    "a mapped vertex deleted": (
        [
            f'DELETE FROM {G}."Product" WHERE id IN (SELECT id FROM {G}."tridb$keys" '
            "WHERE key = 'SKU-007')"
        ],
        "Product",
        "missing",
    ),
    "a vertex added": (
        [
            f'INSERT INTO {G}."Tag" (id, properties) VALUES '
            f"(ag_catalog._graphid(ag_catalog._label_id('{GRAPH}', 'Tag'), 77), '{{}}')"
        ],
        "Tag",
        "extra",
    ),
    "properties changed": (
        [f'UPDATE {G}."Order" SET properties = \'{{"id": 1}}\' WHERE {ENTRY} < 5'],
        "Order",
        "differing",
    ),
    "edges added": (
        [
            f'INSERT INTO {G}."PLACED" (start_id, end_id) '
            f'SELECT start_id, end_id FROM {G}."PLACED" LIMIT 4'
        ],
        "PLACED",
        "extra",
    ),
    "edges deleted": ([f'DELETE FROM {G}."TAGGED" WHERE {ENTRY} % 2 = 0'], "TAGGED", "missing"),
    "an edge property set": (
        [f'UPDATE {G}."REFERRED" SET properties = \'{{"x": 1}}\' WHERE {ENTRY} % 4 = 0'],
        "REFERRED",
        "extra",
    ),
    "association edges changed": (
        [f'UPDATE {G}."CONTAINS" SET properties = \'{{"qty": 99}}\' WHERE {ENTRY} % 5 = 0'],
        "CONTAINS",
        "differing",
    ),
    "an edge pointing nowhere": (
        [
            f'INSERT INTO {G}."PLACED" (start_id, end_id) VALUES '
            f"(ag_catalog._graphid(ag_catalog._label_id('{GRAPH}', 'Customer'), 4000), "
            f"ag_catalog._graphid(ag_catalog._label_id('{GRAPH}', 'Order'), 4000))"
        ],
        "PLACED",
        "dangling",
    ),
    "a label dropped": ([f"SELECT ag_catalog.drop_label('{GRAPH}', 'Tag')"], "Tag", "missing"),
}


def _diff(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        try:
            return graph_rows_diff(conn, Base.metadata)
        except ProgrammingError as err:  # a label table that is gone
            return [str(err.orig)]


def test_check_finds_what_the_suites_checker_finds_and_repair_fixes_only_that(
    mirrored: Engine,
) -> None:
    """Each damage in turn, on one database: repair leaves it clean for the next."""
    for name, (statements, label, kind) in DAMAGE.items():
        with mirrored.begin() as conn:
            for sql in statements:
                conn.exec_driver_sql(sql.replace("%", "%%"))
        assert _diff(mirrored), name  # the independent checker sees it
        found = check_graph(mirrored, Base)
        by_label = {x.label: x for x in found.labels}
        assert getattr(by_label[label], kind) > 0, (name, found.table())
        assert f"{GRAPH}.{label}" in found.drifting_labels(), name
        fixed, done = repair_graph(mirrored, Base)
        assert fixed.drift == found.drift, name
        walked = {s.label for s in done.labels}
        assert label in walked and len(walked) < len(by_label), name  # only what check found
        assert _diff(mirrored) == [], name
        assert check_graph(mirrored, Base).drift == 0, name


def test_damage_of_every_kind_at_once_then_doctor_is_clean(mirrored: Engine) -> None:
    with mirrored.begin() as conn:
        for statements, _label, _kind in DAMAGE.values():
            for sql in statements:
                conn.exec_driver_sql(sql.replace("%", "%%"))
        # a key-map row that nothing holds
        conn.exec_driver_sql(
            f'INSERT INTO {G}."tridb$keys" (label, key, id) VALUES '
            f"(ag_catalog._label_id('{GRAPH}', 'Product'), 'SKU-GONE', "
            f"ag_catalog._graphid(ag_catalog._label_id('{GRAPH}', 'Product'), 281474976710000))"
        )
    sick = doctor(mirrored, Base, command="shop.models:Base")
    assert not sick.ok
    assert {p.area for p in sick.problems} == {"graph", "drift"}
    assert all("tridb graph" in p.fix for p in sick.problems)
    found = check_graph(mirrored, Base)
    assert found.key_maps[0].unheld >= 1
    repair_graph(mirrored, Base)
    assert _diff(mirrored) == []
    assert check_graph(mirrored, Base).drift == 0
    report = doctor(mirrored, Base)
    assert report.ok, report.text()


def test_age_drop_graph_then_check_repair_and_writes_work_again(mirrored: Engine) -> None:
    with mirrored.begin() as conn:
        conn.exec_driver_sql(f"SELECT ag_catalog.drop_graph('{GRAPH}', true)")
    found = check_graph(mirrored, Base)
    assert found.missing_graphs == [GRAPH]
    assert {x.label: x.missing for x in found.labels}["Product"] == 50
    assert any("does not exist" in p.message for p in doctor(mirrored, Base).problems)
    repair_graph(mirrored, Base)
    assert _diff(mirrored) == []
    with mirrored.begin() as conn:  # the triggers write again
        conn.execute(text("INSERT INTO a_product (sku, name, price) VALUES ('NEW', 'n', 1)"))
        conn.execute(text("INSERT INTO a_line (order_id, product_sku, qty) VALUES (1, 'NEW', 2)"))
    assert _diff(mirrored) == []
    assert doctor(mirrored, Base).ok


def test_check_of_a_clean_graph_and_its_table(mirrored: Engine) -> None:
    found = check_graph(mirrored, Base)
    assert found.drift == 0
    lines = found.table().splitlines()
    assert lines[0].split()[:4] == ["graph", "label", "kind", "rows"]
    assert any(line.split()[1:4] == ["Product", "vertex", "50"] for line in lines)
    data = found.as_dict()
    assert data["drift"] == 0 and len(data["labels"]) == 8
