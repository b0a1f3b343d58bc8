#!/usr/bin/env bash
# The project's two commands, each doing all of its own set-up on a fresh
# Debian or Ubuntu machine (system packages, the Python environment, the
# local PostgreSQL + pgvector + AGE server):
#
#   bash scripts/dev.sh demo   # run the demo on the local default server
#   bash scripts/dev.sh test   # ruff, mypy, the docs build and the whole test suite
#
# TRIDB_DATABASE_URL points both at a server of your own instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${TRIDB_VENV:-.venv}
EXTRAS=${TRIDB_EXTRAS:-dev,embeddings,alembic}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
    # Install Debian packages that are missing (only possible as root).
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        log "please install: ${missing[*]}"; return 1
    fi
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
}

ensure_system() {
    if command -v dpkg-query >/dev/null; then
        # debootstrap makes the Debian root filesystem the local server runs in.
        apt_install debootstrap ca-certificates pgbouncer
    fi
    if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
        apt_install python3-venv
    fi
}

ensure_venv() {
    local stamp="$VENV/.tridb-installed" want
    want="$(cat pyproject.toml | sha256sum | cut -c1-16) $EXTRAS"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "creating the Python environment in $VENV (extras: $EXTRAS)"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    local pip_log="$VENV/pip.log"
    pip_install() {
        "$VENV/bin/python" -m pip install -q "$@" >>"$pip_log" 2>&1 \
            || { cat "$pip_log" >&2; log "pip install $* failed"; return 1; }
    }
    pip_install --upgrade pip
    # torch first, pinned: the CPU wheel. A bare `torch` pulls a multi-GB CUDA build.
    case ",$EXTRAS," in
        *,embeddings,*) pip_install "torch==2.13.0" ;;
    esac
    pip_install -e ".[$EXTRAS]"
    echo "$want" > "$stamp"
}

ensure_server() {
    if [ -n "${TRIDB_DATABASE_URL:-}" ]; then
        log "using the server named by TRIDB_DATABASE_URL"
        return 0
    fi
    log "starting the local PostgreSQL + pgvector + AGE server"
    "$VENV/bin/tridb" server start
}

cmd_demo() {
    ensure_system
    ensure_venv
    ensure_server
    export TRIDB_DATABASE_URL="${TRIDB_DATABASE_URL:-$("$VENV/bin/tridb" server url)}"
    "$VENV/bin/python" examples/demo.py
}

cmd_test() {
    ensure_system
    ensure_venv
    log "ruff"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    log "mypy"
    "$VENV/bin/mypy"
    log "import-linter (the layers declared in pyproject.toml)"
    "$VENV/bin/lint-imports" --no-cache
    if [ -f mkdocs.yml ]; then
        log "docs (mkdocs build --strict)"
        NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict --quiet --site-dir "$(mktemp -d)"
    fi
    log "pytest"
    "$VENV/bin/python" -m pytest "$@"
    alembic_suite
    sqlalchemy_floor "$@"
}

alembic_suite() {
    # Alembic's own autogenerate tests, with and without the plugin named (a
    # subset: docs/alembic.md, "Alembic's own test suite"). The sdist is fetched
    # from PyPI once, into ~/.cache/sqlalchemy-tridb/alembic-suite.
    if [ -n "${TRIDB_SKIP_ALEMBIC_SUITE:-}" ]; then
        log "Alembic's own test suite skipped (TRIDB_SKIP_ALEMBIC_SUITE)"; return 0
    fi
    log "Alembic's own test suite, with the plugin (scripts/alembic_suite.py --quick)"
    "$VENV/bin/python" scripts/alembic_suite.py --quick
}

sqlalchemy_floor() {
    # The lowest SQLAlchemy the package claims, tested too: installed beside the
    # environment and put first on the path for one more run of the suite.
    local floor dir
    floor=$(sed -n 's/^ *"SQLAlchemy>=\([0-9.]*\)",.*/\1/p' pyproject.toml | head -n 1)
    [ -n "$floor" ] || { log "no SQLAlchemy floor found in pyproject.toml"; return 1; }
    dir="$VENV/sqlalchemy-$floor"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        "$VENV/bin/python" -m pip install -q --no-deps --target "$dir" "SQLAlchemy==$floor" \
            >>"$VENV/pip.log" 2>&1 || { cat "$VENV/pip.log" >&2; return 1; }
        touch "$dir/.complete"
    fi
    log "pytest on SQLAlchemy $floor (the lowest version pyproject.toml claims)"
    TRIDB_EXPECT_SQLALCHEMY="$floor" PYTHONPATH="$dir${PYTHONPATH:+:$PYTHONPATH}" \
        "$VENV/bin/python" -m pytest -m "not slow" "$@"
}

case "${1:-}" in
    demo) shift; cmd_demo "$@" ;;
    test) shift; cmd_test "$@" ;;
    *) echo "usage: bash scripts/dev.sh demo | test [pytest args]" >&2; exit 2 ;;
esac
