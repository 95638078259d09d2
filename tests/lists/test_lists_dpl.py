"""BIS Denied Persons List reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from prosper.errors import ListDataError
from prosper.lists.dpl import latest_update, parse_date, read_dpl
from prosper.lists.entity_type import guess_entity_type
from prosper.model import EntityType


def test_real_file(lists_dir: Path) -> None:
    entities, problems = read_dpl(lists_dir / "us_bis_dpl_2023-11" / "dpl.txt")
    # 665 rows (one per address) of 546 distinct names; AL NASER / AL-NASER AIRLINES is one
    # order spelled two ways, and one name has two orders
    assert len(entities) == 546
    assert sum(len(e.addresses) for e in entities) <= 665
    assert len({e.id for e in entities}) == 546
    assert [str(p) for p in problems] == [
        "dpl.txt:316: Last_Update 3033-09-30 is implausible (ignored)"
    ]
    assert latest_update(entities) == "2023-11-28"
    villa = next(e for e in entities if e.name == "AARON ABRAHAM VILLA")
    assert villa.id == "us_bis_dpl:AARON-ABRAHAM-VILLA:2022-08-24"
    assert villa.list_code == "DPL"
    assert villa.policy is not None
    assert villa.policy.start_date == "2022-08-24"
    assert villa.policy.end_date == "2026-01-14"
    assert villa.policy.federal_register_notice == "87 F.R. 52741 8/29/2022"
    airline = next(e for e in entities if e.name == "AL NASER AIRLINES")
    assert [a.name for a in airline.aliases] == ["AL-NASER AIRLINES"]
    # the DPL has no type column: the type is guessed from the name
    assert villa.type is EntityType.PERSON
    assert airline.type is EntityType.ORGANIZATION
    types = Counter(e.type for e in entities)
    assert types[EntityType.PERSON] > 400
    assert types[EntityType.ORGANIZATION] > 90


def test_bad_rows(fixtures_dir: Path) -> None:
    entities, problems = read_dpl(fixtures_dir / "dpl_bad_rows.txt")
    assert [e.name for e in entities] == [
        "I. ASH",
        "AARON ABRAHAM VILLA",
        "JOSE ERNESTO GARCIA",
        "BAD DATE PERSON",
    ]
    assert [(p.line, p.reason) for p in problems] == [
        (4, "Last_Update 3033-09-30 is implausible (ignored)"),
        (5, "Effective_Date '13/45/2020' is not a date"),
        (6, "2 columns, expected 12"),
    ]
    garcia = entities[2]
    assert garcia.listed_on is None
    assert garcia.policy is not None
    assert garcia.policy.start_date == "2022-09-26"


def test_parse_date() -> None:
    assert parse_date("06/19/2003") == "2003-06-19"
    assert parse_date("2023-11-28") == "2023-11-28"
    assert parse_date("") is None
    with pytest.raises(ValueError, match="month"):
        parse_date("13/45/2020")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b'"Name"\t"Address"\n"X"\t"Y"\n', "not a Denied Persons List"),
    ],
)
def test_malformed_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes(content)
    with pytest.raises(ListDataError, match=message):
        read_dpl(path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AARON ABRAHAM VILLA", EntityType.PERSON),
        ("KIM SONG II", EntityType.PERSON),
        ("JOSEPH ORMOND KIRK, III.", EntityType.PERSON),
        ("BELAVIA BELARUSIAN AIRLINES", EntityType.ORGANIZATION),
        ("ARROWTRONIC, LLC", EntityType.ORGANIZATION),
        ("GHARE SABZ CO.", EntityType.ORGANIZATION),
    ],
)
def test_guess_entity_type(name: str, expected: EntityType) -> None:
    assert guess_entity_type(name) is expected
