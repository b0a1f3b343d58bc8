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
