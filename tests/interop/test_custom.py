"""Custom watchlists: the CSV/XLSX reader, its refusals, and a list found by screen and check
with its own policy row and audit trail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.cli.cli_helpers import invoke

from prosper.errors import InputError, ListDataError
from prosper.lists.custom import custom_source, read_custom
from prosper.model import EntityType
from prosper.screening.parties import load_screening_policy

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
CSV = FIXTURES / "denied_customers.csv"
DAY = date(2026, 12, 1)


def test_source_names() -> None:
    assert custom_source("Denied-Customers") == "custom_denied_customers"
    assert custom_source("custom_bank") == "custom_bank"
    with pytest.raises(InputError, match="NAME"):
        custom_source("!!!")


def test_csv_rows_become_entities_and_bad_rows_are_reported() -> None:
    (entities, problems), facts = read_custom(CSV, "custom_denied", DAY)
    assert [e.name for e in entities] == ["Ivan Petrovich Sidorov", "Blue Lantern Trading FZE"]
    ivan, blue = entities
    assert ivan.type is EntityType.PERSON
    assert ivan.source == ivan.list_code == "custom_denied"
    assert ivan.countries == ("RU",)
    assert ivan.dates_of_birth == ("1971-03-04",)
    assert [(i.type, i.value, i.country) for i in ivan.identifiers] == [
        ("passport", "7512345", "RU")
    ]
    assert [a.name for a in ivan.aliases] == ["Ivan Sidorov"]
    assert ivan.remarks == "chargeback fraud 2025"
    assert blue.countries == ("AE",)  # a country name is read as its code
    assert [str(p) for p in problems] == [
        "denied_customers.csv:4: name: empty",
        "denied_customers.csv:5: dob: '1971-13' is not a date YYYY, YYYY-MM or YYYY-MM-DD",
    ]
    assert facts.published == "2026-12-01"
    assert facts.status == "custom"
    # ids are stable: the same rows give the same ids
    again = read_custom(CSV, "custom_denied", DAY)[0].entities
    assert [e.id for e in again] == [e.id for e in entities]


def test_xlsx_is_read_like_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Type", "Country", "DOB", "Reason", "ID"])
    sheet.append(["Jane Roe", "person", "KP", date(1980, 2, 3), "internal", "C-1"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    (entities, problems), _ = read_custom(path, "custom_x", DAY)
    assert problems == ()
    assert entities[0].id == "custom_x:C-1"
    assert entities[0].dates_of_birth == ("1980-02-03",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("name,colour\nX,red\n", "unknown column 'colour'"),
        ("type\nperson\n", "no 'name' column"),
        ("name,type\nX,spaceship\n", "no readable row: .*type"),
    ],
)
def test_unusable_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListDataError, match=message):
        read_custom(path, "custom_x", DAY)


def test_policy_row_of_custom_lists() -> None:
    rule = load_screening_policy().rule_for("custom_denied")
    assert rule.rule_id == "custom.watchlist.denied"
    assert rule.strong == "review"
    assert rule.regime == "CUSTOM"


def test_add_custom_bad_input_is_one_line(data_dir: Path, tmp_path: Path) -> None:
    missing = invoke("lists", "add-custom", "denied", str(tmp_path / "nope.csv"))
    assert missing.code == 2
    assert "nope.csv" in missing.error
    bad = tmp_path / "bad.csv"
    bad.write_text("name,colour\nX,red\n", encoding="utf-8")
    out = invoke("lists", "add-custom", "denied", str(bad))
    assert out.code == 2
    assert "unknown column 'colour'" in out.error
    assert not (data_dir / "lists" / "CURRENT").exists()  # nothing installed


@pytest.mark.slow
def test_custom_entry_found_by_screen_and_check_with_policy_and_audit(
    data_dir: Path, tmp_path: Path
) -> None:
    added = invoke("lists", "add-custom", "denied", str(CSV), "--json")
    assert added.code == 0, added.error
    doc = json.loads(added.stdout)
    assert doc["source"] == "custom_denied"
    assert doc["entity_count"] == 2
    record_id = doc["audit"]["record_id"]

    shown = json.loads(invoke("lists", "show", "--json").stdout)
    info = next(s for s in shown["sources"] if s["source"] == "custom_denied")
    assert info["status"] == "custom"
    assert info["version"] == doc["version"]

    screened = invoke("screen", "Blue Lantern Trading", "--country", "AE", "--json")
    assert screened.code == 0
    hits = json.loads(screened.stdout)["hits"]
    assert hits[0]["source"] == "custom_denied"
    assert hits[0]["programs"] == ["diverted GPUs to a third country"]

    tx = tmp_path / "tx.yaml"
    tx.write_text(
        "id: PO-CUSTOM-1\nas_of: 2026-12-06\norigin_country: KR\ndestination_country: AE\n"
        "parties:\n"
        "  - {role: exporter, name: 'Hanbit Semiconductor Co., Ltd.', country: KR}\n"
        "  - {role: end_user, name: 'Blue Lantern Trading FZE', country: AE}\n",
        encoding="utf-8",
    )
    checked = invoke("check", str(tx), "--json")
    decision = json.loads(checked.stdout)
    finding = next(f for f in decision["findings"] if f["subject"] == "parties[1]")
    assert finding["rule_id"] == "custom.watchlist.denied"
    assert finding["verdict"] == "review"
    assert "diverted GPUs to a third country" in finding["summary"]
    assert decision["versions"]["lists"]["custom_denied"] == doc["version"]

    shown_record = invoke("audit", "show", str(record_id), "--json")
    record = json.loads(shown_record.stdout)
    assert record["kind"] == "lists_update"
    assert record["output"]["source"] == "custom_denied"
    assert record["output"]["version"] == doc["version"]
