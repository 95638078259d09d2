"""Fixtures of the list tests: where the real official files are."""

from __future__ import annotations

from pathlib import Path

import pytest

LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    """The shared folder of real government list files (see its SOURCES.md)."""
    if not LISTS.is_dir():
        pytest.fail(f"shared list data not found at {LISTS}")
    return LISTS


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Small hand-made list files for malformed-row and malformed-file tests."""
    return FIXTURES
