"""The engine plugin's options: ``auto`` means what the default means."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from sqlalchemy_tridb.engine import TriDBPlugin
from sqlalchemy_tridb.exc import ConnectionSetupError


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("auto", True), ("true", True), ("1", True), ("false", False), ("off", False)],
)
def test_register_vector_flag(value: str | None, expected: bool) -> None:
    url = make_url("postgresql+psycopg://u@h/db")
    if value is not None:
        url = url.update_query_dict({"tridb_register_vector": value})
    assert TriDBPlugin(url, {}).register_vector is expected


def test_a_flag_that_is_neither_is_refused() -> None:
    url = make_url("postgresql+psycopg://u@h/db?tridb_register_vector=maybe")
    with pytest.raises(ConnectionSetupError, match="true, false or auto"):
        TriDBPlugin(url, {})
