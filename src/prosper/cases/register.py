"""Importing a register file into the store: all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prosper.cases.importer import RowError, read_register
from prosper.cases.register_index import party_keys
from prosper.cases.store import CaseStore, ImportCounts

MAX_REPORTED = 200
"""Row errors listed in a report (the count is always complete)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The outcome of an import: written (no errors) or refused (row errors, nothing written)."""

    file: str
    rows: int
    errors: tuple[RowError, ...]
    counts: ImportCounts | None

    @property
    def ok(self) -> bool:
        """True when every row was good and the rows were written."""
        return not self.errors and self.counts is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "file": self.file,
            "rows": self.rows,
            "imported": self.ok,
            "inserted": 0 if self.counts is None else self.counts.inserted,
            "updated": 0 if self.counts is None else self.counts.updated,
            "unchanged": 0 if self.counts is None else self.counts.unchanged,
            "changed_ids": []
            if self.counts is None
            else list(self.counts.changed_ids[:MAX_REPORTED]),
            "error_count": len(self.errors),
            "errors": [
                {"row": e.row, "field": e.field, "message": e.message}
                for e in self.errors[:MAX_REPORTED]
            ],
        }


def import_register(
    store: CaseStore, path: Path, encoding: str | None = None, *, dry_run: bool = False
) -> ImportReport:
    """Read ``path``; if every row is good (and not ``dry_run``) upsert them in one transaction."""
    read = read_register(path, encoding)
    if read.errors or dry_run:
        return ImportReport(path.name, read.rows, read.errors, None)
    counts = store.upsert_parties([(p, party_keys(p)) for p in read.parties])
    return ImportReport(path.name, read.rows, (), counts)
