"""Reference tables: provenance present, copies match the shared data, dated Country Groups."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from prosper.rulebook import load_rulebook
from prosper.rulebook.tables import CountryGroups

REPO = Path(__file__).resolve().parents[2]
RULES_DATA = REPO.parent / "shared" / "data" / "rules"
BOOK = load_rulebook()
GROUPS = CountryGroups.from_table(BOOK.table("ear_country_groups"))


@pytest.mark.parametrize("name", sorted(BOOK.tables))
def test_every_table_has_provenance(name: str) -> None:
    table = BOOK.table(name)
    assert table.provenance, name
    text = json.dumps(table.provenance, default=str).lower()
    assert "http" in text or "citation" in text, name


@pytest.mark.skipif(not RULES_DATA.is_dir(), reason="shared/data/rules not present")
@pytest.mark.parametrize("name", ["ear_country_groups", "ear_country_chart", "ear_ccl_chart"])
def test_generated_tables_record_the_source_hash(name: str) -> None:
    prov = BOOK.table(name).provenance
    source = RULES_DATA / prov["source_file"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == prov["sha256"]


@pytest.mark.skipif(not RULES_DATA.is_dir(), reason="shared/data/rules not present")
def test_country_groups_match_the_shared_snapshot() -> None:
    raw = json.loads((RULES_DATA / "ear_country_groups_supp1_part740.json").read_text("utf-8"))
    snap = date(2026, 7, 23)
    for group, members in raw["groups"].items():
        assert len(GROUPS.countries_in(group, snap)) == len(set(members)), group
    assert GROUPS.groups_of("KR", snap) >= {"A:1", "A:2", "A:3", "A:4", "A:5"}
    assert "D:5" not in GROUPS.groups_of("MO", snap)  # Macau is named with D:5, not in it


def test_uae_moves_to_a5_in_july_2026() -> None:
    assert GROUPS.groups_of("AE", date(2026, 7, 9)) == frozenset({"B", "D:3", "D:4"})
    assert GROUPS.groups_of("AE", date(2026, 7, 10)) == frozenset({"A:5", "B"})
    assert GROUPS.groups_of("AE", date(2030, 1, 1)) == frozenset({"A:5", "B"})
    assert GROUPS.unconfirmed("AE", date(2026, 7, 11)) is not None
    assert GROUPS.unconfirmed("AE", date(2026, 7, 14)) is None


def test_hong_kong_is_china() -> None:
    assert GROUPS.groups_of("HK", date(2026, 11, 27)) == GROUPS.groups_of("CN", date(2026, 11, 27))


def test_korean_ga_area_is_the_four_regime_intersection() -> None:
    on = date(2026, 7, 23)
    derived = set.intersection(
        *(set(GROUPS.countries_in(g, on)) for g in ("A:1", "A:2", "A:3", "A:4"))
    )
    assert set(BOOK.table("kr_fta_areas").data["ga"]) == derived
    assert BOOK.table("kr_fta_areas").provenance["verified"] is False


def test_ccl_chart_splits_controls() -> None:
    chart = BOOK.table("ear_ccl_chart").data
    assert chart["5A002"]["entire"] == ["AT 1", "NS 1"]
    assert any("742.15" in p for p in chart["5A002"]["prose"])
    assert "RS 1" not in chart["3A090"]["entire"]  # advanced-computing scopes live in the rules
