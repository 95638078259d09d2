"""The report of ``prosper classify`` and ``POST /v1/classify`` for one item.

An item on its own has no destination, so the report states the classification, the
subject-to-EAR position from the item's own facts (destination-dependent hooks are
undecided) and the Korean listing status; :mod:`prosper.controls.licence` decides licences in a
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from prosper.controls.classify import classify_item
from prosper.controls.facts import kr_listed
from prosper.controls.licence import kr_label, rounded
from prosper.controls.subject import SubjectRequest, subject_to_ear
from prosper.controls.tables import ExportTables
from prosper.errors import InputError
from prosper.model import Item
from prosper.rulebook import Rulebook, load_rulebook
from prosper.schema import parse_transaction


def classify_report(item: Item, on: date, book: Rulebook) -> dict[str, Any]:
    """The ``prosper classify`` document for one item on ``on`` (no destination known).

    Subject-to-EAR is stated from the item's own facts; destination-dependent hooks (the
    foreign-direct-product rules) are reported as undecided.
    """
    t = ExportTables.from_rulebook(book)
    cls = classify_item(item, on, t.thresholds)
    subj = subject_to_ear(
        SubjectRequest(
            item=item,
            cls=cls,
            index=0,
            origin_country=None,
            dest_groups=frozenset(),
            in_ac_scope=None,
            reading="enforced",
            fdp_entity=False,
        ),
        t.thresholds,
    )
    listed = kr_listed(cls, item, on, t.kr_ai_listed_from)
    return {
        "as_of": on.isoformat(),
        "description": item.description,
        "kind": item.kind.value,
        "tpp": rounded(cls.tpp, 2),
        "performance_density": rounded(cls.performance_density, 2),
        "classification": cls.classification,
        "ac_level": cls.ac_level,
        "declared_eccn": cls.declared_eccn,
        "disagreement": cls.disagreement,
        "datacenter": cls.datacenter,
        "nac_aca_eligible": cls.nac_aca_eligible if cls.ac_level in ("a", "b") else None,
        "subject_to_ear": {
            "value": subj.value,
            "basis": subj.basis,
            "missing": [m.replace("items[0].", "") for m in subj.missing],
        },
        "kr_fta": kr_label(listed, cls),
        "notes": list(cls.notes),
        "missing": list(cls.missing),
        "citations": list(cls.citations),
        "rulebook": {"id": book.id, "version": book.version, "digest": book.digest},
    }


def parse_item(raw: Any, as_of: date | None = None) -> tuple[Item, date]:
    """Validate one item mapping with the transaction schema (errors name the item's field).

    Raises:
        InputError: e.g. ``tpp: Input should be greater than or equal to 0``.
    """
    if not isinstance(raw, Mapping):
        raise InputError("an item must be a mapping (YAML / JSON object)", field="item")
    doc: dict[str, Any] = {"items": [dict(raw)]}
    if as_of is not None:
        doc["as_of"] = as_of.isoformat()
    try:
        tx = parse_transaction(doc)
    except InputError as exc:
        field = (exc.field or "item").removeprefix("items[0].").removeprefix("items[0]")
        raise InputError(exc.message, field=field or "item") from None
    return tx.items[0], tx.as_of


def classify_document(
    raw: Any, as_of: date | None = None, book: Rulebook | None = None
) -> dict[str, Any]:
    """``prosper classify`` / ``POST /v1/classify``: validate an item mapping and classify it."""
    item, on = parse_item(raw, as_of)
    return classify_report(item, on, book if book is not None else load_rulebook())
