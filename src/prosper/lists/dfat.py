"""Reader for the Australian DFAT Consolidated List (``Consolidated List.xlsx``).

DFAT publishes one sheet, ``Consolidated List``, with the header ``Reference, Name of
Individual or Entity, Type, Name Type, Alias Strength, Date of Birth, Place of Birth,
Citizenship, Address, Additional Information, Listing Information, IMO Number, Committees,
Control Date, Instrument of Designation, Targeted Financial Sanction, Travel Ban, Arms
Embargo, Maritime Restriction``. One row per name: the ``Primary Name`` row (reference
``2``) and its ``Alias`` / ``Original Script`` rows (``2a``, ``2b``, …) form one listing
``au_dfat:<number>``; ``Alias Strength`` ``Weak`` marks a weak alias. The publication date is
the newest ``Control Date`` in the file (the sheet states no other date).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from prosper.errors import ListDataError
from prosper.lists.common import (
    OFFICIAL,
    Facts,
    Problem,
    ReadResult,
    country_code,
    open_binary,
    unique,
)
from prosper.model import Address, Alias, Entity, EntityType, Identifier

SOURCE = "au_dfat"
LIST_CODE = "AU"
HEADER = (
    "Reference",
    "Name of Individual or Entity",
    "Type",
    "Name Type",
    "Alias Strength",
    "Date of Birth",
    "Place of Birth",
    "Citizenship",
    "Address",
    "Additional Information",
    "Listing Information",
    "IMO Number",
    "Committees",
    "Control Date",
)
_TYPES = {"individual": EntityType.PERSON, "vessel": EntityType.VESSEL}
_REFERENCE = re.compile(r"^(\d+)([a-z]*)$", re.IGNORECASE)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text or None


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        return text[:10]
    if text and (m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)):
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return None


def _rows(path: Path) -> list[tuple[int, tuple[Any, ...]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(open_binary(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ListDataError(f"{path.name}: not an xlsx workbook ({exc})") from None
    try:
        sheet = book["Consolidated List"] if "Consolidated List" in book.sheetnames else None
        if sheet is None:
            raise ListDataError(f"{path.name}: no sheet 'Consolidated List'")
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise ListDataError(f"{path.name}: empty sheet")
    header = tuple(_text(h) or "" for h in rows[0][: len(HEADER)])
    if header != HEADER:
        raise ListDataError(
            f"{path.name}: not the DFAT Consolidated List (header {', '.join(header)[:120]})"
        )
    return [(i, row) for i, row in enumerate(rows[1:], 2) if any(v is not None for v in row)]


def read_dfat(path: Path) -> tuple[ReadResult, Facts]:
    """Read the DFAT Consolidated List workbook (``.gz`` accepted).

    Raises:
        ListDataError: not an xlsx, no ``Consolidated List`` sheet, wrong header, or most
            rows unreadable.
    """
    problems: list[Problem] = []
    groups: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
    rows = _rows(path)
    control_dates: list[str] = []
    bad = 0
    for line, row in rows:
        cells = (*row, *([None] * (len(HEADER) - len(row))))
        ref = _text(cells[0])
        match = _REFERENCE.match(ref or "")
        if match is None or _text(cells[1]) is None:
            bad += 1
            problems.append(Problem(path.name, line, f"reference {ref!r} or name missing"))
            continue
        groups.setdefault(match.group(1), []).append((line, cells))
        control = _iso(cells[13])
        if control is not None:
            control_dates.append(control)
    if bad > len(rows) // 2:
        raise ListDataError(f"{path.name}: {bad} of {len(rows)} rows are unreadable")
    entities: list[Entity] = []
    for number, members in groups.items():
        entity = _entity(number, members)
        if entity is None:
            problems.append(Problem(path.name, members[0][0], f"{number}: no Primary Name row"))
            continue
        entities.append(entity)
    published = max(control_dates) if control_dates else None
    facts = Facts(published, "newest Control Date" if published else "unknown", OFFICIAL)
    return ReadResult(tuple(entities), tuple(problems)), facts


def _entity(number: str, members: list[tuple[int, tuple[Any, ...]]]) -> Entity | None:
    primary = next((c for _, c in members if (_text(c[3]) or "").lower() == "primary name"), None)
    if primary is None:
        return None
    name = str(_text(primary[1]))
    aliases: dict[str, Alias] = {}
    for _, cells in members:
        if cells is primary:
            continue
        alias = _text(cells[1])
        if alias is None or alias.upper() == name.upper():
            continue
        kind = "original_script" if (_text(cells[3]) or "").lower() == "original script" else "aka"
        strong = (_text(cells[4]) or "").lower() != "weak"
        aliases.setdefault(alias.upper(), Alias(alias, strong, kind))
    citizenship = _text(primary[7])
    address = _text(primary[8])
    addresses = [Address(address, country_code(address.rsplit(",", 1)[-1]))] if address else []
    imo = _text(primary[11])
    births = [p.strip() for p in (_text(primary[5]) or "").split(",") if p.strip()]
    return Entity(
        id=f"{SOURCE}:{number}",
        source=SOURCE,
        list_code=LIST_CODE,
        type=_TYPES.get((_text(primary[2]) or "").lower(), EntityType.ORGANIZATION),
        name=name,
        aliases=tuple(aliases.values()),
        countries=unique([country_code(citizenship), *(a.country for a in addresses)]),
        dates_of_birth=unique(_iso(b) or b for b in births),
        places_of_birth=unique([_text(primary[6])]),
        identifiers=(Identifier("IMO Number", imo),) if imo else (),
        programs=unique([_text(primary[12])]),
        addresses=tuple(addresses),
        remarks=_text(primary[9]),
    )
