"""FollowTheMoney (FtM) datasets as a list source: OpenSanctions exports, Prosper's own export,
a company's list kept in FtM.

A file of FtM entities — JSON lines (``.ftm.json``, ``.ftm.jsonl``, ``.jsonl``) or one JSON
array — is read with the ``followthemoney`` library's model (``model.get_proxy``: unknown
schemata and properties are refused per entity, values are cleaned by their property type).
Screened parties are the entities of the schemata ``Person``, ``LegalEntity`` and its
descendants (``Organization``, ``Company``, ``PublicBody``), ``Vessel`` and ``Airplane``;
``Sanction``, ``Identification``/``Passport`` and ``Address`` entities are folded into the
party they point at (``entity``, ``holder``, ``addressEntity``). Entities marked
``"target": false`` (OpenSanctions' relatives, owners and other non-listed context) and other
schemata (``Ownership``, ``Family`` …) are counted and left out.

The whole file is one source ``ftm_<name>`` (the file name without ``.ftm.json`` / ``.jsonl``):
its own source with its own policy row (the screening policy's default, ``review``), never one
of the official lists it may have been made from. Its status is ``derived`` (a rendering);
its publication date is the newest ``last_seen`` (else ``last_change``) the entities state,
or ``unknown``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy

from prosper.errors import InputError, ListDataError
from prosper.lists.common import DERIVED, Facts, Problem, ReadResult, plain_name, read_bytes
from prosper.model import Address, Alias, Entity, EntityType, Identifier, ListPolicy

FTM_PREFIX = "ftm_"
# file name endings of an FtM entity file (after a trailing .gz)
FTM_SUFFIXES = (".ftm.json", ".ftm.jsonl", ".jsonl")

# FtM identifier properties and the identifier type Prosper records for each (the wording
# :func:`prosper.screening.query.canonical_id_type` reads, e.g. "Passport" → passport)
ID_PROPERTIES: dict[str, str] = {
    "passportNumber": "Passport",
    "idNumber": "Identification Number",
    "taxNumber": "Tax ID No.",
    "vatCode": "VAT Number",
    "innCode": "Tax ID No. (INN)",
    "ogrnCode": "Registration Number (OGRN)",
    "registrationNumber": "Registration Number",
    "leiCode": "Legal Entity Number",
    "swiftBic": "SWIFT/BIC",
    "imoNumber": "IMO Number",
    "callSign": "Call Sign",
    "mmsi": "MMSI",
    "socialSecurityNumber": "Social Security Number",
    "uniqueEntityId": "Unique Entity ID",
    "dunsCode": "DUNS Number",
}
# properties that say which countries a party belongs to
COUNTRY_PROPERTIES = (
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "mainCountry",
    "flag",
)


def source_of_file(name: str) -> str | None:
    """The source id of an FtM file name, or None when the name is not one.

    >>> source_of_file("entities.ftm.json")
    'ftm_entities'
    >>> source_of_file("My List.jsonl.gz")
    'ftm_my_list'
    >>> source_of_file("sdn.csv") is None
    True
    """
    lower = plain_name(name).lower()
    for suffix in FTM_SUFFIXES:
        if lower.endswith(suffix):
            stem = re.sub(r"[^a-z0-9]+", "_", lower[: -len(suffix)]).strip("_")
            return FTM_PREFIX + (stem or "dataset")
    return None


def entity_type_of(proxy: EntityProxy) -> EntityType | None:
    """What a screened party of this FtM schema is; None for schemata that are not parties."""
    schema = proxy.schema
    if schema.is_a("Person"):
        return EntityType.PERSON
    if schema.is_a("Vessel"):
        return EntityType.VESSEL
    if schema.is_a("Airplane"):
        return EntityType.AIRCRAFT
    if schema.is_a("LegalEntity"):
        return EntityType.ORGANIZATION
    return None


def _day(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


@dataclass
class _Collected:
    """The entities of one file, by role, before they are joined."""

    parties: list[tuple[int, EntityProxy]] = field(default_factory=list)
    sanctions: dict[str, list[EntityProxy]] = field(default_factory=dict)
    documents: dict[str, list[EntityProxy]] = field(default_factory=dict)
    addresses: dict[str, EntityProxy] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped_schemata: dict[str, int] = field(default_factory=dict)
    not_targets: int = 0
    datasets: set[str] = field(default_factory=set)
    last_seen: str | None = None
    last_change: str | None = None


def _records(data: bytes, name: str) -> Iterator[tuple[int, Any]]:
    """``(line or position, parsed JSON)`` of every entity in the file; a bad line is
    yielded as an exception so the reader reports it and goes on."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise ListDataError(f"{name}: empty file")
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise ListDataError(f"{name}: not a JSON array of FtM entities ({exc})") from None
        yield from enumerate(items, 1)
        return
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as exc:
            if number == len(lines) and not text.endswith("\n"):
                # a download cut inside the last entity: refuse the file, do not drop a row
                raise ListDataError(f"{name}: cut short inside its last entity") from None
            yield number, exc


def _newer(known: str | None, value: Any) -> str | None:
    day = _day(value)
    if day is None or day > date.today().isoformat():
        return known
    return day if known is None or day > known else known


def _collect(data: bytes, name: str) -> _Collected:
    found = _Collected()
    for number, raw in _records(data, name):
        if isinstance(raw, Exception):
            found.problems.append(Problem(name, number, f"not JSON: {raw}"))
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("schema"), str):
            found.problems.append(Problem(name, number, "not an FtM entity (no schema)"))
            continue
        if model.get(raw["schema"]) is None:
            found.problems.append(Problem(name, number, f"unknown FtM schema {raw['schema']!r}"))
            continue
        try:
            proxy = model.get_proxy(raw, cleaned=False)
        except (FollowTheMoneyException, TypeError, ValueError, AttributeError) as exc:
            found.problems.append(Problem(name, number, f"not a valid FtM entity: {exc}"))
            continue
        if not proxy.id:
            found.problems.append(Problem(name, number, f"{proxy.schema.name} without an id"))
            continue
        found.last_seen = _newer(found.last_seen, raw.get("last_seen"))
        found.last_change = _newer(found.last_change, raw.get("last_change"))
        for dataset in raw.get("datasets") or ():
            if isinstance(dataset, str):
                found.datasets.add(dataset)
        _place(found, number, proxy, raw.get("target"))
    return found


def _place(found: _Collected, number: int, proxy: EntityProxy, target: Any) -> None:
    schema = proxy.schema
    if schema.is_a("Sanction"):
        for ref in proxy.get("entity"):
            found.sanctions.setdefault(ref, []).append(proxy)
    elif schema.is_a("Identification"):
        for ref in proxy.get("holder"):
            found.documents.setdefault(ref, []).append(proxy)
    elif schema.is_a("Address"):
        found.addresses[str(proxy.id)] = proxy
    elif entity_type_of(proxy) is not None:
        if target is False:
            found.not_targets += 1
        else:
            found.parties.append((number, proxy))
    else:
        found.skipped_schemata[schema.name] = found.skipped_schemata.get(schema.name, 0) + 1


def _aliases(proxy: EntityProxy, name: str) -> tuple[Alias, ...]:
    out: dict[str, Alias] = {}
    for prop, strong, kind in (
        ("name", True, "aka"),
        ("alias", True, "aka"),
        ("previousName", True, "fka"),
        ("weakAlias", False, "aka"),
    ):
        if prop not in proxy.schema.properties:
            continue
        for value in proxy.get(prop):
            if value != name and value not in out:
                out[value] = Alias(value, strong, kind)
    return tuple(out.values())


def _identifiers(proxy: EntityProxy, documents: list[EntityProxy]) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    seen: set[str] = set()
    for doc in documents:
        default = "Passport" if doc.schema.is_a("Passport") else "Identification"
        kind = doc.first("type") or default
        country = doc.first("country")
        for number in doc.get("number"):
            found = Identifier(kind, number, None if country is None else country.upper())
            if found not in out:
                seen.add(number)
                out.append(found)
    for prop, kind in ID_PROPERTIES.items():
        if prop not in proxy.schema.properties:
            continue
        for number in proxy.get(prop):
            if number not in seen:
                seen.add(number)
                out.append(Identifier(kind, number))
    return tuple(out)


def _countries(proxy: EntityProxy) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for prop in COUNTRY_PROPERTIES:
        if prop in proxy.schema.properties:
            for code in proxy.get(prop):
                if len(code) == 2:
                    out.setdefault(code.upper(), None)
    return tuple(out)


def _addresses(proxy: EntityProxy, known: dict[str, EntityProxy]) -> tuple[Address, ...]:
    out: list[Address] = [Address(text) for text in proxy.get("address")]
    for ref in proxy.get("addressEntity"):
        found = known.get(ref)
        if found is None:
            continue
        text = found.first("full") or found.caption
        country = found.first("country")
        if text and all(a.text != text for a in out):
            out.append(Address(text, None if country is None else country.upper()))
    return tuple(out)


def _policy(sanctions: list[EntityProxy]) -> ListPolicy | None:
    def first(prop: str) -> str | None:
        for sanction in sanctions:
            value = sanction.first(prop)
            if value:
                return str(value)
        return None

    policy = ListPolicy(
        license_requirement=first("provisions"),
        license_policy=first("summary"),
        federal_register_notice=first("description"),
        start_date=first("startDate"),
        end_date=first("endDate"),
    )
    return None if policy == ListPolicy() else policy


def to_entity(source: str, proxy: EntityProxy, found: _Collected) -> Entity | None:
    """One screened party from an FtM entity and the sanctions, documents and addresses that
    point at it; None when it has no name."""
    kind = entity_type_of(proxy)
    names = proxy.get("name")
    if kind is None or not names:
        return None
    ref = str(proxy.id)
    sanctions = found.sanctions.get(ref, [])
    programs: dict[str, None] = {}
    for sanction in sanctions:
        for program in sanction.get("program"):
            programs.setdefault(program, None)
    listed = [d for s in sanctions for d in s.get("listingDate")]
    notes = proxy.get("notes") if "notes" in proxy.schema.properties else []
    return Entity(
        id=f"{source}:{ref}",
        source=source,
        list_code=source,
        type=kind,
        name=names[0],
        aliases=_aliases(proxy, names[0]),
        countries=_countries(proxy),
        dates_of_birth=tuple(proxy.get("birthDate")) if kind is EntityType.PERSON else (),
        places_of_birth=tuple(proxy.get("birthPlace")) if kind is EntityType.PERSON else (),
        identifiers=_identifiers(proxy, found.documents.get(ref, [])),
        programs=tuple(programs),
        addresses=_addresses(proxy, found.addresses),
        gender=proxy.first("gender") if kind is EntityType.PERSON else None,
        title=proxy.first("title") if kind is EntityType.PERSON else None,
        remarks="\n".join(notes) if notes else None,
        policy=_policy(sanctions),
        listed_on=min(listed) if listed else None,
    )


def read_ftm(path: Path, *, source: str | None = None) -> tuple[ReadResult, Facts]:
    """Read an FtM entity file into entities of one source, with the facts it states.

    Args:
        path: the file (JSON lines or a JSON array; ``.gz`` too).
        source: the source id (default: :func:`source_of_file` of the file name).

    Raises:
        ListDataError: the file is empty, not JSON, or holds no party at all.
    """
    source = source or source_of_file(path.name)
    if source is None:
        raise InputError(f"{path.name}: not an FtM file name (.ftm.json, .ftm.jsonl, .jsonl)")
    found = _collect(read_bytes(path), path.name)
    entities: list[Entity] = []
    problems = list(found.problems)
    seen: set[str] = set()
    for number, proxy in found.parties:
        entity = to_entity(source, proxy, found)
        if entity is None:
            problems.append(Problem(path.name, number, f"{proxy.schema.name} {proxy.id}: no name"))
            continue
        if entity.id in seen:
            problems.append(Problem(path.name, number, f"duplicate id {entity.id}"))
            continue
        seen.add(entity.id)
        entities.append(entity)
    if not entities:
        raise ListDataError(
            f"{path.name}: no Person, Organization, Company, Vessel or Airplane entity to screen"
        )
    return ReadResult(tuple(entities), tuple(problems)), _facts(found)


def _facts(found: _Collected) -> Facts:
    notes = ["FollowTheMoney entities read with followthemoney's model"]
    if found.datasets:
        notes.append("datasets: " + ", ".join(sorted(found.datasets)[:20]))
    if found.not_targets:
        notes.append(f'{found.not_targets} non-target entities ("target": false) left out')
    if found.skipped_schemata:
        left = ", ".join(f"{k} {v}" for k, v in sorted(found.skipped_schemata.items()))
        notes.append(f"schemata not screened: {left}")
    if found.last_seen is not None:
        published, basis = found.last_seen, "newest last_seen of the FtM entities"
    elif found.last_change is not None:
        published, basis = found.last_change, "newest last_change of the FtM entities"
    else:
        published, basis = None, "unknown"
    return Facts(
        published,
        basis,
        DERIVED,
        lacks=("anything its producer did not map to FtM; links between parties (linked_to)",),
        notes=tuple(notes),
    )
