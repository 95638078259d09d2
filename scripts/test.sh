#!/usr/bin/env bash
# The whole test suite: set up .venv, lint (ruff), type-check (mypy --strict), then pytest.
# PostgreSQL tests run when a server can be started here (see scripts/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "==> ruff" >&2
.venv/bin/ruff check src tests bench
echo "==> mypy --strict" >&2
.venv/bin/mypy
if [ -f scripts/postgres.sh ] && [ -z "${PROSPER_TEST_PG_URL:-}" ]; then
  # prints the URL of a running server, or nothing when one cannot be started
  PROSPER_TEST_PG_URL=$(bash scripts/postgres.sh || true)
  export PROSPER_TEST_PG_URL
fi
echo "==> pytest" >&2
.venv/bin/python -m pytest "$@"
