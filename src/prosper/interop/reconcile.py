"""The Reconciliation Service API v0.2 (OpenRefine) over Prosper's screening: pure parts.

A reconciliation query (``{"query", "type", "limit", "properties": [{"pid", "v"}],
"type_strict"}``) becomes a yente-style FtM fragment (:func:`prosper.interop.yente.read_example`)
and so a screening :class:`~prosper.screening.query.Query`; candidates are ``{"id", "name",
"description", "type", "score", "features", "match"}``. Types are FtM schemata (``Person``,
``Organization``, ``Company``, ``LegalEntity``, ``Vessel``, ``Airplane``); properties are the
qualifiers Prosper compares (country, birth date, identifiers).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prosper.errors import InputError
from prosper.interop.ftm import SCHEMA_OF, ftm_id
from prosper.interop.yente import Example, features_of, read_example
from prosper.model import Entity, Hit

VERSIONS = ["0.2"]
TYPES: tuple[tuple[str, str], ...] = (
    ("LegalEntity", "Any listed party"),
    ("Person", "Person"),
    ("Organization", "Organization"),
    ("Company", "Company"),
    ("Vessel", "Vessel"),
    ("Airplane", "Airplane"),
)
# property ids a query may use → the FtM property they fill, and their names
PROPERTIES: dict[str, tuple[str, str]] = {
    "country": ("country", "Country (ISO code or name)"),
    "nationality": ("nationality", "Nationality"),
    "jurisdiction": ("jurisdiction", "Jurisdiction (companies)"),
    "birthDate": ("birthDate", "Birth date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    "dob": ("birthDate", "Birth date (alias of birthDate)"),
    "gender": ("gender", "Gender (male, female)"),
    "passportNumber": ("passportNumber", "Passport number"),
    "idNumber": ("idNumber", "Identification number"),
    "registrationNumber": ("registrationNumber", "Company registration number"),
    "taxNumber": ("taxNumber", "Tax number"),
    "imoNumber": ("imoNumber", "IMO number (vessels)"),
    "leiCode": ("leiCode", "LEI"),
    "swiftBic": ("swiftBic", "SWIFT/BIC"),
}
MAX_QUERIES = 100
DEFAULT_LIMIT = 5


def manifest(base: str, name: str, batch: int = MAX_QUERIES) -> dict[str, Any]:
    """The service manifest of the endpoint at ``base`` (e.g. ``http://host/reconcile/default``)."""
    return {
        "versions": VERSIONS,
        "name": name,
        "identifierSpace": "https://prosper.invalid/entities/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "defaultTypes": [{"id": t, "name": n} for t, n in TYPES],
        "view": {"url": f"{base}/preview?id={{{{id}}}}"},
        "preview": {"url": f"{base}/preview?id={{{{id}}}}", "width": 430, "height": 300},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/suggest/entity"},
            "type": {"service_url": base, "service_path": "/suggest/type"},
            "property": {"service_url": base, "service_path": "/suggest/property"},
        },
        "batchSize": batch,
        "authentication": {"type": "apiKey", "name": "api_key", "in": "query"},
    }


def _value(raw: Any, where: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, Mapping):  # a reconciled value: {"id", "name"}
            item = item.get("name") or item.get("id")
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise InputError("must be text, a number or {id, name}", field=where)
        if str(item).strip():
            out.append(str(item).strip())
    return out


def _schema(raw: Any, where: str) -> str:
    if raw is None:
        return "LegalEntity"
    types = raw if isinstance(raw, list) else [raw]
    known = {t for t, _ in TYPES}
    for item in types:
        if isinstance(item, str) and item in known:
            return item
    raise InputError(f"unknown type {raw!r} (one of: {', '.join(sorted(known))})", field=where)


def read_query(key: str, raw: Any) -> tuple[Example, int]:
    """A reconciliation query → the fragment to screen and the candidate limit.

    Raises:
        InputError: not an object, an unknown field, type or property id, no ``query``
            string, a bad limit (the field is named, e.g. ``queries.q0.properties[1].pid``).
    """
    where = f"queries.{key}"
    if not isinstance(raw, Mapping):
        raise InputError("must be an object", field=where)
    unknown = sorted(set(raw) - {"query", "type", "limit", "properties", "type_strict"})
    if unknown:
        raise InputError("unknown field", field=f"{where}.{unknown[0]}")
    text = raw.get("query")
    if not isinstance(text, str) or not text.strip():
        raise InputError("a non-empty query string is needed", field=f"{where}.query")
    limit = raw.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
        raise InputError("must be an integer from 1 to 100", field=f"{where}.limit")
    props: dict[str, list[str]] = {"name": [text.strip()]}
    given = raw.get("properties", [])
    if not isinstance(given, list):
        raise InputError("must be a list of {pid, v}", field=f"{where}.properties")
    for index, item in enumerate(given):
        at = f"{where}.properties[{index}]"
        if not isinstance(item, Mapping) or "pid" not in item or "v" not in item:
            raise InputError("must be an object with pid and v", field=at)
        pid = item["pid"]
        if pid not in PROPERTIES:
            raise InputError(
                f"unknown property (one of: {', '.join(PROPERTIES)})", field=f"{at}.pid"
            )
        prop = PROPERTIES[pid][0]
        props.setdefault(prop, []).extend(_value(item["v"], f"{at}.v"))
    schema = _schema(raw.get("type"), f"{where}.type")
    fragment = {"schema": schema, "properties": props}
    return read_example(key, fragment), limit


def description(entity: Entity) -> str:
    """A one-line description of a candidate: list, source, countries, programmes."""
    parts = [f"{entity.list_code} ({entity.source})"]
    if entity.countries:
        parts.append(", ".join(entity.countries))
    if entity.dates_of_birth:
        parts.append("born " + ", ".join(entity.dates_of_birth[:2]))
    if entity.programs:
        parts.append("; ".join(entity.programs[:3]))
    return " · ".join(parts)


def candidates(hits: Sequence[Hit], limit: int, threshold: float) -> list[dict[str, Any]]:
    """Reconciliation candidates of the hits, best first; ``match`` only for the best one, when
    it reaches ``threshold`` and no other candidate does (a certain match)."""
    ranked = sorted(hits, key=lambda h: (-h.score, h.entity.id))[:limit]
    matches = [h for h in ranked if h.score >= threshold]
    out = []
    for position, hit in enumerate(ranked):
        out.append(
            {
                "id": ftm_id(hit.entity.id),
                "name": hit.entity.name,
                "description": description(hit.entity),
                "type": [{"id": SCHEMA_OF[hit.entity.type], "name": SCHEMA_OF[hit.entity.type]}],
                "score": round(hit.score, 4),
                "features": [{"id": k, "value": v} for k, v in features_of(hit).items()],
                "match": position == 0 and len(matches) == 1 and matches[0] is hit,
            }
        )
    return out


def suggest_types(prefix: str) -> list[dict[str, Any]]:
    """Types whose id or name starts with ``prefix`` (case-insensitive)."""
    low = prefix.casefold()
    return [
        {"id": t, "name": n}
        for t, n in TYPES
        if t.casefold().startswith(low) or n.casefold().startswith(low)
    ]


def suggest_properties(prefix: str) -> list[dict[str, Any]]:
    """Property ids whose id or name starts with ``prefix``."""
    low = prefix.casefold()
    return [
        {"id": pid, "name": name}
        for pid, (_, name) in PROPERTIES.items()
        if pid.casefold().startswith(low) or name.casefold().startswith(low)
    ]


def suggest_entities(
    entities: Iterable[Entity], prefix: str, cursor: int, size: int = 10
) -> list[dict[str, Any]]:
    """Entities one of whose names starts with ``prefix`` (case-insensitive), or whose id is
    ``prefix``; ``cursor`` skips that many."""
    low = " ".join(prefix.casefold().split())
    if not low:
        return []
    found: list[dict[str, Any]] = []
    skipped = 0
    for entity in entities:
        hit = entity.id.casefold() == low or ftm_id(entity.id).casefold() == low
        if not hit:
            hit = any(name.casefold().startswith(low) for name, _ in entity.all_names())
        if not hit:
            continue
        if skipped < cursor:
            skipped += 1
            continue
        found.append(
            {
                "id": ftm_id(entity.id),
                "name": entity.name,
                "description": description(entity),
                "notable": [{"id": SCHEMA_OF[entity.type], "name": SCHEMA_OF[entity.type]}],
            }
        )
        if len(found) >= size:
            break
    return found


def preview_html(entity: Entity, label: str) -> str:
    """A small HTML page summarising an entity (escaped; no scripts, no outside resources)."""
    rows = [
        ("List", f"{entity.list_code} — {label}"),
        ("Type", entity.type.value),
        ("Aliases", "; ".join(a.name for a in entity.aliases[:8])),
        ("Countries", ", ".join(entity.countries)),
        ("Born", ", ".join(entity.dates_of_birth)),
        ("Identifiers", "; ".join(f"{i.type} {i.value}" for i in entity.identifiers[:5])),
        ("Programmes", "; ".join(entity.programs)),
        ("Remarks", (entity.remarks or "")[:300]),
        ("Id", entity.id),
    ]
    body = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows if v
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(entity.name)}</title>"
        "<style>body{font:13px sans-serif;margin:8px}th{text-align:left;padding-right:8px;"
        "vertical-align:top}</style></head><body>"
        f"<h3>{html.escape(entity.name)}</h3><table>{body}</table></body></html>"
    )
