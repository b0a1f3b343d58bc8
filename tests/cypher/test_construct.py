"""The SQL the cypher() construct compiles to (no database)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Integer, String, bindparam, column, select
from sqlalchemy.dialects import postgresql

from sqlalchemy_tridb.cypher import AGType, cypher, dollar_quote
from sqlalchemy_tridb.exc import AGTypeError, CypherError, IdentifierError


def sql(stmt: Any) -> str:
    return str(stmt.compile(dialect=postgresql.dialect()))


def test_renders_constants_and_one_bound_agtype_parameter() -> None:
    c = cypher("social", "MATCH (n) WHERE n.pk = $pk RETURN n", {"pk": 1}, columns=["n"], name="c")
    compiled = select(c.c.n).compile(dialect=postgresql.dialect())
    assert str(compiled) == (
        "SELECT c.n \nFROM ag_catalog.cypher('social', "
        "$tridb$MATCH (n) WHERE n.pk = $pk RETURN n$tridb$, "
        "CAST(%(cypher_params_1)s AS ag_catalog.agtype)) AS c(n ag_catalog.agtype)"
    )
    assert compiled.params == {"cypher_params_1": '{"pk": 1}'}


def test_parameters_default_to_an_empty_map_still_bound() -> None:
    compiled = select(cypher("social", "RETURN 1")).compile(dialect=postgresql.dialect())
    assert "CAST(%(cypher_params_1)s AS ag_catalog.agtype)" in str(compiled)
    assert compiled.params == {"cypher_params_1": "{}"}


def test_typed_columns() -> None:
    c = cypher(
        "social",
        "RETURN 1, 2, 3, 4",
        columns=["a", ("b", Integer), ("c", String(10)), column("d", AGType())],
    )
    assert "AS anon_1(a ag_catalog.agtype, b INTEGER, c VARCHAR(10), d ag_catalog.agtype)" in sql(
        select(c)
    )
    assert isinstance(c.c.a.type, AGType) and isinstance(c.c.b.type, Integer)


@pytest.mark.parametrize(
    ("query", "quoted"),
    [
        ("RETURN 'a$$b'", "$tridb$RETURN 'a$$b'$tridb$"),
        ("RETURN '$tridb$'", "$tridb1$RETURN '$tridb$'$tridb1$"),
        ("RETURN '$tridb$ $tridb1$'", "$tridb2$RETURN '$tridb$ $tridb1$'$tridb2$"),
        ("RETURN 1 // $tridb", "$tridb1$RETURN 1 // $tridb$tridb1$"),  # would close early
        ("RETURN 1 // $", "$tridb$RETURN 1 // $$tridb$"),
        ("tridb$ RETURN 1", "$tridb$tridb$ RETURN 1$tridb$"),
    ],
)
def test_dollar_quote_picks_a_tag_that_cannot_close_early(query: str, quoted: str) -> None:
    assert dollar_quote(query) == quoted
    body = quoted[quoted.index("$", 1) + 1 :]
    delimiter = quoted[: quoted.index("$", 1) + 1]
    assert body.index(delimiter) == len(query)


def test_percent_signs_are_escaped_for_pyformat_drivers() -> None:
    assert "$tridb$RETURN 10 %% 3$tridb$" in sql(select(cypher("social", "RETURN 10 % 3")))


@pytest.mark.parametrize("graph", ["g", "x'); DROP TABLE t; --", "a b", "", "1abc", "a" * 64])
def test_bad_graph_name_raises_before_any_sql(graph: str) -> None:
    with pytest.raises(IdentifierError, match="graph name"):
        cypher(graph, "RETURN 1")


@pytest.mark.parametrize(
    "columns", [["n-1"], ["a b"], [("x'", Integer)], [42], "n", [], [("n", Integer, 1)]]
)
def test_bad_columns(columns: Any) -> None:
    with pytest.raises((IdentifierError, CypherError)):
        cypher("social", "RETURN 1", columns=columns)


def test_bad_alias_query_and_params() -> None:
    with pytest.raises(IdentifierError):
        cypher("social", "RETURN 1", name="c; DROP")
    with pytest.raises(CypherError, match="non-empty"):
        cypher("social", "  ")
    with pytest.raises(CypherError, match="NUL"):
        cypher("social", "RETURN '\x00'")
    with pytest.raises(CypherError, match="mapping"):
        cypher("social", "RETURN 1", [("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(CypherError, match="names must be str"):
        cypher("social", "RETURN 1", {1: 2})
    with pytest.raises(AGTypeError, match="base64"):  # encoded when built, not at execution
        cypher("social", "RETURN $b", {"b": b"x"})


def test_execution_time_parameters() -> None:
    c = cypher("social", "RETURN $x", bindparam("p"))
    compiled = select(c).compile(dialect=postgresql.dialect())
    assert "CAST(%(p)s AS ag_catalog.agtype)" in str(compiled)


def test_cache_key_follows_query_graph_and_columns() -> None:
    def key(*args: Any, **kw: Any) -> Any:
        return select(cypher(*args, **kw))._generate_cache_key()

    base = key("social", "RETURN 1", {"a": 1})
    assert base == key("social", "RETURN 1", {"a": 2})  # values are parameters
    assert base != key("social", "RETURN 2", {"a": 1})
    assert base != key("other_graph", "RETURN 1", {"a": 1})
    assert base != key("social", "RETURN 1", {"a": 1}, columns=[("result", Integer)])


def test_module_docstring_examples() -> None:
    import doctest

    from sqlalchemy_tridb.cypher import agtype, construct, types

    for module in (agtype, construct, types):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_graph_name_and_query_are_sql_constants_for_every_paramstyle() -> None:
    from sqlalchemy.dialects.postgresql import asyncpg, psycopg

    stmt = select(cypher("social", "MATCH (n) WHERE n.s = ':x 5%' RETURN n", columns=["n"]))
    pyformat = stmt.compile(dialect=psycopg.dialect())
    assert "cypher('social', $tridb$MATCH (n) WHERE n.s = ':x 5%%' RETURN n$tridb$, " in str(
        pyformat
    )
    assert list(pyformat.params) == ["cypher_params_1"]  # ':x' is no parameter
    numeric = stmt.compile(dialect=asyncpg.dialect())
    assert "cypher('social', $tridb$MATCH (n) WHERE n.s = ':x 5%' RETURN n$tridb$, " in str(numeric)
    assert "CAST($1 AS ag_catalog.agtype)" in str(numeric)
