"""A label, a graph or the key map gone: check reports drift, repair makes it again.

AGE refuses ``DROP TABLE`` of a label's table; ``drop_label`` / ``drop_graph``
remove them, and the key map (the library's own table) can be dropped by hand.
Before the fix, a graph without its key map made `check_graph()` raise
(``relation "adopt_shop.tridb$keys" does not exist``).
"""

from __future__ import annotations

import pytest
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Engine

from sqlalchemy_tridb import check_graph, doctor, repair_graph

from .models import GRAPH, Base

G = f'"{GRAPH}"'

DROPS = {
    "a vertex label with edges": ["SELECT ag_catalog.drop_label('adopt_shop', 'Customer')"],
    "an edge label": ["SELECT ag_catalog.drop_label('adopt_shop', 'PLACED')"],
    "an association edge label": ["SELECT ag_catalog.drop_label('adopt_shop', 'CONTAINS')"],
    "graph dropped and made again empty": [
        "SELECT ag_catalog.drop_graph('adopt_shop', true)",
        "SELECT ag_catalog.create_graph('adopt_shop')",
    ],
    "the key map dropped": ['DROP TABLE "adopt_shop"."tridb$keys"'],
    "both ends of an edge label": [
        "SELECT ag_catalog.drop_label('adopt_shop', 'Order')",
        "SELECT ag_catalog.drop_label('adopt_shop', 'Product')",
    ],
}


@pytest.mark.parametrize("name", list(DROPS))
def test_a_label_table_gone_is_drift_and_repair_recreates_it(mirrored: Engine, name: str) -> None:
    with mirrored.begin() as conn:
        for sql in DROPS[name]:
            conn.exec_driver_sql(sql)
    found = check_graph(mirrored, Base)
    assert found.drift > 0, found.table()
    assert not doctor(mirrored, Base).ok
    repair_graph(mirrored, Base)
    with mirrored.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
    assert check_graph(mirrored, Base).drift == 0
    assert doctor(mirrored, Base).ok


def test_a_missing_key_map_is_named(mirrored: Engine) -> None:
    with mirrored.begin() as conn:
        conn.exec_driver_sql(DROPS["the key map dropped"][0])
    found = check_graph(mirrored, Base)
    assert [k.exists for k in found.key_maps] == [False]
    assert f"key map of {GRAPH} does not exist" in found.table()
    by_label = {x.label: x for x in found.labels}
    assert by_label["Product"].missing == 50 and by_label["Product"].extra == 50  # text keys
    assert by_label["Tag"].drift == 0  # integer keys are their own entries: no map needed
