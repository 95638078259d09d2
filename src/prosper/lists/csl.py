"""Reader for the trade.gov Consolidated Screening List CSV (``consolidated.csv``).

The CSL merges many US lists in one file; the ``source`` column names the list (e.g.
``Entity List (EL) - Bureau of Industry and Security``) and becomes ``list_code`` (``EL``,
``MEU``, ``UVL``, ``DPL``, ``SDN``, ``SSI``, ``ISN``, ``DTC``, ``CAP``, ``FSE``, ``PLC``,
``CMIC``, ``NS-MBS`` …). Multi-valued cells are joined with ``; ``. Export-control columns
(licence requirement, licence policy, Federal Register notice, start/end date, standard
order) go into :class:`~prosper.model.ListPolicy`. A repeated header row (the file can be
a concatenation of chunks) is skipped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from prosper.errors import ListDataError
from prosper.lists.common import (
    Problem,
    ReadResult,
    country_code,
    read_text,
    unique,
)
from prosper.lists.entity_list import footnotes, has_several_names, split_name
from prosper.lists.entity_type import guess_entity_type
from prosper.model import Address, Alias, Entity, EntityType, Identifier, ListPolicy

SOURCE = "us_csl"
REQUIRED = ("_id", "source", "name", "type", "addresses", "alt_names")
_CODE = re.compile(r"\(([A-Z][A-Z0-9-]*)(?: List)?\)")
# lists whose rows often come without a type and mix people and companies: the type is then
# guessed from the name; rows of other lists without a type are organisations (MEU, UVL …)
_GUESS_TYPE_LISTS = frozenset({"EL", "ISN", "DTC"})
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}


def list_code(source_label: str) -> str:
    """The short list code inside a CSL ``source`` label.

    >>> list_code("Military End User (MEU) List - Bureau of Industry and Security")
    'MEU'
    >>> list_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department")
    'NS-MBS'
    """
    match = _CODE.search(source_label)
    if match is None:
        return source_label.split(" - ")[0].strip()
    return match.group(1)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _address(text: str) -> Address:
    tail = text.rsplit(",", 1)[-1].strip()
    country = country_code(tail) if len(tail) == 2 and tail.isupper() else None
    return Address(text, country)


def _identifiers(cell: str) -> list[Identifier]:
    found: list[Identifier] = []
    for part in _split(cell):
        bits = [b.strip() for b in part.split(",")]
        if len(bits) < 2 or not bits[1]:
            continue
        country = None
        if len(bits) >= 3 and len(bits[-1]) == 2 and bits[-1].isupper():
            country = country_code(bits[-1])
            value = ", ".join(bits[1:-1])
        else:
            value = ", ".join(bits[1:])
        found.append(Identifier(bits[0], value, country))
    return found


def entity_type(declared: str, name: str, code: str) -> EntityType:
    """The type of a CSL row: its ``type`` column, else guessed for lists that mix people and
    companies, else an organisation."""
    found = _TYPES.get(declared.strip().lower())
    if found is not None:
        return found
    if code in _GUESS_TYPE_LISTS:
        return guess_entity_type(name)
    return EntityType.ORGANIZATION


def read_csl(path: Path, *, skip_lists: Collection[str] = ()) -> ReadResult:
    """Read a CSL CSV file; rows of the lists in ``skip_lists`` (list codes) are left out.

    Raises:
        ListDataError: the file is missing, empty, or its header lacks the CSL columns.
    """
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    entities: list[Entity] = []
    seen: set[str] = set()
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ListDataError(
                f"{path.name}: not a Consolidated Screening List CSV (no column "
                f"{', '.join(missing)})"
            )
        col = {name: i for i, name in enumerate(header)}
        good = bad = 0
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                bad += 1
                problems.append(
                    Problem(
                        path.name, reader.line_num, f"{len(row)} columns, expected {len(header)}"
                    )
                )
                continue
            if row[col["source"]] == "source":  # a repeated header where two chunks were joined
                continue
            good += 1
            cell = {name: row[i].strip() for name, i in col.items()}
            code = list_code(cell["source"])
            if code in skip_lists:
                continue
            entity, reason = _entity(cell, code)
            if entity is None:
                problems.append(Problem(path.name, reader.line_num, str(reason)))
            elif entity.id in seen:
                problems.append(Problem(path.name, reader.line_num, f"duplicate {entity.id}"))
            else:
                seen.add(entity.id)
                entities.append(entity)
    except StopIteration:
        raise ListDataError(f"{path.name}: empty file") from None
    except csv.Error as exc:
        raise ListDataError(f"{path.name}: line {reader.line_num}: not CSV ({exc})") from None
    if bad > good:
        raise ListDataError(f"{path.name}: {bad} of {bad + good} rows do not match the header")
    return ReadResult(tuple(entities), tuple(problems))


def _entity(cell: dict[str, str], code: str) -> tuple[Entity | None, str | None]:
    get = cell.get
    name = " ".join(cell["name"].split())
    native = cell["_id"] or get("entity_number", "")
    if not name:
        return None, "empty name"
    if not native:
        return None, f"{name}: no _id"
    addresses = [_address(a) for a in _split(cell["addresses"])]
    aliases: dict[str, Alias] = {}
    for alias in _split(cell["alt_names"]):
        if alias.upper() != name.upper():
            aliases.setdefault(alias.upper(), Alias(alias))
    people = [
        country_code(c)
        for c in (*_split(get("citizenships", "")), *_split(get("nationalities", "")))
    ]
    policy_cells = {
        "license_requirement": get("license_requirement", ""),
        "license_policy": get("license_policy", ""),
        "federal_register_notice": get("federal_register_notice", ""),
        "start_date": get("start_date", ""),
        "end_date": get("end_date", ""),
        "standard_order": get("standard_order", ""),
    }
    policy_values = {k: (v or None) for k, v in policy_cells.items()}
    policy = (
        ListPolicy(
            license_requirement=policy_values["license_requirement"],
            license_policy=policy_values["license_policy"],
            federal_register_notice=policy_values["federal_register_notice"],
            start_date=policy_values["start_date"],
            end_date=policy_values["end_date"],
            standard_order=policy_values["standard_order"],
        )
        if any(policy_values.values())
        else None
    )
    remarks = get("remarks") or None
    return (
        name_parties(
            Entity(
                id=f"{SOURCE}:{native}",
                source=SOURCE,
                list_code=code,
                type=entity_type(cell["type"], name, code),
                name=name,
                aliases=tuple(aliases.values()),
                countries=unique([*people, *(a.country for a in addresses)]),
                dates_of_birth=unique(_split(get("dates_of_birth", ""))),
                places_of_birth=unique(_split(get("places_of_birth", ""))),
                identifiers=tuple(dict.fromkeys(_identifiers(get("ids", "")))),
                programs=unique(_split(get("programs", ""))),
                addresses=tuple(dict.fromkeys(addresses)),
                title=get("title") or None,
                remarks=remarks,
                policy=policy,
                listed_on=get("start_date") or None,
            )
        ),
        None,
    )


def name_parties(entity: Entity) -> Entity:
    """A CSL row's entity under the name of the party it names, with the row's footnotes.

    ``Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Marine Networks Co.,
    Ltd.`` becomes ``Huawei Marine Networks Co., Ltd.`` linked to its parent entry; the other
    names a name states (``a.k.a.``, ``f.k.a.``, ``d.b.a.``) become aliases. The licence
    requirement, review policy and Federal Register citation of the row stay with the party,
    and the Entity List footnotes (FN1/FN3/FN4/FN5) its requirement states are recorded.
    SDN rows are left as they are (OFAC's own files are the SDN source).
    """
    policy = entity.policy
    if policy is not None:
        marks = footnotes(policy.license_requirement)
        if marks:
            policy = replace(policy, footnotes=marks)
    if entity.list_code == "SDN" or not has_several_names(entity.name):
        return entity if policy is entity.policy else replace(entity, policy=policy)
    party = split_name(entity.name)
    aliases: dict[str, Alias] = {}
    for alias in (*party.aliases, *entity.aliases):
        if alias.name.upper() != party.name.upper():
            aliases.setdefault(alias.name.upper(), alias)
    linked = entity.linked_to
    remarks = entity.remarks
    if party.parent is not None:
        linked = unique([*linked, party.parent])
        note = f"Affiliated Entity listed under the entry of {party.parent}"
        remarks = note if remarks is None else f"{note}; {remarks}"
    return replace(
        entity,
        name=party.name,
        aliases=tuple(aliases.values()),
        linked_to=linked,
        remarks=remarks,
        policy=policy,
    )
