#!/usr/bin/env bash
# Compile the hot matching / screening modules with mypyc (optional; see prosper.native).
# Never fails the caller: without a C compiler, mypyc or the Python headers it warns and the
# pure Python modules stay in use. PYTHON selects the interpreter (default .venv/bin/python).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
if ! command -v cc >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
  echo "note: no C compiler: the matching modules stay pure Python (optional speed-up skipped)" >&2
  exit 0
fi
echo "==> compiling the matching modules with mypyc (optional, about 1-2 min)" >&2
if ! "$PY" -m prosper.native build; then
  echo "warning: the compiled build failed; the pure Python modules stay in use" >&2
fi
exit 0
