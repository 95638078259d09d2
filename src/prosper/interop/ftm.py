"""List entities as FollowTheMoney (FtM) entities, built with the ``followthemoney`` model.

Each list entity becomes one party entity — ``Person``, ``Organization``, ``Vessel`` or
``Airplane`` — and one ``Sanction`` pointing at it (``entity``), plus one ``Identification``
(or ``Passport``) per document number, keeping the list's own wording of its type. Names go to
``name``, strong aliases to ``alias``, former names to ``previousName``, weak aliases to
``weakAlias``; countries (own and of addresses) to ``country``; the list's programmes, list
code, listing date, licence requirement and policy to the ``Sanction``. Each line also carries
the keys OpenSanctions' exports carry beside ``id``/``schema``/``properties``: ``caption``,
``datasets`` (the source), ``target`` and ``last_seen`` (the source's publication date).

The FtM list reader (:mod:`prosper.lists.ftm`) reads these lines back; a round trip keeps every
name, its strength, countries, dates and places of birth, identifiers, gender and programmes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from prosper.lists.snapshot import SourceInfo
from prosper.model import Entity, EntityType
from prosper.screening.query import canonical_id_type

SCHEMA_OF: dict[EntityType, str] = {
    EntityType.PERSON: "Person",
    EntityType.ORGANIZATION: "Organization",
    EntityType.VESSEL: "Vessel",
    EntityType.AIRCRAFT: "Airplane",
}
# FtM topics (OpenSanctions' vocabulary) of a listing, by whether it is a sanction
SANCTION_TOPIC = "sanction"
# canonical identifier type → the FtM property that also carries the number (when the schema
# has it), so that FtM matchers compare it
ID_PROPERTY: dict[str, str] = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "tax_id": "taxNumber",
    "registration": "registrationNumber",
    "lei": "leiCode",
    "imo": "imoNumber",
    "swift": "swiftBic",
    "call_sign": "callSign",
}


def ftm_id(entity_id: str) -> str:
    """An FtM entity id (letters, digits, ``.`` and ``-`` only) for a Prosper entity id; a
    native id that had to be changed gets a short hash of itself, so ids stay unique.

    >>> ftm_id("un_sc:KPi.033")
    'un-sc.KPi.033'
    >>> ftm_id("us_csl:EL Huawei")
    'us-csl.EL-Huawei-87d5691d'
    """
    source, _, native = entity_id.partition(":")
    safe = re.sub(r"[^0-9A-Za-z.\-]+", "-", native).strip(".-")
    if safe != native or not safe:
        safe = f"{safe}-{hashlib.sha256(native.encode()).hexdigest()[:8]}".lstrip("-")
    return f"{source.replace('_', '-')}.{safe}"


def _add(proxy: EntityProxy, prop: str, values: Iterable[str | None]) -> None:
    if prop not in proxy.schema.properties:
        return
    for value in values:
        if value:
            proxy.add(prop, value, cleaned=False, quiet=True)


def party_proxy(entity: Entity) -> EntityProxy:
    """The FtM party entity of a list entity (without its sanction and documents); its
    identifiers also fill the FtM identifier property of their type (``passportNumber`` …)."""
    proxy = model.make_entity(SCHEMA_OF[entity.type])
    proxy.id = ftm_id(entity.id)
    proxy.add("name", entity.name, cleaned=False)
    for alias in entity.aliases:
        kind = "previousName" if alias.kind == "fka" else "alias"
        _add(proxy, kind if alias.strong else "weakAlias", [alias.name])
    countries = [*entity.countries, *(a.country for a in entity.addresses)]
    _add(proxy, "country", [c.lower() for c in countries if c])
    _add(proxy, "address", [a.text for a in entity.addresses])
    if entity.type is EntityType.PERSON:
        _add(proxy, "birthDate", entity.dates_of_birth)
        _add(proxy, "birthPlace", entity.places_of_birth)
        _add(proxy, "gender", [None if entity.gender is None else entity.gender.lower()])
        _add(proxy, "title", [entity.title])
    _add(proxy, "notes", [entity.remarks])
    _add(proxy, "program", entity.programs)
    _add(proxy, "topics", [SANCTION_TOPIC])
    for ident in entity.identifiers:
        id_prop = ID_PROPERTY.get(canonical_id_type(ident.type))
        if id_prop is not None:
            _add(proxy, id_prop, [ident.value])
    return proxy


def sanction_proxy(entity: Entity, info: SourceInfo | None) -> EntityProxy:
    """The FtM ``Sanction`` of a list entity: who listed it, under which programmes, when."""
    sanction = model.make_entity("Sanction")
    sanction.id = f"{ftm_id(entity.id)}-sanction"
    sanction.add("entity", ftm_id(entity.id), cleaned=False)
    _add(sanction, "authority", [entity.source if info is None else info.label])
    _add(sanction, "programId", [entity.list_code])
    _add(sanction, "program", entity.programs)
    _add(sanction, "listingDate", [entity.listed_on])
    policy = entity.policy
    if policy is not None:
        _add(sanction, "provisions", [policy.license_requirement])
        _add(sanction, "summary", [policy.license_policy])
        _add(sanction, "description", [policy.federal_register_notice])
        _add(sanction, "startDate", [policy.start_date])
        _add(sanction, "endDate", [policy.end_date])
    return sanction


def document_proxies(entity: Entity) -> Iterator[EntityProxy]:
    """One FtM ``Identification`` (``Passport`` for passports) per identifier of the entity,
    its ``type`` the list's own wording."""
    for number, ident in enumerate(entity.identifiers, 1):
        schema = "Passport" if ident.type.lower().startswith("passport") else "Identification"
        doc = model.make_entity(schema)
        doc.id = f"{ftm_id(entity.id)}-id{number}"
        doc.add("holder", ftm_id(entity.id), cleaned=False)
        doc.add("number", ident.value, cleaned=False)
        doc.add("type", ident.type, cleaned=False)
        _add(doc, "country", [None if ident.country is None else ident.country.lower()])
        yield doc


def entity_lines(entity: Entity, info: SourceInfo | None) -> Iterator[dict[str, Any]]:
    """The FtM JSON objects of one list entity: party, sanction, documents."""
    extra: dict[str, Any] = {"datasets": [entity.source]}
    if info is not None and len(info.published) == 10:
        extra["last_seen"] = info.published
    party = party_proxy(entity)
    yield {**party.to_dict(), "caption": entity.name, "target": True, **extra}
    sanction = sanction_proxy(entity, info)
    yield {**sanction.to_dict(), "caption": sanction.caption, "target": False, **extra}
    for doc in document_proxies(entity):
        yield {**doc.to_dict(), "caption": doc.caption, "target": False, **extra}


def export_lines(entities: Iterable[Entity], sources: Iterable[SourceInfo]) -> Iterator[str]:
    """JSON lines of FtM entities for every list entity (one line per FtM entity)."""
    infos = {info.source: info for info in sources}
    for entity in entities:
        for line in entity_lines(entity, infos.get(entity.source)):
            yield json.dumps(line, ensure_ascii=False, sort_keys=True)
