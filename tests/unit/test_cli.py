from __future__ import annotations

from pathlib import Path

import pytest

from sqlalchemy_tridb.cli.main import main


def test_status_of_a_server_never_started(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "status", "--home", str(tmp_path / "h")]) == 3
    assert "never started" in capsys.readouterr().out


def test_url_of_a_server_never_started_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "url", "--home", str(tmp_path / "h")]) == 1
    assert "tridb server start" in capsys.readouterr().err


def test_bad_usage_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["server", "explode"])
    assert info.value.code == 2


def test_default_home_is_found_from_a_sub_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy_tridb.server import ServerConfig

    (tmp_path / ".tridb").mkdir()
    (tmp_path / ".tridb" / "server.json").write_text("{}")
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    monkeypatch.delenv("TRIDB_HOME", raising=False)
    assert ServerConfig.from_env().home == tmp_path / ".tridb"
    monkeypatch.chdir(tmp_path.parent)
    assert ServerConfig.from_env().home == tmp_path.parent / ".tridb"
