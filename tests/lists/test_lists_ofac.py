"""OFAC legacy CSV reader and Remarks parser, on the real files and small fixtures."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from prosper.errors import ListDataError
from prosper.lists.common import ReadResult, country_code
from prosper.lists.ofac import OfacFiles, cons_list_code, read_ofac
from prosper.lists.remarks import normalise_date, parse_identifier, parse_remarks
from prosper.model import Alias, EntityType, Identifier


@pytest.fixture(scope="module")
def sdn_2024(lists_dir: Path) -> ReadResult:
    aux = lists_dir / "us_ofac_sdn_aux_2025-12"
    return read_ofac(
        OfacFiles(
            lists_dir / "us_ofac_sdn_2024-07-02" / "sdn.csv",
            aux / "add.csv",
            aux / "alt.csv",
            aux / "sdn_comments.csv",
        ),
        source="us_ofac_sdn",
    )


@pytest.mark.slow
def test_sdn_2024_counts(sdn_2024: ReadResult) -> None:
    entities, problems = sdn_2024
    assert problems == ()
    assert len(entities) == 15_443
    types = Counter(e.type for e in entities)
    assert types == {
        EntityType.PERSON: 6_927,
        EntityType.VESSEL: 872,
        EntityType.AIRCRAFT: 374,
        EntityType.ORGANIZATION: 7_270,
    }
    assert max(int(e.id.split(":")[1]) for e in entities) == 49_711
    programs = Counter(p for e in entities for p in e.programs)
    assert programs["RUSSIA-EO14024"] == 4_813
    assert programs["SDGT"] == 2_462
    # add.csv 2025-12 covers 14,762 of the 15,443 entries (SOURCES.md)
    assert sum(1 for e in entities if e.addresses) <= 14_762
    assert {e.list_code for e in entities} == {"SDN"}


@pytest.mark.slow
def test_real_dprk_individual(sdn_2024: ReadResult) -> None:
    entity = next(e for e in sdn_2024.entities if e.id == "us_ofac_sdn:11648")
    assert entity.name == "KIM, Tong-Myo'ng"
    assert entity.type is EntityType.PERSON
    assert entity.dates_of_birth == ("1964", "1962-08-28")
    assert entity.countries == ("KP",)
    assert Identifier("Passport", "290320764") in entity.identifiers
    assert Alias("KIM, JIN SOK", strong=False, kind="aka") in entity.aliases
    assert Alias("KIM, CHIN-SO'K", strong=True, kind="aka") in entity.aliases  # from alt.csv
    assert entity.linked_to == ("TANCHON COMMERCIAL BANK",)
    assert entity.programs == ("NPWMD",)


@pytest.mark.slow
def test_remarks_overflow_from_comments(sdn_2024: ReadResult) -> None:
    """Remarks cut at 1,000 characters continue in sdn_comments.csv."""
    entity = next(e for e in sdn_2024.entities if e.id == "us_ofac_sdn:28263")
    assert entity.name == "TIAN, Yinyin"
    assert entity.gender == "male"
    assert Alias("tianyinyin0404", strong=False) in entity.aliases
    assert Alias("snowsjohn", strong=False) in entity.aliases  # split across the two files
    assert entity.linked_to == ("LAZARUS GROUP",)
    assert entity.remarks is not None
    assert entity.remarks.endswith("Linked To: LAZARUS GROUP.")
    assert Identifier("Identification Number", "321284198607120616", "CN") in entity.identifiers


def test_sdn_2021_consistent_set(lists_dir: Path) -> None:
    folder = lists_dir / "us_ofac_sdn_2021-07"
    entities, problems = read_ofac(
        OfacFiles(
            folder / "sdn.csv", folder / "add.csv", folder / "alt.csv", folder / "sdn_comments.csv"
        ),
        source="us_ofac_sdn",
    )
    assert problems == ()
    assert len(entities) == 8_976
    assert Counter(e.type for e in entities)[EntityType.PERSON] == 4_620
    with (folder / "alt.csv").open(encoding="latin-1", newline="") as handle:
        alt_rows = [r for r in csv.reader(handle) if len(r) == 5]
    assert len(alt_rows) == 11_910
    kinds = Counter(a.kind for e in entities for a in e.aliases)
    assert kinds["fka"] >= 300
    assert kinds["nka"] >= 10
    by_id = {e.id: e for e in entities}
    overflow = by_id["us_ofac_sdn:12300"]
    assert overflow.remarks is not None
    assert "RED MUNDIAL INMOBILIARIA" in overflow.remarks
    assert "RED MUNDIAL INMOBILIARIA, S.A. DE C.V." in overflow.linked_to


def test_non_sdn_consolidated(lists_dir: Path) -> None:
    folder = lists_dir / "us_ofac_non_sdn_2025-12"
    entities, problems = read_ofac(
        OfacFiles(
            folder / "cons_prim.csv",
            folder / "cons_add.csv",
            folder / "cons_alt.csv",
            folder / "cons_comments.csv",
        ),
        source="us_ofac_cons",
        consolidated=True,
    )
    assert problems == ()
    assert len(entities) == 442
    assert Counter(e.type for e in entities) == {
        EntityType.PERSON: 79,
        EntityType.ORGANIZATION: 363,
    }
    codes = Counter(e.list_code for e in entities)
    assert codes["SSI"] == 286
    assert codes["PLC"] == 78
    assert codes["CMIC"] == 68
    assert sum(codes.values()) == 442
    haniya = next(e for e in entities if e.name == "HANIYA, Ismail Abdul Salah")
    assert haniya.list_code == "PLC"
    assert haniya.dates_of_birth == ("1962",)
    assert haniya.places_of_birth == ("Shati",)


def test_bad_rows_are_reported_and_skipped(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "ofac_bad_rows"
    entities, problems = read_ofac(
        OfacFiles(folder / "sdn.csv", folder / "add.csv", folder / "alt.csv"), source="t"
    )
    assert sorted(e.id for e in entities) == ["t:11648", "t:15667", "t:306"]
    reasons = {(p.file, p.line, p.reason) for p in problems}
    assert ("sdn.csv", 4, "3 columns, expected 12") in reasons
    assert ("sdn.csv", 5, "ent_num 'abc' is not a number") in reasons
    assert ("sdn.csv", 6, "empty name") in reasons
    assert ("add.csv", 7, "3 columns, expected 6") in reasons
    bnc = next(e for e in entities if e.id == "t:306")
    assert Alias("BNC", strong=False) in bnc.aliases
    assert Alias("NATIONAL BANK OF CUBA", strong=True) in bnc.aliases
    assert {a.country for a in bnc.addresses} == {"CH", "ES", "JP", "PA"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\x1a\r\n", "empty file"),
        (b"<html><body>Service unavailable</body></html>\n", "not an OFAC legacy CSV"),
        (
            b'1,"A",x\n2,"B",y\n3,"C",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
            "not an OFAC",
        ),
    ],
)
def test_malformed_file_is_rejected(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    with pytest.raises(ListDataError, match=message) as info:
        read_ofac(OfacFiles(path), source="t")
    assert "sdn.csv" in str(info.value)


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ListDataError, match="not found"):
        read_ofac(OfacFiles(tmp_path / "sdn.csv"), source="t")


def test_remarks_parser() -> None:
    parsed = parse_remarks(
        "DOB circa 1947; alt. DOB 1960 to 1962; POB Pyongan-Pukto, North Korea; "
        "nationality Korea, North; citizen Russia; Gender Female; a.k.a. 'KOMID'; "
        "a.k.a. GREEN PINE; f.k.a. 'OLD NAME'; Tax ID No. 7744001497 (Russia); "
        "Vessel Registration Identification IMO 7406784; Linked To: KOREA MINING; "
        "Secondary sanctions risk: section 1(b) of Executive Order 13224."
    )
    assert parsed.dates_of_birth == ["1947", "1960", "1961", "1962"]
    assert parsed.places_of_birth == ["Pyongan-Pukto, North Korea"]
    assert parsed.countries == ["KP", "KP", "RU"]
    assert parsed.gender == "female"
    assert parsed.aliases == [
        Alias("KOMID", strong=False),
        Alias("GREEN PINE", strong=True),
        Alias("OLD NAME", strong=False, kind="fka"),
    ]
    assert parsed.identifiers == [
        Identifier("Tax ID No.", "7744001497", "RU"),
        Identifier("Vessel Registration Identification IMO", "7406784"),
    ]
    assert parsed.linked_to == ["KOREA MINING"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Dec 1948", ["1948-12-10"]),
        ("Dec 1948", ["1948-12"]),
        ("1948", ["1948"]),
        ("circa 1979", ["1979"]),
        ("between 1950 and 1955", ["between 1950 and 1955"]),
    ],
)
def test_normalise_date(text: str, expected: list[str]) -> None:
    assert normalise_date(text) == expected


def test_identifier_parser_keeps_expiry_out() -> None:
    ident = parse_identifier("Passport PS927320340 issued 02 Sep 2017 expires 02 Sep 2022")
    assert ident == Identifier("Passport", "PS927320340")
    assert parse_identifier("Organization Established Date 1969") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Korea, North", "KP"),
        ("Korea, South", "KR"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Russia", "RU"),
        ("Burma", "MM"),
        ("Iran (Islamic Republic of)", "IR"),
        ("United Republic of Tanzania", "TZ"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_code(name: str, code: str | None) -> None:
    assert country_code(name) == code


def test_cons_list_code() -> None:
    assert cons_list_code(("CMIC-EO13959",)) == "CMIC"
    assert cons_list_code(("SDGT", "NS-PLC")) == "PLC"
    assert cons_list_code(("561-Related",)) == "CAP"
    assert cons_list_code(("CAATSA - RUSSIA",)) == "NS-MBS"
