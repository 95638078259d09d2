#!/usr/bin/env bash
# Create (or refresh) the project virtualenv in .venv and install Prosper with every extra the
# tests and the main job use. Idempotent; used by scripts/quickstart.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# PyICU (through rigour / normality, used for transliteration) compiles against ICU.
if ! pkg-config --exists icu-i18n 2>/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> installing ICU headers (libicu-dev, pkg-config) from Debian" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq libicu-dev pkg-config >/dev/null
  else
    echo "ICU headers missing: run 'sudo apt-get install libicu-dev pkg-config' first" >&2
    exit 1
  fi
fi

# Debian's Chromium and a Hangul font for the browser tests (tests/e2e): Playwright drives
# /usr/bin/chromium and never downloads a browser of its own.
if [ ! -x /usr/bin/chromium ] || [ -z "$(fc-list :lang=ko 2>/dev/null || true)" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> installing chromium, chromium-driver and fonts-nanum from Debian (browser tests)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-nanum >/dev/null
  else
    echo "note: no /usr/bin/chromium: browser tests will skip (apt-get install chromium fonts-nanum)" >&2
  fi
fi

# Debian's Java runtime for the Spark engine's test on local[2] (tests/spark).
if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> installing default-jre-headless from Debian (Spark engine tests)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  else
    echo "note: no java: Spark tests will skip (apt-get install default-jre-headless)" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv" >&2
  "$PY" -m venv .venv
fi
echo "==> installing prosper and its extras into .venv" >&2
pip_quiet() {
  # pip, with its log shown only on failure (this keeps local index-path warnings out of the way)
  local log
  log=$(mktemp)
  if ! .venv/bin/python -m pip --disable-pip-version-check "$@" >"$log" 2>&1; then
    grep -v "^WARNING: Location" "$log" >&2
    rm -f "$log"
    echo "pip $* failed" >&2
    exit 1
  fi
  rm -f "$log"
}
pip_quiet install -q -U pip
pip_quiet install -q -e ".[api,postgres,parquet,spark,dev]"
# optional: the hot matching modules compiled with mypyc when a C compiler is present (a failed
# build only warns; PROSPER_NATIVE_BUILD=0 skips it)
if [ "${PROSPER_NATIVE_BUILD:-1}" != "0" ]; then
  scripts/build_native.sh || true
fi
.venv/bin/prosper --help >/dev/null
