#!/usr/bin/env bash
# Developer entry point. On a fresh machine each command creates .venv and installs what it needs.
#   ./dev.sh generate [ARGS...]   generate the clients pyproject.toml configures: specs/ -> output/
#                                 (ARGS go to `connect-codegen generate`)
#   ./dev.sh test [PYTEST ARGS]   run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  local stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  generate)
    ensure_venv
    exec .venv/bin/connect-codegen generate "$@"
    ;;
  test)
    ensure_venv
    exec .venv/bin/python -m pytest -n 2 "$@"
    ;;
  *)
    echo "usage: ./dev.sh generate [ARGS...] | ./dev.sh test [PYTEST ARGS...]" >&2
    exit 2
    ;;
esac
