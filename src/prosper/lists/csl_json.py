"""Reader for the trade.gov Consolidated Screening List as JSON, in two shapes.

* **Official** ``consolidated.json``
  (``https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json``):
  ``{"results": [{"id", "source", "entity_number", "type", "programs": [...], "name",
  "title", "addresses": [{"address", "city", "state", "postal_code", "country"}],
  "federal_register_notice", "start_date", "end_date", "standard_order",
  "license_requirement", "license_policy", "remarks", "alt_names": [...], "citizenships",
  "dates_of_birth", "nationalities", "places_of_birth", "ids": [{"type", "number",
  "country"}], "source_list_url", "source_information_url", …}]}`` — the same columns as
  ``consolidated.csv`` with lists for the multi-valued ones (the shape read by OpenSanctions'
  ``us_trade_csl`` crawler).
* **Derived** (a third party's compact rendering of it, e.g. ``screening-list.json`` of
  2026-07-31): ``sourceGeneratedAt`` (the official file's timestamp), ``tables`` of shared
  strings and ``entries`` with short keys ``n`` name, ``a`` alt names, ``s`` source (index),
  ``t`` type, ``c`` ISO-2 address countries, ``e`` entity number, ``lr`` / ``lp`` licence
  requirement / policy (indexes), ``pg`` programs (index), ``fr`` Federal Register notice.
  It lacks addresses, dates, remarks, birth data, nationalities, IDs and row ids.

Rows become entities like those of :mod:`prosper.lists.csl`; a name with ``Affiliated
Entity:`` / ``a.k.a.`` / ``f.k.a.`` / ``d.b.a.`` names its party (:mod:`.entity_list`).
A derived row has no row id: its id is ``<source>:<list>-<entity number>`` or, without
one, ``<source>:<list>-<12 hex of sha1(name)>``; rows of one list with the same name are one
party (their countries, other names and citations merged).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date
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
    read_bytes,
    unique,
)
from prosper.lists.csl import entity_type, list_code, name_parties
from prosper.model import Address, Alias, Entity, Identifier, ListPolicy

DERIVED_LACKS = (
    "addresses (only ISO-2 countries)",
    "start_date",
    "end_date",
    "standard_order",
    "remarks",
    "dates_of_birth",
    "places_of_birth",
    "nationalities",
    "citizenships",
    "ids",
    "title",
    "vessel fields",
    "_id",
)


def load_json(path: Path) -> Any:
    """A JSON list file (gunzipped if need be); rejects files that are not JSON."""
    data = read_bytes(path)
    if not data.strip():
        raise ListDataError(f"{path.name}: empty file")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ListDataError(f"{path.name}: not JSON ({exc})") from None


def is_csl_json(doc: Any) -> bool:
    """True for either CSL JSON shape."""
    if not isinstance(doc, dict):
        return False
    if isinstance(doc.get("results"), list):
        return True
    return isinstance(doc.get("entries"), list) and isinstance(doc.get("tables"), dict)


def _strs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(";") if p.strip()]
    if isinstance(value, list):
        return [" ".join(str(v).split()) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _table(tables: Mapping[str, Any], key: str, index: Any) -> str | None:
    if index is None:
        return None
    values = tables.get(key)
    if not isinstance(values, list) or not isinstance(index, int) or not 0 <= index < len(values):
        raise ValueError(f"{key} index {index!r} is not in the file's tables")
    return _text(values[index])


def _derived_row(row: Any, tables: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise ValueError("entry is not an object")
    return {
        "name": row.get("n"),
        "alt_names": _strs(row.get("a")),
        "source": _table(tables, "sources", row.get("s")),
        "type": row.get("t"),
        "countries": _strs(row.get("c")),
        "entity_number": _text(row.get("e")),
        "license_requirement": _table(tables, "licenceRequirements", row.get("lr")),
        "license_policy": _table(tables, "licencePolicies", row.get("lp")),
        "programs": _strs(_table(tables, "programmes", row.get("pg"))),
        "federal_register_notice": _text(row.get("fr")),
    }


def _addresses(value: Any) -> list[Address]:
    found: list[Address] = []
    if not isinstance(value, list):
        return found
    for item in value:
        if not isinstance(item, dict):
            continue
        country = _text(item.get("country"))
        parts = unique(
            _text(item.get(k)) for k in ("address", "city", "state", "postal_code", "country")
        )
        if parts:
            code = country_code(country) if country and len(country) != 2 else country
            found.append(Address(", ".join(parts), code))
    return found


def _ids(value: Any) -> list[Identifier]:
    found: list[Identifier] = []
    if not isinstance(value, list):
        return found
    for item in value:
        if isinstance(item, dict) and _text(item.get("number")):
            country = _text(item.get("country"))
            found.append(
                Identifier(
                    _text(item.get("type")) or "ID",
                    str(_text(item.get("number"))),
                    country if country and len(country) == 2 else country_code(country),
                )
            )
    return found


def _hash_id(code: str, name: str) -> str:
    digest = hashlib.sha1(f"{code}\n{name.upper()}".encode()).hexdigest()[:12]
    return f"{code}-{digest}"


def _entity(row: Mapping[str, Any], source: str, official: bool) -> Entity:
    name = _text(row.get("name"))
    label = _text(row.get("source"))
    if name is None:
        raise ValueError("empty name")
    if label is None:
        raise ValueError(f"{name}: no source list")
    code = list_code(label)
    if official:
        native = _text(row.get("id")) or _text(row.get("_id")) or _text(row.get("entity_number"))
        if native is None:
            raise ValueError(f"{name}: no id")
    else:
        number = _text(row.get("entity_number"))
        native = f"{code}-{number}" if number else _hash_id(code, name)
    addresses = _addresses(row.get("addresses"))
    people = [
        country_code(c) for c in (*_strs(row.get("citizenships")), *_strs(row.get("nationalities")))
    ]
    listed = [c if len(c) == 2 else country_code(c) for c in _strs(row.get("countries"))]
    aliases = [Alias(a) for a in _strs(row.get("alt_names")) if a.upper() != name.upper()]
    policy_values = {
        "license_requirement": _text(row.get("license_requirement")),
        "license_policy": _text(row.get("license_policy")),
        "federal_register_notice": _text(row.get("federal_register_notice")),
        "start_date": _text(row.get("start_date")),
        "end_date": _text(row.get("end_date")),
        "standard_order": _text(row.get("standard_order")),
    }
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
    entity = Entity(
        id=f"{source}:{native}",
        source=source,
        list_code=code,
        type=entity_type(str(row.get("type") or ""), name, code),
        name=name,
        aliases=tuple({a.name.upper(): a for a in reversed(aliases)}.values())[::-1],
        countries=unique([*people, *listed, *(a.country for a in addresses)]),
        dates_of_birth=unique(_strs(row.get("dates_of_birth"))),
        places_of_birth=unique(_strs(row.get("places_of_birth"))),
        identifiers=tuple(dict.fromkeys(_ids(row.get("ids")))),
        programs=unique(_strs(row.get("programs"))),
        addresses=tuple(dict.fromkeys(addresses)),
        title=_text(row.get("title")),
        remarks=_text(row.get("remarks")),
        policy=policy,
        listed_on=policy_values["start_date"],
    )
    return name_parties(entity)


def _merge(first: Entity, other: Entity) -> Entity:
    """One party from two rows of one list with the same name (e.g. one per address)."""
    aliases = {a.name.upper(): a for a in (*first.aliases, *other.aliases)}
    policy = first.policy
    if policy is not None and other.policy is not None:
        notices = unique([policy.federal_register_notice, other.policy.federal_register_notice])
        policy = replace(policy, federal_register_notice="; ".join(notices) or None)
    return replace(
        first,
        aliases=tuple(aliases.values()),
        countries=unique([*first.countries, *other.countries]),
        programs=unique([*first.programs, *other.programs]),
        addresses=tuple(dict.fromkeys((*first.addresses, *other.addresses))),
        policy=policy,
    )


def read_csl_json(
    path: Path,
    *,
    source: str = "us_csl",
    skip_lists: Collection[str] = (),
    only_lists: Collection[str] | None = None,
) -> tuple[ReadResult, Facts]:
    """Read a CSL JSON file (official or derived shape).

    Args:
        path: the file (``.gz`` accepted).
        source: the source id the entities get (the CSL also feeds ``us_bis_dpl`` and
            ``us_ofac_cons`` when it is the newest file carrying those lists).
        skip_lists: list codes left out.
        only_lists: when given, only these list codes are read.

    Raises:
        ListDataError: the file is not JSON, not a CSL JSON, or most rows are malformed.
    """
    doc = load_json(path)
    if not is_csl_json(doc):
        raise ListDataError(
            f"{path.name}: not a Consolidated Screening List JSON (no results or entries)"
        )
    official = isinstance(doc.get("results"), list)
    rows: Sequence[Any] = doc["results"] if official else doc["entries"]
    tables: Mapping[str, Any] = {} if official else doc["tables"]
    problems: list[Problem] = []
    found: dict[str, Entity] = {}
    merged = bad = 0
    for number, raw in enumerate(rows, 1):
        try:
            if official:
                if not isinstance(raw, dict):
                    raise ValueError("result is not an object")
                row: Mapping[str, Any] = raw
            else:
                row = _derived_row(raw, tables)
            entity = _entity(row, source, official)
        except ValueError as exc:
            bad += 1
            problems.append(Problem(path.name, number, f"entry {number}: {exc}"))
            continue
        if entity.list_code in skip_lists:
            continue
        if only_lists is not None and entity.list_code not in only_lists:
            continue
        if entity.id in found:
            if official:
                problems.append(Problem(path.name, number, f"duplicate {entity.id}"))
                continue
            found[entity.id] = _merge(found[entity.id], entity)
            merged += 1
        else:
            found[entity.id] = entity
    if rows and bad * 2 > len(rows):
        raise ListDataError(f"{path.name}: {bad} of {len(rows)} entries are malformed")
    return ReadResult(tuple(found.values()), tuple(problems)), _facts(doc, official, merged)


def _facts(doc: Mapping[str, Any], official: bool, merged: int) -> Facts:
    notes = (f"{merged} rows merged into the row of the same list and name",) if merged else ()
    if official:
        today = date.today().isoformat()
        starts = [
            str(r.get("start_date"))[:10]
            for r in doc["results"]
            if isinstance(r, dict) and r.get("start_date")
        ]
        plausible = [s for s in starts if s <= today]
        if plausible:
            return Facts(max(plausible), "newest start_date", OFFICIAL, notes=notes)
        return Facts(None, "unknown", OFFICIAL, notes=notes)
    stamp = _text(doc.get("sourceGeneratedAt"))
    published = stamp[:10] if stamp and len(stamp) >= 10 else None
    return Facts(
        published,
        "sourceGeneratedAt (timestamp of trade.gov consolidated.json)" if published else "unknown",
        DERIVED,
        DERIVED_LACKS,
        notes,
    )
