"""UN Security Council consolidated XML reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from prosper.errors import ListDataError
from prosper.lists.common import ReadResult
from prosper.lists.un import published_date, read_un
from prosper.model import Alias, EntityType, Identifier


@pytest.fixture(scope="module")
def un(lists_dir: Path) -> ReadResult:
    return read_un(lists_dir / "un_sc_consolidated_2026-02-27" / "UN_consolidated.xml")


def test_counts(un: ReadResult) -> None:
    entities, problems = un
    assert problems == ()
    assert Counter(e.type for e in entities) == {
        EntityType.PERSON: 730,
        EntityType.ORGANIZATION: 273,
    }
    regimes = Counter(p for e in entities for p in e.programs)
    assert regimes["Al-Qaida"] == 341
    assert regimes["DPRK"] == 155
    assert regimes["Iran"] == 121
    assert {e.list_code for e in entities} == {"UN"}
    # 336 individuals and 42 entities have a NAME_ORIGINAL_SCRIPT (one equals its Latin name)
    originals = sum(1 for e in entities for a in e.aliases if a.kind == "original_script")
    assert 370 <= originals <= 378
    weak = sum(1 for e in entities for a in e.aliases if not a.strong)
    assert weak >= 600  # 615 Low-quality individual aliases in SOURCES.md, some duplicates


def test_original_script_and_low_alias(un: ReadResult) -> None:
    saddam = next(e for e in un.entities if e.id == "un_sc:IQi.001")
    assert saddam.name == "SADDAM HUSSEIN AL-TIKRITI"
    assert Alias("صدام حسين التكريتي", strong=True, kind="original_script") in saddam.aliases
    assert Alias("Abu Ali", strong=False, kind="aka") in saddam.aliases
    assert saddam.dates_of_birth == ("1937-04-28",)
    assert saddam.places_of_birth == ("al-Awja, near Tikrit, Iraq",)
    assert saddam.countries == ("IQ",)
    assert saddam.listed_on == "2003-06-27"
    assert saddam.programs == ("Iraq",)


def test_documents_and_year_ranges(un: ReadResult) -> None:
    ri = next(e for e in un.entities if e.id == "un_sc:KPi.033")
    assert ri.name == "RI WON HO"
    assert ri.countries == ("KP",)
    assert Identifier("Passport", "381310014") in ri.identifiers
    ranged = [e for e in un.entities if len(e.dates_of_birth) >= 2]
    assert ranged  # BETWEEN FROM_YEAR/TO_YEAR gives every year of the range
    entity = next(e for e in un.entities if e.id == "un_sc:CDe.001")
    assert entity.type is EntityType.ORGANIZATION
    assert Alias("Allied Democratic Forces") in entity.aliases
    assert any(a.kind == "fka" for a in entity.aliases)
    assert entity.countries == ("CD",)


def test_published_date(lists_dir: Path) -> None:
    path = lists_dir / "un_sc_consolidated_2026-02-27" / "UN_consolidated.xml"
    assert published_date(path) == "2026-02-27"


def test_bad_entry_reported_with_line(fixtures_dir: Path) -> None:
    entities, problems = read_un(fixtures_dir / "un_bad_entry.xml")
    assert [e.id for e in entities] == ["un_sc:KPi.033", "un_sc:KPe.001"]
    assert len(problems) == 1
    assert problems[0].file == "un_bad_entry.xml"
    assert problems[0].line == 16
    assert "KPi.999: no name" in problems[0].reason
    ri = entities[0]
    assert Alias("Ri Won-ho", strong=False) in ri.aliases
    assert ri.countries == ("KP",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"Name,Address\nfoo,bar\n", "not valid XML"),
        (b"<?xml version='1.0'?><rss><channel/></rss>", "not a UN consolidated list"),
        (b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>", "not valid XML"),
    ],
)
def test_malformed_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(content)
    with pytest.raises(ListDataError, match=message):
        read_un(path)
