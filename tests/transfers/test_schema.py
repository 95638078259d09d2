"""Bad data-transfer input is rejected with exit code 2 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from prosper.errors import InputError
from prosper.schema import parse_transaction


def _tx(**transfer: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"from_country": "KR", "to_country": "US", "categories": ["contact"]}
    base.update(transfer)
    return {"as_of": "2026-11-27", "data_transfers": [base]}


@pytest.mark.parametrize(
    ("transfer", "field"),
    [
        ({"categories": ["contact", "horoscope"]}, "data_transfers[0].categories[1]"),
        ({"subjects_count": -5}, "data_transfers[0].subjects_count"),
        ({"to_country": "XX"}, "data_transfers[0].to_country"),
        ({"subjects_country": "ZZ"}, "data_transfers[0].subjects_country"),
        ({"recipient": {"country": "QQ"}}, "data_transfers[0].recipient.country"),
        (
            {"recipient": {"ownership": [{"country": "CN", "percent": 120}]}},
            "data_transfers[0].recipient.ownership[0].percent",
        ),
        ({"transaction_type": "gift"}, "data_transfers[0].transaction_type"),
        ({"categories": []}, "data_transfers[0].categories"),
    ],
)
def test_bad_transfer_input(transfer: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_transaction(_tx(**transfer))
    assert err.value.exit_code == 2
    assert err.value.field == field


def test_good_transfer_input() -> None:
    tx = parse_transaction(_tx(subjects_count=0, safeguards=["subjects_state:TX"]))
    assert tx.data_transfers[0].subjects_count == 0
