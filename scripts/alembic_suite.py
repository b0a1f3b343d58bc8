"""Run Alembic's own test suite with and without sqlalchemy-tridb (issue 13).

Once installed, the package is loaded by every Alembic project of the
environment (Alembic 1.18+ imports the ``alembic.plugins`` entry points).  This
script fetches the sdist of the installed Alembic from PyPI (``pip download
--no-binary :all: --no-deps alembic==<version>``, cached in
``~/.cache/sqlalchemy-tridb/alembic-suite``), and runs its autogenerate and
PostgreSQL test files against the local server (or ``TRIDB_DATABASE_URL``) in
these variants:

==========  =============================================================
baseline    the package hidden (its entry points are not seen)
installed   installed, not named in ``autogenerate_plugins``
named       every ``configure()`` goes through ``configure_options()``,
            as the docs' env.py does
plugin      ``autogenerate_plugins=["alembic.autogenerate.*", "tridb"]``,
            the docs' "plugin way"
engine      only the engine plugin (``?plugin=tridb`` in the URL), stock env
==========  =============================================================

each in databases ``plain`` (no extension) and ``extensions`` (``vector`` and
``age`` installed, which the tests' models do not use), and ``sqlite``.  A
variant passes when its failures equal the baseline's of the same database,
except the differences listed in ``docs/alembic.md`` (section "Alembic's own
test suite"), each with its reason.  Exit status 1 otherwise.

    .venv/bin/python scripts/alembic_suite.py              # everything (~9 min of CPU)
    .venv/bin/python scripts/alembic_suite.py --quick      # the subset of the test command
    .venv/bin/python scripts/alembic_suite.py --variants baseline,named --databases plain
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "alembic.md"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sqlalchemy-tridb"

FILES = [
    "test_autogen_diffs.py",
    "test_autogen_indexes.py",
    "test_autogen_render.py",
    "test_autogen_composition.py",
    "test_autogen_check_constraints.py",
    "test_postgresql.py",
    "test_suite.py",
]
VARIANTS = ["baseline", "installed", "named", "plugin", "engine"]
DATABASES = ["plain", "extensions", "sqlite"]
#: The test command's subset (about 2 minutes of CPU): the variants that differ
#: most, on the database where the plugin has the most to get wrong, without the
#: two largest files (render-only tests, and index tests that differ in no variant).
QUICK = {
    "variants": ["baseline", "named", "engine"],
    "databases": ["extensions"],
    "files": [f for f in FILES if f not in ("test_autogen_render.py", "test_autogen_indexes.py")],
}
DIST = "sqlalchemy-tridb"
#: Schemas Alembic's tests expect (README.unittests.rst).
TEST_SCHEMAS = ("test_schema", "test_schema_2")


def log(message: str) -> None:
    print(f"alembic_suite: {message}", file=sys.stderr, flush=True)


# -- the sdist -----------------------------------------------------------------


def suite_dir(version: str) -> Path:
    """Alembic's tests for *version*, fetched and unpacked once."""
    base = CACHE / "alembic-suite"
    base.mkdir(parents=True, exist_ok=True)
    sdist = base / f"alembic-{version}.tar.gz"
    if not sdist.is_file():
        log(f"pip download alembic=={version} (sdist)")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps",
             f"alembic=={version}", "-d", str(base)],
            check=True,
        )  # fmt: skip
    work = base / f"alembic-{version}"
    if not (work / ".complete").is_file():
        prefix = f"alembic-{version}/"
        with tarfile.open(sdist) as tar:
            members = [
                m
                for m in tar.getmembers()
                if m.name.startswith(prefix + "tests/")
                or m.name in (prefix + "setup.cfg", prefix + "pyproject.toml")
            ]
            for m in members:
                m.name = m.name.removeprefix(prefix)
            tar.extractall(work, members=members, filter="data")
        (work / ".complete").write_text("ok\n")
    # tests/conftest.py bootstraps from ../alembic/testing: the *installed* package
    import alembic

    link = work / "alembic"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path(alembic.__file__).parent)
    return work


# -- the databases -------------------------------------------------------------


def database_url(kind: str) -> str:
    """A fresh database of *kind* on the server (dropped and made again)."""
    if kind == "sqlite":
        return "sqlite://"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from sqlalchemy_tridb.server import resolve_database_url

    server = resolve_database_url()
    name = f"tridb_alembic_suite_{kind}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        preload = conn.scalar(text("SELECT current_setting('shared_preload_libraries')"))
        if "age" in str(preload):
            log(
                "the server preloads AGE: DROP TABLE fails in databases without it; "
                "restart the local server (tridb server stop; tridb server start)"
            )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    admin.dispose()
    url = make_url(server).set(database=name)
    engine = create_engine(url)
    with engine.begin() as conn:
        for schema in TEST_SCHEMAS:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        if kind == "extensions":
            conn.execute(text("CREATE EXTENSION vector"))
            conn.execute(text("CREATE EXTENSION age"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


# -- one run (a child process) -------------------------------------------------


def _hide_package() -> None:
    """Make the package's distribution, so its entry points, invisible (the baseline)."""
    original = importlib.metadata.distributions

    def distributions(**kw: object) -> object:
        return (d for d in original(**kw) if d.metadata["Name"] != DIST)  # type: ignore[arg-type]

    importlib.metadata.distributions = distributions  # type: ignore[assignment]


def _wrap_configure(transform: object) -> None:
    """Pass every ``MigrationContext.configure()``'s opts through *transform*."""
    from alembic.runtime.migration import MigrationContext

    original = MigrationContext.configure.__func__  # type: ignore[attr-defined]

    def configure(cls: type, *args: object, opts: dict[str, object] | None = None, **kw: object):  # type: ignore[no-untyped-def]
        return original(cls, *args, opts=transform(dict(opts or {})), **kw)  # type: ignore[operator]

    MigrationContext.configure = classmethod(configure)  # type: ignore[method-assign,assignment]


def run_child(variant: str, pytest_args: list[str]) -> int:
    """Set *variant* up in this process, then run pytest."""
    if variant == "baseline":
        _hide_package()
    import pytest

    if variant == "named":
        from alembic_ext.plugin import configure_options

        _wrap_configure(lambda opts: configure_options(**opts))
    elif variant == "plugin":

        def name_it(opts: dict[str, object]) -> dict[str, object]:
            plugins = list(opts.get("autogenerate_plugins") or ["alembic.autogenerate.*"])  # type: ignore[call-overload]
            return {**opts, "autogenerate_plugins": [*plugins, "tridb"]}

        _wrap_configure(name_it)
    return int(pytest.main(pytest_args))


# -- the variants --------------------------------------------------------------


def _normalise(test_id: str) -> str:
    # Alembic's suite classes carry the backend's version: Foo_postgresql+psycopg_17_12
    return re.sub(r"_(postgresql|sqlite)\+?\w*?_[\d_]+(?=::)", r"_\1", test_id)


def _outcomes(junit: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        path = case.get("classname", "").replace(".", "/")
        test_id = _normalise(f"{path}::{case.get('name')}")
        tags = {child.tag for child in case}
        if "failure" in tags or "error" in tags:
            out[test_id] = "failed"
        elif "skipped" in tags:
            out.setdefault(test_id, "skipped")
        else:
            out.setdefault(test_id, "passed")
    return out


def run_variant(work: Path, variant: str, url: str, files: Sequence[str]) -> dict[str, str]:
    """Run *files* in one variant; each test's outcome."""
    if variant == "engine" and not url.startswith("sqlite"):
        url += ("&" if "?" in url else "?") + "plugin=tridb"
    junit = work / f"junit-{variant}-{os.getpid()}.xml"
    args = [
        "-p", "no:tridb", "-p", "no:cacheprovider", "-q", "--maxfail=0", "--tb=line",
        "-W", "ignore", f"--junitxml={junit}", "--dburi", url,
        *[f"tests/{f}" for f in files],
    ]  # fmt: skip
    for leftover in ("scratch", "querytest.db"):  # an interrupted run's
        path = work / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_run", variant, "--", *args],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if not junit.is_file():
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"alembic_suite: the {variant} run produced no report")
    outcomes = _outcomes(junit)
    junit.unlink()
    log(f"{variant}: {time.monotonic() - started:.0f} s")
    return outcomes


def expected_differences() -> dict[tuple[str, str], str]:
    """``(variant, test id) -> reason`` from the docs' table."""
    out: dict[tuple[str, str], str] = {}
    section = DOCS.read_text().partition("## Alembic's own test suite")[2]
    for line in section.splitlines():
        m = re.match(r"\|\s*`([^`]+)`\s*\|\s*([\w, ]+?)\s*\|\s*(.+?)\s*\|$", line)
        if m:
            for variant in m.group(2).split(","):
                out[(variant.strip(), m.group(1))] = m.group(3)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--files", default=",".join(FILES))
    parser.add_argument("--quick", action="store_true", help="the test command's subset")
    args = parser.parse_args(argv)
    variants = QUICK["variants"] if args.quick else args.variants.split(",")
    databases = QUICK["databases"] if args.quick else args.databases.split(",")
    files = QUICK["files"] if args.quick else args.files.split(",")
    if "baseline" not in variants:
        variants = ["baseline", *variants]
    work = suite_dir(importlib.metadata.version("alembic"))
    expected = expected_differences()
    ok = True
    rows = []
    for kind in databases:
        url = database_url(kind)
        results = {v: run_variant(work, v, url, files) for v in variants}
        base = results["baseline"]
        base_failed = {t for t, o in base.items() if o == "failed"}
        for variant in variants:
            res = results[variant]
            failed = {t for t, o in res.items() if o == "failed"}
            passed = sum(1 for o in res.values() if o == "passed")
            rows.append(f"| {kind} | {variant} | {len(failed)} / {passed} |")
            if variant == "baseline":
                continue
            for test in sorted(failed ^ base_failed):
                how = "fails" if test in failed else "passes"
                reason = expected.get((variant, test))
                if reason is None:
                    ok = False
                    log(f"UNEXPECTED {kind}/{variant}: {test} {how} (baseline: the opposite)")
                else:
                    log(f"expected {kind}/{variant}: {test} {how}: {reason}")
    print("| database | variant | failed / passed |\n| --- | --- | --- |")
    print("\n".join(rows))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_run":
        rest = sys.argv[3:]
        sys.exit(run_child(sys.argv[2], rest[1:] if rest[:1] == ["--"] else rest))
    sys.exit(main())
