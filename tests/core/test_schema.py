"""The transaction schema: bad input names its field; good input becomes the frozen model."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.errors import InputError
from prosper.model import EntityType, ItemKind, PartyRole
from prosper.schema import check_country, parse_transaction

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
