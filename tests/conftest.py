"""Shared test fixtures: isolated data folders and the location of the shared list data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private PROSPER_DATA_DIR (snapshots + audit log) for one test."""
    folder = tmp_path / "prosper-data"
    monkeypatch.setenv("PROSPER_DATA_DIR", str(folder))
    monkeypatch.delenv("PROSPER_DB_URL", raising=False)
    return folder
