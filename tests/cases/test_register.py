"""The register: files of every format, row-level errors, all-or-nothing, upsert by id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from prosper.cases.register import import_register
from prosper.cases.store import CaseStore
from prosper.errors import InputError, NotFoundError


@pytest.fixture
def store(db_url: str) -> Iterator[CaseStore]:
    with CaseStore.open(db_url) as s:
        yield s


def test_csv_semicolon_is_sniffed_and_upserted(tmp_path: Path, store: CaseStore) -> None:
    path = tmp_path / "parties.csv"
    path.write_text(
        "id;name;type;countries;aliases;dob;tags\n"
        "C-1;Korea Mining Development Trading Corp;organization;KP;KOMID;;customer\n"
        "C-2;이병철;person;kr;Lee Byung-chul;1960;supplier;\n"[:-2]
        + "\n",
        "utf-8",
    )
    report = import_register(store, path)
    assert report.ok, report.to_dict()
    assert report.counts is not None
    assert (report.counts.inserted, report.counts.updated) == (2, 0)
    second = store.party("C-2")
    assert second.countries == ("KR",)
    assert second.dob == "1960"
    assert second.type.value == "person"
    # same file again: nothing changes; a changed name is an update that changes the fingerprint
    again = import_register(store, path)
    assert again.counts is not None
    assert again.counts.unchanged == 2
    path.write_text(path.read_text("utf-8").replace("이병철", "이병찰"), "utf-8")
    third = import_register(store, path)
    assert third.counts is not None
    assert (third.counts.updated, third.counts.changed_ids) == (1, ("C-2",))


def test_tab_and_pipe_delimiters(tmp_path: Path, store: CaseStore) -> None:
    for delim in ("\t", "|"):
        path = tmp_path / "p.csv"
        path.write_text(f"id{delim}name\nT-1{delim}Acme, Inc.\n", "utf-8")
        assert import_register(store, path).ok
    assert store.party("T-1").name == "Acme, Inc."


def test_a_bad_row_imports_nothing(tmp_path: Path, store: CaseStore) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "id,name,countries,dob,type\n"
        "A-1,Good Co,KR,,\n"
        "A-2,,KR,,\n"
        "A-3,Bad Country,XX,,\n"
        "A-4,Bad Dob,KR,1984-02-30,person\n"
        "A-5,Bad type,KR,,robot\n"
        "A-1,Repeat,KR,,\n",
        "utf-8",
    )
    report = import_register(store, path)
    assert not report.ok
    lines = [str(e) for e in report.errors]
    assert lines == [
        "row 3: name: is required",
        "row 4: countries: unknown country code 'XX' (ISO 3166-1 alpha-2 expected)",
        "row 5: dob: not a real date: '1984-02-30'",
        "row 6: type: unknown type 'robot' (person, organization, vessel, aircraft)",
        "row 7: id: 'A-1' repeats row 2",
    ]
    assert store.party_count() == 0  # the good row was not written either


def test_unknown_column_and_missing_file(tmp_path: Path, store: CaseStore) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,nmae\n1,x\n", "utf-8")
    with pytest.raises(InputError, match="unknown column 'nmae'"):
        import_register(store, path)
    with pytest.raises(NotFoundError):
        import_register(store, tmp_path / "absent.csv")
    bad = tmp_path / "p.txt"
    bad.write_text("x", "utf-8")
    with pytest.raises(InputError, match="unsupported file type"):
        import_register(store, bad)


def test_jsonl_with_lists_and_owners(tmp_path: Path, store: CaseStore) -> None:
    path = tmp_path / "p.jsonl"
    rows = [
        {
            "id": "J-1",
            "name": "Acme",
            "countries": ["DE", "KR"],
            "identifiers": ["LEI:123"],
            "owners": [{"name": "Holding AG", "percent": 60, "country": "de"}],
        },
        {"id": "J-2", "name": "Beta", "tags": ["vip"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    assert import_register(store, path).ok
    party = store.party("J-1")
    assert party.countries == ("DE", "KR")
    assert party.owners == ({"name": "Holding AG", "percent": 60, "country": "DE"},)
    path.write_text('{"id": "J-3", "name": "x", "owners": [{"percent": 200}]}\nnot json\n', "utf-8")
    report = import_register(store, path)
    assert next(str(e) for e in report.errors) == "row 1: owners[0].name: is required"
    assert "not valid JSON" in str(report.errors[1])


def test_xlsx(tmp_path: Path, store: CaseStore) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Name", "Country"])
    sheet.append([1001, "Rosoboronexport", "RU"])
    sheet.append([None, None, None])
    sheet.append([1002, "Acme", "KR"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    report = import_register(store, path)
    assert report.ok, report.to_dict()
    assert store.party("1001").countries == ("RU",)  # a number typed in Excel is its digits
    assert store.party_count() == 2


def test_parquet(tmp_path: Path, store: CaseStore) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": ["P-1", "P-2"], "name": ["Acme", "Beta"], "aliases": [["A Co"], []]})
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    assert import_register(store, path).ok
    assert store.party("P-1").aliases == ("A Co",)


def test_listing_and_paging(tmp_path: Path, store: CaseStore) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,name,tags\n" + "".join(f"X-{i:03},Name {i},t{i % 2}\n" for i in range(30)))
    assert import_register(store, path).ok
    assert [p.id for p in store.parties(limit=3, offset=2)] == ["X-002", "X-003", "X-004"]
    assert len(store.parties(limit=100, tag="t1")) == 15
    assert [p.id for p in store.iter_parties(after="X-027")] == ["X-028", "X-029"]
