"""Readers for the EU Consolidated Financial Sanctions List (FSF), in two shapes.

* **Official XML** (``xmlFullSanctionsList_1_1``, from
  ``https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=…``):
  root ``<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="…">`` with one
  ``<sanctionEntity logicalId euReferenceNumber unitedNationId designationDate>`` per listing,
  holding ``<regulation programme publicationDate numberTitle entryIntoForceDate>``,
  ``<subjectType code="person|enterprise">``, ``<nameAlias wholeName strong gender
  function>`` (the first is the listed name), ``<citizenship countryIso2Code>``,
  ``<birthdate birthdate year countryIso2Code city>``, ``<identification
  identificationTypeCode number countryIso2Code>``, ``<address countryIso2Code street city>``
  and ``<remark>``. Publication date: ``generationDate``.
* **Derived JSON** (a third party's rendering, e.g. ``eu_sanctions.json`` of 2025-04-15):
  ``{"meta": {"source": "eu", "count", "timestamp"}, "data": [{"id": "EU-<logicalId>",
  "name", "type": "INDIVIDUAL|ENTITY", "details": {"aliases", "birthDate", …}}]}`` — it lacks
  programmes, regulations, addresses, nationalities and identifications (empty in every
  record). Publication date: ``meta.timestamp``, the rendering's date.

Both give ``eu_fsf:<logicalId>`` entities of list ``EU``, so the two shapes diff cleanly.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from prosper.errors import ListDataError
from prosper.lists.common import (
    DERIVED,
    OFFICIAL,
    Facts,
    Problem,
    ReadResult,
    country_code,
    local_name,
    unique,
    xml_records,
)
from prosper.lists.csl_json import load_json
from prosper.model import Address, Alias, Entity, EntityType, Identifier

SOURCE = "eu_fsf"
LIST_CODE = "EU"
DERIVED_LACKS = (
    "regulation / programme",
    "EU reference number",
    "addresses",
    "citizenships",
    "identifications",
    "designation date",
    "alias strength",
    "remarks",
)
_TYPES = {"person": EntityType.PERSON, "individual": EntityType.PERSON}


def is_eu_json(doc: Any) -> bool:
    """True for the derived EU JSON shape."""
    meta = doc.get("meta") if isinstance(doc, dict) else None
    return (
        isinstance(meta, dict)
        and str(meta.get("source", "")).lower() == "eu"
        and isinstance(doc.get("data"), list)
    )


def _country(node: ET.Element) -> str | None:
    code = (node.get("countryIso2Code") or "").strip().upper()
    if len(code) == 2 and code != "00":
        return code
    return country_code(node.get("countryDescription"))


def _children(element: ET.Element, tag: str) -> list[ET.Element]:
    return [c for c in element if local_name(c.tag) == tag]


def _eu_entity(element: ET.Element) -> Entity:
    logical = (element.get("logicalId") or "").strip()
    if not logical:
        raise ValueError("sanctionEntity without logicalId")
    names = [
        (" ".join((n.get("wholeName") or "").split()), n) for n in _children(element, "nameAlias")
    ]
    names = [(text, n) for text, n in names if text]
    if not names:
        raise ValueError(f"{logical}: no nameAlias with a wholeName")
    subject = _children(element, "subjectType")
    code = (subject[0].get("code") or "").lower() if subject else ""
    etype = _TYPES.get(code, EntityType.ORGANIZATION)
    name, first = names[0]
    aliases: dict[str, Alias] = {}
    for text, node in names[1:]:
        if text.upper() != name.upper():
            strong = (node.get("strong") or "true").lower() != "false"
            aliases.setdefault(text.upper(), Alias(text, strong))
    addresses = []
    for node in _children(element, "address"):
        parts = unique(
            " ".join((node.get(k) or "").split())
            for k in ("street", "poBox", "city", "zipCode", "region", "countryDescription")
        )
        if parts:
            addresses.append(Address(", ".join(p for p in parts if p != "UNKNOWN"), _country(node)))
    births = _children(element, "birthdate")
    dates = [b.get("birthdate") or b.get("year") for b in births]
    places = [", ".join(unique([b.get("city"), b.get("place")])) for b in births]
    citizenships = [_country(c) for c in _children(element, "citizenship")]
    identifiers: list[Identifier] = []
    ref = (element.get("euReferenceNumber") or "").strip()
    if ref:
        identifiers.append(Identifier("EU Reference Number", ref))
    un_id = (element.get("unitedNationId") or "").strip()
    if un_id:
        identifiers.append(Identifier("UN Reference Number", un_id))
    for node in _children(element, "identification"):
        number = (node.get("number") or node.get("latinNumber") or "").strip()
        if number:
            kind = node.get("identificationTypeDescription") or node.get("identificationTypeCode")
            identifiers.append(Identifier(kind or "ID", number, _country(node)))
    regulations = _children(element, "regulation")
    remarks = unique(" ".join((r.text or "").split()) for r in _children(element, "remark"))
    gender = (first.get("gender") or "").strip().lower()
    return Entity(
        id=f"{SOURCE}:{logical}",
        source=SOURCE,
        list_code=LIST_CODE,
        type=etype,
        name=name,
        aliases=tuple(aliases.values()),
        countries=unique(
            [*citizenships, *(a.country for a in addresses), *(_country(b) for b in births)]
        ),
        dates_of_birth=unique(dates),
        places_of_birth=unique(p for p in places if p),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=unique(r.get("programme") for r in regulations),
        addresses=tuple(dict.fromkeys(addresses)),
        gender={"m": "male", "f": "female"}.get(gender, gender or None),
        title=" ".join((first.get("function") or "").split()) or None,
        remarks="; ".join(remarks) or None,
        listed_on=element.get("designationDate")
        or min((r.get("publicationDate") or "9999" for r in regulations), default=None),
    )


def read_eu_xml(path: Path) -> tuple[ReadResult, Facts]:
    """Read the official FSF XML (``.gz`` accepted).

    Raises:
        ListDataError: not XML, not an FSF export, or no entity in it.
    """
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    generated: str | None = None
    for line, element, root in xml_records(
        path, "export", "sanctionEntity", "an EU FSF XML export"
    ):
        generated = root.get("generationDate")
        try:
            entity = _eu_entity(element)
        except ValueError as exc:
            problems.append(Problem(path.name, line, str(exc)))
            continue
        if entity.id in entities:
            problems.append(Problem(path.name, line, f"duplicate {entity.id}"))
            continue
        entities[entity.id] = entity
    if not entities:
        raise ListDataError(f"{path.name}: no sanctionEntity could be read")
    published = generated[:10] if generated and len(generated) >= 10 else None
    facts = Facts(published, "generationDate" if published else "unknown", OFFICIAL)
    return ReadResult(tuple(entities.values()), tuple(problems)), facts


def read_eu_json(path: Path) -> tuple[ReadResult, Facts]:
    """Read the derived EU JSON rendering (``.gz`` accepted).

    Raises:
        ListDataError: not JSON, not the EU rendering, or most records malformed.
    """
    doc = load_json(path)
    if not is_eu_json(doc):
        raise ListDataError(f"{path.name}: not an EU sanctions rendering (no meta/data)")
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    bad = 0
    for number, item in enumerate(doc["data"], 1):
        try:
            entity = _json_entity(item)
        except (ValueError, TypeError, AttributeError) as exc:
            bad += 1
            problems.append(Problem(path.name, number, f"record {number}: {exc}"))
            continue
        if entity.id in entities:
            problems.append(Problem(path.name, number, f"duplicate {entity.id}"))
            continue
        entities[entity.id] = entity
    if bad * 2 > len(doc["data"]) or not entities:
        raise ListDataError(f"{path.name}: {bad} of {len(doc['data'])} records are malformed")
    stamp = str(doc["meta"].get("timestamp") or "")
    published = stamp[:10] if len(stamp) >= 10 else None
    facts = Facts(
        published,
        "meta.timestamp (date of the rendering)" if published else "unknown",
        DERIVED,
        DERIVED_LACKS,
    )
    return ReadResult(tuple(entities.values()), tuple(problems)), facts


def _json_entity(item: Any) -> Entity:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    raw_id = str(item.get("id") or "").strip()
    logical = raw_id[3:] if raw_id.upper().startswith("EU-") else raw_id
    name = " ".join(str(item.get("name") or "").split())
    if not logical or not name:
        raise ValueError("no id or no name")
    details = item.get("details") or {}
    aliases: dict[str, Alias] = {}
    for alias in details.get("aliases") or []:
        text = " ".join(str(alias).split())
        if text and text.upper() != name.upper():
            aliases.setdefault(text.upper(), Alias(text))
    kind = str(item.get("type") or "").lower()
    birth = str(details.get("birthDate") or "").strip()
    return Entity(
        id=f"{SOURCE}:{logical}",
        source=SOURCE,
        list_code=LIST_CODE,
        type=_TYPES.get(kind, EntityType.ORGANIZATION),
        name=name,
        aliases=tuple(aliases.values()),
        dates_of_birth=(birth,) if birth else (),
        programs=unique(str(p) for p in item.get("programs") or []),
    )
