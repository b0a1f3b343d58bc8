"""Issue 14 item 16: the embeddings extra takes a torch range; dev.sh installs the CPU wheel first.

A published library that pins ``torch==2.13.0`` forces one torch release on
every application that installs ``sqlalchemy-tridb[embeddings]``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib")
def test_embeddings_extra_takes_a_torch_range() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    torch = [Requirement(r) for r in extras["embeddings"] if Requirement(r).name == "torch"]
    assert len(torch) == 1
    spec = torch[0].specifier
    assert not any(s.operator in ("==", "===") for s in spec), spec  # a range, not a pin
    for release in ("2.1.0", "2.13.0", "2.15.0"):
        assert spec.contains(Version(release)), (release, spec)
    assert not spec.contains(Version("3.0.0"))  # the next major may break the API


def test_dev_setup_installs_the_cpu_wheel_before_the_package() -> None:
    script = (ROOT / "scripts" / "dev.sh").read_text()
    pinned = re.search(r'pip_install "torch==2\.13\.0"', script)
    package = re.search(r'pip_install -e "\.\[\$EXTRAS\]"', script)
    assert pinned and package and pinned.start() < package.start()
