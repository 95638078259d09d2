"""The transaction schema: bad input names its field; good input becomes the frozen model."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.errors import InputError
from prosper.model import EntityType, ItemKind, PartyRole
from prosper.reader import InputLimits, parse_document
from prosper.schema import parse_transaction
from prosper.values import check_country, check_dob, parse_date

CASES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "fixtures/transactions/bad_inputs.yaml").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input_names_the_field(case: dict[str, Any]) -> None:
    with pytest.raises(InputError) as info:
        parse_transaction(case["doc"])
    assert info.value.field == case["field"]
    assert info.value.exit_code == 2


def test_contract_example_parses(examples_dir: Path) -> None:
    doc = yaml.safe_load((examples_dir / "kr_to_vn_rngd.yaml").read_text())
    tx = parse_transaction(doc, today=date(2026, 11, 27))
    assert tx.id == "PO-2026-0142"
    assert tx.as_of == date(2026, 11, 27)
    assert tx.parties[1].role is PartyRole.END_USER
    assert tx.parties[1].parent_country == "CN"
    assert tx.parties[1].type is EntityType.ORGANIZATION
    assert tx.items[0].kind is ItemKind.INTEGRATED_CIRCUIT
    assert tx.items[0].performance[0].tops == 512
    assert tx.data_transfers[0].recipient is not None
    assert tx.data_transfers[0].recipient.ownership[0].percent == 100


def test_as_of_from_document_wins_over_today() -> None:
    tx = parse_transaction({"as_of": "2025-01-15"}, today=date(2026, 1, 1))
    assert tx.as_of == date(2025, 1, 15)


def test_country_codes_are_upper_cased() -> None:
    assert check_country("kr") == "KR"
    assert parse_transaction({"destination_country": "cn"}).destination_country == "CN"


@pytest.fixture
def examples_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "examples"


def test_yaml_no_is_norway_end_to_end() -> None:
    """Read with the one reader, validated with the one model: ``NO`` is Norway, not false."""
    raw = parse_document(b"destination_country: NO\nas_of: 2026-11-27\n", syntax="yaml", field="t")
    tx = parse_transaction(raw)
    assert tx.destination_country == "NO"
    assert tx.as_of == date(2026, 11, 27)


def test_limits_on_parties_items_and_transfers() -> None:
    limits = InputLimits(max_parties=2, max_items=1, max_transfers=1)
    parse_transaction({"parties": [{"name": "A"}, {"name": "B"}]}, limits=limits)
    transfer = {"from_country": "KR", "to_country": "US", "categories": ["contact"]}
    item = {"description": "chip", "kind": "hbm"}
    for key, rows in (
        ("parties", [{"name": "A"}] * 3),
        ("items", [item] * 2),
        ("data_transfers", [transfer] * 2),
    ):
        with pytest.raises(InputError) as info:
            parse_transaction({key: rows}, limits=limits)
        assert info.value.field == key
        assert "PROSPER_MAX_" in info.value.message
    with pytest.raises(InputError) as info:
        parse_transaction({"parties": [{"name": "A"}] * 1_001})
    assert "at most 1,000" in info.value.message


def test_dates_are_checked_one_way() -> None:
    assert parse_date("2026-02-28", "--as-of") == date(2026, 2, 28)
    assert parse_date(None, "--as-of") is None
    for bad in ("0", "2026-02-30", "2026-W09-6", "20260228", "27/11/2026"):
        with pytest.raises(InputError) as info:
            parse_date(bad, "as_of")
        assert info.value.field == "as_of"
    assert check_dob("1984") == "1984"
    with pytest.raises(ValueError, match="not a real date"):
        check_dob("1984-02-30")


def test_booleans_are_still_booleans() -> None:
    tx = parse_transaction(
        {"items": [{"description": "chip", "kind": "hbm", "us_origin": True, "tpp": 4800}]}
    )
    assert tx.items[0].us_origin is True
    assert tx.items[0].tpp == 4800.0
