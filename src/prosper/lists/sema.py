"""Reader for Canada's Consolidated Canadian Autonomous Sanctions List (``sema-lmes.xml``).

Root ``<data-set>`` with one ``<record>`` per listing, holding ``Country`` (the sanctions
regulation, e.g. ``Russia / Russie``), ``LastName`` + ``GivenName`` (individuals) or
``EntityOrShip`` (entities and ships), ``TitleOrShip``, ``Aliases``,
``DateOfBirthOrShipBuildDate``, ``ShipIMONumber``, ``Schedule``, ``Item`` and
``DateOfListing``. Entities are ``ca_sema:<regulation>/<schedule>/<item>`` of list ``CA``;
the regulation is the programme (not the party's country). The file states no publication
date: the newest ``DateOfListing`` dates it.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from prosper.errors import ListDataError
from prosper.lists.common import (
    OFFICIAL,
    Facts,
    Problem,
    ReadResult,
    local_name,
    unique,
    xml_records,
)
from prosper.model import Alias, Entity, EntityType, Identifier

SOURCE = "ca_sema"
LIST_CODE = "CA"


def _fields(element: ET.Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for child in element:
        text = " ".join((child.text or "").split())
        if text:
            found[local_name(child.tag)] = text
    return found


_LEGAL_FORM = re.compile(
    r"^(?:ltd|llc|inc|co|corp|jsc|ojsc|pjsc|cjsc|plc|s\.?a|gmbh|limited|l\.?l\.?c)\.?$",
    re.IGNORECASE,
)
_LANGUAGE = re.compile(r"^([A-Z][a-z]+)\s*:\s*")


def split_aliases(text: str) -> list[Alias]:
    """The aliases of a SEMA ``Aliases`` cell: comma-separated, a legal form (``Ltd.``) kept
    with its name, a ``Russian:`` / ``Belarusian:`` prefix marking an original-script name.

    >>> [a.name for a in split_aliases("Raman BIZIUK, Belarusian: Раман БIЗЮК, Foo Co., Ltd.")]
    ['Raman BIZIUK', 'Раман БIЗЮК', 'Foo Co., Ltd.']
    """
    pieces: list[str] = []
    for piece in re.split(r"[,;]", text):
        part = " ".join(piece.split())
        if not part:
            continue
        if pieces and _LEGAL_FORM.match(part):
            pieces[-1] = f"{pieces[-1]}, {part}"
        else:
            pieces.append(part)
    found: list[Alias] = []
    for piece in pieces:
        match = _LANGUAGE.match(piece)
        if match is not None:
            found.append(Alias(piece[match.end() :].strip(), True, "original_script"))
        else:
            found.append(Alias(piece))
    return [a for a in found if a.name]


def _record_id(fields: dict[str, str], name: str) -> str:
    regime = fields.get("Country", "").split(" / ")[0].strip()
    schedule = fields.get("Schedule", "")
    item = fields.get("Item", "")
    if item:
        key = f"{regime}/{schedule}/{item}"
        return re.sub(r"\s+", "_", key)
    return hashlib.sha1(f"{regime}\n{name.upper()}".encode()).hexdigest()[:12]


def read_sema(path: Path) -> tuple[ReadResult, Facts]:
    """Read the SEMA consolidated list XML (``.gz`` accepted).

    Raises:
        ListDataError: not XML, root not ``<data-set>``, or no record readable.
    """
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    listed: list[str] = []
    for line, element, _ in xml_records(path, "data-set", "record", "a SEMA consolidated list"):
        fields = _fields(element)
        person = " ".join(unique([fields.get("GivenName"), fields.get("LastName")]))
        other = fields.get("EntityOrShip")
        name = person or other
        if not name:
            problems.append(Problem(path.name, line, "record without a name"))
            continue
        imo = fields.get("ShipIMONumber")
        etype = (
            EntityType.PERSON if person else EntityType.VESSEL if imo else EntityType.ORGANIZATION
        )
        aliases: dict[str, Alias] = {}
        for alias in split_aliases(fields.get("Aliases", "")):
            if alias.name.upper() != name.upper():
                aliases.setdefault(alias.name.upper(), alias)
        when = fields.get("DateOfListing")
        if when and re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
            listed.append(when)
        entity = Entity(
            id=f"{SOURCE}:{_record_id(fields, name)}",
            source=SOURCE,
            list_code=LIST_CODE,
            type=etype,
            name=name,
            aliases=tuple(aliases.values()),
            dates_of_birth=(fields["DateOfBirthOrShipBuildDate"],)
            if etype is EntityType.PERSON and "DateOfBirthOrShipBuildDate" in fields
            else (),
            identifiers=(Identifier("IMO Number", imo),) if imo else (),
            programs=unique([fields.get("Country")]),
            title=fields.get("TitleOrShip") if etype is EntityType.PERSON else None,
            listed_on=when,
        )
        if entity.id in entities:
            problems.append(Problem(path.name, line, f"duplicate {entity.id}"))
            continue
        entities[entity.id] = entity
    if not entities:
        raise ListDataError(f"{path.name}: no record could be read")
    published = max(listed) if listed else None
    facts = Facts(published, "newest DateOfListing" if published else "unknown", OFFICIAL)
    return ReadResult(tuple(entities.values()), tuple(problems)), facts
