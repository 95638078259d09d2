"""Reader for Japan's METI End User List (外国ユーザーリスト), as a derived JSON rendering.

METI publishes the list as a PDF (with each revision's press release); the only
machine-readable copy is a third party's parse of it: a JSON array of
``{"id": "jp-eul-<n>", "entity_name", "aliases": [...], "addresses": [<country>],
"entity_type", "reason", "source_list_name", "source_url", "date_added", "last_verified"}``.
``reason`` states the concern type in METI's words and codes (大量破壊兵器等の懸念 — WMD
concern: B biological, C chemical, M missile, N nuclear; 通常兵器の懸念: CW conventional
weapons); it becomes the entity's programmes (one per concern) and remarks. The rendering
lacks the PDF's row numbers, addresses beyond the country, and listing dates; its publication
date is that of the METI press release its ``source_url`` names (``…/press/2025/09/20250929006/``
→ 2025-09-29).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from prosper.errors import ListDataError
from prosper.lists.common import DERIVED, Facts, Problem, ReadResult, country_code, unique
from prosper.lists.csl_json import load_json
from prosper.model import Alias, Entity, EntityType

SOURCE = "jp_meti_eul"
LIST_CODE = "JP-EUL"
DERIVED_LACKS = ("row number of the PDF", "addresses (country only)", "listing dates")
_PRESS_DATE = re.compile(r"/press/\d{4}/\d{2}/(\d{4})(\d{2})(\d{2})\d*/")
_TYPES = {"individual": EntityType.PERSON, "person": EntityType.PERSON}


def is_meti_json(doc: Any) -> bool:
    """True for the derived METI End User List shape."""
    return (
        isinstance(doc, list)
        and bool(doc)
        and isinstance(doc[0], dict)
        and str(doc[0].get("id", "")).startswith("jp-eul-")
    )


def read_meti(path: Path) -> tuple[ReadResult, Facts]:
    """Read the derived METI End User List JSON (``.gz`` accepted).

    Raises:
        ListDataError: not JSON, not the METI rendering, or most entries malformed.
    """
    doc = load_json(path)
    if not is_meti_json(doc):
        raise ListDataError(f"{path.name}: not a METI End User List rendering (jp-eul- ids)")
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    dates: list[str] = []
    bad = 0
    for number, item in enumerate(doc, 1):
        if not isinstance(item, dict):
            item = {}
        name = " ".join(str(item.get("entity_name") or "").split())
        raw_id = str(item.get("id") or "")
        others = [" ".join(str(a).split()) for a in item.get("aliases") or []]
        if not name and others and others[0]:
            # the rendering lost the name of some rows: their first other name stands in
            name, others = others[0], others[1:]
            problems.append(
                Problem(path.name, number, f"{raw_id}: no entity_name, first alias {name!r} used")
            )
        if not name or not raw_id.startswith("jp-eul-"):
            bad += 1
            problems.append(Problem(path.name, number, f"entry {number}: no name or id"))
            continue
        reason = " ".join(str(item.get("reason") or "").split()) or None
        aliases: dict[str, Alias] = {}
        for alias in others:
            text = " ".join(str(alias).split())
            if text and text.upper() != name.upper():
                aliases.setdefault(text.upper(), Alias(text))
        match = _PRESS_DATE.search(str(item.get("source_url") or ""))
        if match is not None:
            dates.append("-".join(match.groups()))
        entity = Entity(
            id=f"{SOURCE}:{raw_id.removeprefix('jp-eul-')}",
            source=SOURCE,
            list_code=LIST_CODE,
            type=_TYPES.get(str(item.get("entity_type") or "").lower(), EntityType.ORGANIZATION),
            name=name,
            aliases=tuple(aliases.values()),
            countries=unique(country_code(str(c)) for c in item.get("addresses") or []),
            programs=unique(p.strip() for p in (reason or "").split(";")),
            remarks=reason,
        )
        if entity.id in entities:
            problems.append(Problem(path.name, number, f"duplicate {entity.id}"))
            continue
        entities[entity.id] = entity
    if bad * 2 > len(doc):
        raise ListDataError(f"{path.name}: {bad} of {len(doc)} entries are malformed")
    published = max(dates) if dates else None
    facts = Facts(
        published,
        "date of the METI press release in source_url" if published else "unknown",
        DERIVED,
        DERIVED_LACKS,
    )
    return ReadResult(tuple(entities.values()), tuple(problems)), facts
