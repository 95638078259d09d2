#!/usr/bin/env bash
# One command for a fresh machine: set up .venv, then run the main job on the embedded defaults —
# screen the parties and decide a real example transaction.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PROSPER_DATA_DIR=${PROSPER_DATA_DIR:-"$PWD/.prosper"}
echo "==> prosper check examples/kr_to_vn_rngd.yaml" >&2
.venv/bin/prosper check examples/kr_to_vn_rngd.yaml "$@"
