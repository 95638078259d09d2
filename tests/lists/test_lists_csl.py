"""trade.gov Consolidated Screening List CSV reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import need_shared

from prosper.errors import ListDataError
from prosper.lists.common import ReadResult
from prosper.lists.csl import list_code, read_csl
from prosper.lists.sources import CSL_SKIPPED_LISTS
from prosper.model import EntityType, ListPolicy


@pytest.fixture(scope="module")
def csl(lists_dir: Path) -> ReadResult:
    return read_csl(lists_dir / "us_csl_sample_2023-11" / "csl.csv")


def test_list_counts(csl: ReadResult) -> None:
    codes = Counter(e.list_code for e in csl.entities)
    # SOURCES.md counts rows; the SDN and SSI chunks repeat a few _ids (reported)
    assert codes["EL"] == 919
    assert codes["UVL"] == 186
    assert codes["ISN"] == 144
    assert codes["DTC"] == 142
    assert codes["MEU"] == 71
    assert codes["CMIC"] == 68
    assert codes["PLC"] == 78
    assert codes["NS-MBS"] == 14
    assert codes["FSE"] == 1
    assert codes["CAP"] == 1
    assert codes["DPL"] == 577
    # 4,227 records: the chunks repeat a few _ids (reported), the last line is cut short
    duplicates = [p for p in csl.problems if p.reason.startswith("duplicate")]
    truncated = [p for p in csl.problems if p.reason == "8 columns, expected 29"]
    assert len(truncated) == 1
    assert len(csl.problems) == len(duplicates) + 1
    assert sum(codes.values()) + len(duplicates) + 1 == 4_227


def test_entity_list_row_policy(csl: ReadResult) -> None:
    row = next(e for e in csl.entities if e.name == "Abdul Satar Ghoura")
    assert row.list_code == "EL"
    assert row.policy == ListPolicy(
        license_requirement="For all items subject to the EAR. (See §744.11 of the EAR).",
        license_policy="Presumption of denial.",
        federal_register_notice="76 FR 71867",
        start_date="2011-11-21",
    )
    assert row.countries == ("AF", "PK")
    assert len(row.addresses) == 4
    assert row.type is EntityType.PERSON  # no type column value: guessed from the name


def test_meu_row(csl: ReadResult) -> None:
    row = next(e for e in csl.entities if e.name.startswith("Academy of Aerospace Solid"))
    assert row.list_code == "MEU"
    assert row.policy is not None
    assert row.policy.license_requirement is not None
    assert "supplement no. 2 to part 744" in row.policy.license_requirement
    assert row.countries == ("CN",)
    assert row.type is EntityType.ORGANIZATION


def test_skip_lists(lists_dir: Path) -> None:
    entities, _ = read_csl(
        lists_dir / "us_csl_sample_2023-11" / "csl.csv", skip_lists=CSL_SKIPPED_LISTS
    )
    assert {e.list_code for e in entities} == {"EL", "UVL", "ISN", "DTC", "MEU", "FSE", "CAP"}
    assert len(entities) == 1_464


def test_bad_rows(fixtures_dir: Path) -> None:
    entities, problems = read_csl(fixtures_dir / "csl_bad_rows.csv")
    assert [e.list_code for e in entities] == ["EL", "MEU", "UVL"]  # repeated header skipped
    assert [(p.line, p.reason) for p in problems] == [(6, "5 columns, expected 29")]


def test_list_code() -> None:
    assert list_code("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert list_code("ITAR Debarred (DTC) - State Department") == "DTC"
    assert list_code("Something New - Agency") == "Something New"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"name,address\nACME,1 Road\n", "not a Consolidated Screening List"),
    ],
)
def test_malformed_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_bytes(content)
    with pytest.raises(ListDataError, match=message):
        read_csl(path)


def test_official_csl_csv_gz_of_2022(shared_lists: Path) -> None:
    """The complete official CSL of 2022 (gzip-compressed): read whole, dated by its newest
    start_date over all its rows, its SDN/DPL/non-SDN rows left to their own sources."""
    from prosper.lists.sources import build_source

    path = need_shared(shared_lists / "us_csl_2022-05-16" / "consolidated.csv.gz")
    data = build_source("us_csl", {"primary": path}, origin="installed")
    assert data.info.published == "2022-04-21"
    assert data.info.published_basis == "newest start_date"
    assert data.info.status == "official"
    codes = {e.list_code for e in data.entities}
    assert "EL" in codes
    assert not codes & {"SDN", "DPL", "SSI", "PLC", "CMIC", "NS-MBS"}
    # 2,001 Entity List rows (PROVENANCE.md), a few of them repeated under one _id
    assert 1_990 <= sum(e.list_code == "EL" for e in data.entities) <= 2_001
