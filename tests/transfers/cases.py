"""Load the golden transfer cases (``transfer_cases.yaml``) as transactions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from prosper.model import Transaction
from prosper.schema import parse_transaction

CASES_FILE = Path(__file__).with_name("transfer_cases.yaml")
DEFAULT_AS_OF = date(2026, 11, 27)


@dataclass(frozen=True)
class TransferCase:
    """One golden case: a transaction whose data_transfers[0] is judged, and expectations."""

    id: str
    description: str
    tx: Transaction
    expect: dict[str, dict[str, Any]]


def to_transaction(raw: dict[str, Any]) -> Transaction:
    """The transaction of a case (its ``transfer`` first, then ``also``)."""
    doc: dict[str, Any] = {
        "id": raw["id"],
        "as_of": str(raw.get("as_of", DEFAULT_AS_OF)),
        "parties": raw.get("parties", []),
        "data_transfers": [raw["transfer"], *raw.get("also", [])],
    }
    return parse_transaction(doc)


def load_cases() -> list[TransferCase]:
    """Every case of ``transfer_cases.yaml``."""
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    return [
        TransferCase(
            id=c["id"],
            description=c.get("description", ""),
            tx=to_transaction(c),
            expect=c["expect"],
        )
        for c in data["cases"]
    ]
