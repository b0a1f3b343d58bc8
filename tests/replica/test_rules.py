"""Routing and replica rules that need no server: what goes where, names, settings, output."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select, text, union
from sqlalchemy.schema import CreateTable

from sqlalchemy_tridb.cli.main import build_parser
from sqlalchemy_tridb.cli.server import describe_replica
from sqlalchemy_tridb.exc import ConfigurationError
from sqlalchemy_tridb.routing import ROUTE_OPTION, Router, RoutingSession, _route, lsn_position
from sqlalchemy_tridb.server import ReplicaStatus, ServerConfig
from sqlalchemy_tridb.server.backend import Backend
from sqlalchemy_tridb.server.replica import (
    REPLICATION_SETTINGS,
    add_replication_settings,
    validate_name,
)

T = Table("t", MetaData(), Column("id", Integer, primary_key=True))


@pytest.mark.parametrize(
    ("statement", "route"),
    [
        (select(T), "replica"),
        (union(select(T.c.id), select(T.c.id)), "replica"),
        (text("  select 1"), "replica"),
        (text("SHOW hnsw.ef_search"), "replica"),
        (select(T).with_for_update(), "primary"),
        (T.insert(), "primary"),
        (T.update().values(id=2), "primary"),
        (T.delete(), "primary"),
        (text("WITH d AS (DELETE FROM t RETURNING id) SELECT * FROM d"), "primary"),
        (text("INSERT INTO t VALUES (1)"), "primary"),
        (text(""), "primary"),
        (CreateTable(T), "primary"),
        (None, "primary"),
        (select(T).execution_options(**{ROUTE_OPTION: "primary"}), "primary"),
        (text("SELECT 1").execution_options(**{ROUTE_OPTION: "primary"}), "primary"),
        (T.insert().execution_options(**{ROUTE_OPTION: "replica"}), "replica"),
    ],
)
def test_what_goes_where(statement: object, route: str) -> None:
    assert _route(statement) == route


def test_lsn_positions() -> None:
    assert lsn_position("0/0") == 0
    assert lsn_position("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert lsn_position("1/0") > lsn_position("0/FFFFFFFF")


def test_bad_router_and_session_arguments() -> None:
    engine = create_engine("postgresql+psycopg://u:p@127.0.0.1:1/x")
    with pytest.raises(ConfigurationError, match="read_your_writes"):
        Router(engine, read_your_writes="never")  # type: ignore[arg-type]
    router = Router(engine)
    try:
        assert router.replica_for_read() is None  # no replicas: the primary
        with pytest.raises(ConfigurationError, match="not bind"):
            RoutingSession(router, bind=engine)
    finally:
        router.close()


@pytest.mark.parametrize("name", ["", "Replica", "1st", "a-b", "x" * 32, "a b"])
def test_bad_replica_names(name: str) -> None:
    with pytest.raises(ConfigurationError, match="replica name"):
        validate_name(name)
    assert validate_name("reports_2") == "reports_2"


class _FolderBackend(Backend):
    """A data directory in a folder, for the config edits (no programs run)."""

    name = "folder"

    def __init__(self, folder: Path) -> None:
        super().__init__(ServerConfig(home=folder))
        self.folder = folder

    @property
    def data_dir(self) -> str:
        return str(self.folder / "data")

    def host_path(self, inner: str) -> Path:
        return Path(inner)

    def command(self, argv: Sequence[str]) -> list[str]:
        return list(argv)


def test_an_old_data_directory_gets_the_replication_settings_once(tmp_path: Path) -> None:
    backend = _FolderBackend(tmp_path)
    conf = tmp_path / "data" / "postgresql.conf"
    conf.parent.mkdir()
    conf.write_text("#wal_level = replica\nmax_wal_senders = 3\n")
    assert add_replication_settings(backend) is True
    lines = conf.read_text().splitlines()
    assert "max_wal_senders = 3" in lines  # a value set before is kept
    assert "max_wal_senders = 10" not in lines
    for key in REPLICATION_SETTINGS.keys() - {"max_wal_senders"}:
        assert f"{key} = {REPLICATION_SETTINGS[key]}" in lines
    assert add_replication_settings(backend) is False
    assert conf.read_text().splitlines() == lines


def test_status_lines_and_the_replica_flag() -> None:
    up = ReplicaStatus("r1", True, 5433, "url", lag_bytes=120, lag_seconds=0.25, streaming=True)
    assert describe_replica(up) == (
        "replica r1: running on 127.0.0.1:5433; streaming; lag 120 bytes, 0.250 s"
    )
    unknown = ReplicaStatus("r1", True, 5433, "url")
    assert (
        describe_replica(unknown)
        == "replica r1: running on 127.0.0.1:5433; not streaming; lag unknown"
    )
    assert describe_replica(ReplicaStatus("r1", False, None, None)) == "replica r1: not running"
    parser = build_parser()
    assert parser.parse_args(["server", "start", "--replica"]).replica == "replica"
    assert parser.parse_args(["server", "stop", "--replica", "r2", "--remove"]).remove is True
    assert parser.parse_args(["server", "status"]).replica is None
