"""Fixtures of the list tests: where the real official files are."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import need_shared

LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    """The shared folder of real government list files (see its SOURCES.md); tests that use
    it skip without ../shared (and fail in CI, see tests/conftest.py)."""
    return need_shared(LISTS)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Small hand-made list files for malformed-row and malformed-file tests."""
    return FIXTURES
