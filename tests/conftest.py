"""Shared test fixtures: isolated data folders and the location of the shared list data."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

# Property tests: no per-example deadline (a loaded 2-core CI machine is slow, not wrong), and
# in CI a fixed example sequence so that a run is reproducible.
settings.register_profile("prosper", deadline=None)
settings.register_profile("prosper-ci", deadline=None, derandomize=True)
settings.load_profile("prosper-ci" if os.environ.get("CI") else "prosper")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LISTS = SHARED / "data" / "lists"
RULES_DATA = SHARED / "data" / "rules"
EXAMPLES = REPO / "examples"

# In CI (`.ci/run` sets it when ../shared is beside the clone) a test that needs the shared
# files must run: a skip there would hide a lost test, so it fails instead.
REQUIRE_SHARED = os.environ.get("PROSPER_REQUIRE_SHARED") == "1"

# List freshness (issue 12 item 7): a check whose lists are older than their allowed age is
# `review`, never `allowed`. The embedded snapshot (SDN of 2026-08-20, CSL of 2026-07-31, …) is
# months older than the examples' as_of, so without a pin every check with a party would be
# `review` for staleness and the verdict tests of other areas would say nothing about their own
# rules. This pins the allowed age for the test session (inherited by the servers and CLIs the
# tests start); tests/screening/test_freshness.py removes the pin and tests the rule itself.
FRESHNESS_PIN = "36500"
os.environ.setdefault("PROSPER_LISTS_MAX_AGE_DAYS", FRESHNESS_PIN)


def need_shared(path: Path) -> Path:
    """``path`` under ../shared, or skip (fail under PROSPER_REQUIRE_SHARED=1) when absent."""
    if not path.exists():
        message = f"needs the shared data file {path.relative_to(SHARED.parent)} (absent here)"
        if REQUIRE_SHARED:
            pytest.fail(message + " but PROSPER_REQUIRE_SHARED=1")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_lists() -> Path:
    """The folder of real government list files beside the repository (its SOURCES.md)."""
    return need_shared(LISTS)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private PROSPER_DATA_DIR (snapshots + audit log) for one test."""
    folder = tmp_path / "prosper-data"
    monkeypatch.setenv("PROSPER_DATA_DIR", str(folder))
    monkeypatch.delenv("PROSPER_DB_URL", raising=False)
    return folder


PG_URL = os.environ.get("PROSPER_TEST_PG_URL") or None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (PostgreSQL: a private schema).

    The PostgreSQL leg runs when ``PROSPER_TEST_PG_URL`` is set (``scripts/postgres.sh``).
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    if PG_URL is None:
        pytest.skip("PROSPER_TEST_PG_URL is not set (run scripts/postgres.sh)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def fresh_python() -> Callable[[str], list[str]]:
    """Run ``code`` in a fresh interpreter on this test's import path and return its output
    lines (what a new process imports, e.g. that a warm path loads no pydantic)."""

    def run(code: str) -> list[str]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.splitlines()

    return run
