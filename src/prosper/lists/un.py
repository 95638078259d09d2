"""Reader for the UN Security Council Consolidated List XML (``consolidated.xml``).

Schema: https://www.un.org/sc/resources/sc-sanctions.xsd — ``CONSOLIDATED_LIST`` with
``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY``. Entities get the id
``un_sc:<REFERENCE_NUMBER>`` (e.g. ``un_sc:KPi.033``), stable across releases. Alias
``QUALITY`` ``Low`` becomes a weak alias; ``NAME_ORIGINAL_SCRIPT`` becomes an alias of kind
``original_script``. Parsed with the standard library's pull parser (no external XML
dependency), fed line by line so that problems can name their line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import cast

from prosper.errors import ListDataError
from prosper.lists.common import (
    Problem,
    ReadResult,
    country_code,
    head_bytes,
    open_binary,
    unique,
)
from prosper.model import Address, Alias, Entity, EntityType, Identifier

SOURCE = "un_sc"
_RECORDS = {"INDIVIDUAL": EntityType.PERSON, "ENTITY": EntityType.ORGANIZATION}
_DATE_GENERATED = re.compile(rb'dateGenerated="(\d{4}-\d{2}-\d{2})')


def published_date(path: Path) -> str | None:
    """The ``dateGenerated`` date of a UN list file (``YYYY-MM-DD``), if present."""
    match = _DATE_GENERATED.search(head_bytes(path, 4096))
    return None if match is None else match.group(1).decode()


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = " ".join(element.text.split())
    return text or None


def _child(element: ET.Element, tag: str) -> str | None:
    return _text(element.find(tag))


def _dates(record: ET.Element, tag: str) -> list[str]:
    dates: list[str] = []
    for dob in record.iter(tag):
        exact = _child(dob, "DATE")
        year = _child(dob, "YEAR")
        start, end = _child(dob, "FROM_YEAR"), _child(dob, "TO_YEAR")
        if exact is not None:
            dates.append(exact[:10])
        elif year is not None:
            dates.append(year)
        elif start is not None and end is not None and start.isdigit() and end.isdigit():
            if 0 <= int(end) - int(start) <= 15:
                dates.extend(str(y) for y in range(int(start), int(end) + 1))
        elif start is not None:
            dates.append(start)
    return dates


def _places(record: ET.Element) -> tuple[list[str], list[str]]:
    places: list[str] = []
    countries: list[str] = []
    for pob in record.iter("INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = unique(_child(pob, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY"))
        if parts:
            places.append(", ".join(parts))
        code = country_code(_child(pob, "COUNTRY"))
        if code is not None:
            countries.append(code)
    return places, countries


def _addresses(record: ET.Element, tag: str) -> list[Address]:
    found: list[Address] = []
    for addr in record.iter(tag):
        country = _child(addr, "COUNTRY")
        parts = unique(
            _child(addr, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        )
        if parts:
            found.append(Address(", ".join(parts), country_code(country)))
    return found


def _documents(record: ET.Element) -> list[Identifier]:
    found: list[Identifier] = []
    for doc in record.iter("INDIVIDUAL_DOCUMENT"):
        number = _child(doc, "NUMBER")
        if number is None:
            continue
        kind = _child(doc, "TYPE_OF_DOCUMENT") or "Document"
        extra = _child(doc, "TYPE_OF_DOCUMENT2")
        if extra is not None:
            kind = f"{kind} ({extra})"
        issuer = _child(doc, "ISSUING_COUNTRY") or _child(doc, "COUNTRY_OF_ISSUE")
        found.append(Identifier(kind, number, country_code(issuer)))
    return found


def _aliases(record: ET.Element, tag: str) -> list[Alias]:
    found: list[Alias] = []
    for alias in record.iter(tag):
        name = _child(alias, "ALIAS_NAME")
        if name is None:
            continue
        quality = (_child(alias, "QUALITY") or "").lower()
        kind = {"f.k.a.": "fka", "n.k.a.": "nka"}.get(quality, "aka")
        found.append(Alias(name, strong=quality != "low", kind=kind))
    return found


def _entity(record: ET.Element, etype: EntityType) -> tuple[Entity | None, str | None]:
    ref = _child(record, "REFERENCE_NUMBER") or _child(record, "DATAID")
    if ref is None:
        return None, "no REFERENCE_NUMBER or DATAID"
    name = " ".join(
        unique(
            _child(record, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        )
    )
    if not name:
        return None, f"{ref}: no name"
    tag = "INDIVIDUAL" if etype is EntityType.PERSON else "ENTITY"
    aliases = _aliases(record, f"{tag}_ALIAS")
    original = _child(record, "NAME_ORIGINAL_SCRIPT")
    if original is not None:
        aliases.append(Alias(original, strong=True, kind="original_script"))
    merged: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name.upper() != name.upper():
            merged.setdefault(alias.name.upper(), alias)
    places, birth_countries = _places(record)
    addresses = _addresses(record, f"{tag}_ADDRESS")
    nationalities = [country_code(_text(v)) for v in record.iterfind("NATIONALITY/VALUE")]
    titles = unique(_text(v) for v in record.iterfind("TITLE/VALUE"))
    designations = unique(_text(v) for v in record.iterfind("DESIGNATION/VALUE"))
    identifiers = [Identifier("UN Reference Number", ref), *_documents(record)]
    remarks = unique([_child(record, "COMMENTS1"), *designations])
    gender = _child(record, "GENDER")
    return (
        Entity(
            id=f"{SOURCE}:{ref}",
            source=SOURCE,
            list_code="UN",
            type=etype,
            name=name,
            aliases=tuple(merged.values()),
            countries=unique([*nationalities, *(a.country for a in addresses), *birth_countries]),
            dates_of_birth=unique(_dates(record, "INDIVIDUAL_DATE_OF_BIRTH")),
            places_of_birth=unique(places),
            identifiers=tuple(dict.fromkeys(identifiers)),
            programs=unique([_child(record, "UN_LIST_TYPE")]),
            addresses=tuple(dict.fromkeys(addresses)),
            gender=None if gender is None else gender.lower(),
            title="; ".join(titles) or None,
            remarks="; ".join(remarks) or None,
            listed_on=_child(record, "LISTED_ON"),
        ),
        None,
    )


def read_un(path: Path) -> ReadResult:
    """Read a UN SC consolidated list XML file.

    Raises:
        ListDataError: the file is missing, empty, not XML, or not a UN consolidated list.
    """
    problems: list[Problem] = []
    entities: list[Entity] = []
    seen: set[str] = set()
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    starts: dict[int, int] = {}
    root_checked = False
    line_no = 0
    handle = open_binary(path)  # gunzipped if need be
    with handle:
        if not handle.read(4096).strip():
            raise ListDataError(f"{path.name}: empty file")
        handle.seek(0)
        try:
            for line_no, line in enumerate(handle, 1):
                parser.feed(line)
                for pair in parser.read_events():
                    event, element = cast(tuple[str, ET.Element], pair)
                    if not root_checked:
                        if element.tag != "CONSOLIDATED_LIST":
                            raise ListDataError(
                                f"{path.name}: not a UN consolidated list (root <{element.tag}>)"
                            )
                        root_checked = True
                    etype = _RECORDS.get(element.tag)
                    if etype is None:
                        continue
                    if event == "start":
                        starts[id(element)] = line_no
                        continue
                    at = starts.pop(id(element), line_no)
                    entity, reason = _entity(element, etype)
                    element.clear()
                    if entity is None:
                        problems.append(Problem(path.name, at, str(reason)))
                    elif entity.id in seen:
                        problems.append(Problem(path.name, at, f"duplicate {entity.id}"))
                    else:
                        seen.add(entity.id)
                        entities.append(entity)
            parser.close()
        except ET.ParseError as exc:
            raise ListDataError(f"{path.name}: line {line_no}: not valid XML ({exc})") from None
    if not root_checked:
        raise ListDataError(f"{path.name}: empty file")
    return ReadResult(tuple(entities), tuple(problems))
