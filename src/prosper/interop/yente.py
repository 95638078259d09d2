"""yente's matching API shapes over Prosper's screening: request fragments in, results out.

yente (OpenSanctions' matching server) takes FtM entity fragments — ``{"schema": "Person",
"properties": {"name": [...], "birthDate": [...], "nationality": [...]}}`` — and answers with
FtM entities carrying ``score``, ``match`` and ``features``. The field names here follow
yente's own response models (``EntityResponse``, ``ScoredEntityResponse``, ``EntityMatches``,
``EntityMatchResponse``, ``SearchResponse``, ``DataCatalogModel``); the scores are Prosper's
(:mod:`prosper.screening.index`), and ``features`` are Prosper's explanation features.

Everything here is pure: values in, values out; the router (:mod:`prosper.api.routers.yente`)
does the I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException

from prosper.errors import InputError
from prosper.interop.ftm import SCHEMA_OF, document_proxies, ftm_id, party_proxy, sanction_proxy
from prosper.lists.snapshot import SourceInfo
from prosper.model import Entity, EntityType, Hit, Identifier
from prosper.screening.query import Query

# the FtM properties whose values Prosper reads from a query fragment, by what they become
NAME_PROPERTIES = ("name", "alias", "weakAlias", "previousName")
COUNTRY_PROPERTIES = (
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "mainCountry",
    "flag",
)
ID_TYPE_OF: dict[str, str] = {
    "passportNumber": "passport",
    "idNumber": "other",
    "socialSecurityNumber": "national_id",
    "taxNumber": "tax_id",
    "vatCode": "tax_id",
    "innCode": "tax_id",
    "registrationNumber": "registration",
    "ogrnCode": "registration",
    "leiCode": "lei",
    "imoNumber": "imo",
    "swiftBic": "swift",
    "callSign": "call_sign",
}
# what each explanation feature means, for the ``matcher`` block of a match response
FEATURE_DOCS: dict[str, str] = {
    "name_match": "How well the best name of the entity agrees with the query's name, "
    "token by token (exact, romanization, transliteration, phonetic, fuzzy).",
    "weak_alias": "The matched name is an alias the list marks weak (low quality).",
    "type_mismatch": "The query and the entity are different kinds of party.",
    "country_match": "A country of the query is one of the entity's countries.",
    "country_mismatch": "The query's countries and the entity's countries are disjoint.",
    "dob_match": "The birth date agrees (to the precision both give).",
    "dob_mismatch": "The birth dates disagree.",
    "gender_mismatch": "The genders disagree.",
    "identifier_match": "A typed identifier of the query (passport, registration …) is the "
    "entity's.",
    "identifier_without_name": "An identifier agrees but the name does not: never a match.",
    "thin_name": "The query name is too thin (one short token) to match on its own.",
    "ofac_score": "OFAC Sanctions List Search-style score of the matched name, for "
    "comparison only (not part of the score).",
}


@dataclass(frozen=True)
class Example:
    """One query fragment of a ``/match`` request, read into what Prosper screens."""

    key: str
    schema: str
    names: tuple[str, ...]
    query: Query
    fragment: dict[str, Any]


def _values(raw: Any, where: str) -> list[str]:
    values = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise InputError("must be a string or a list of strings", field=where)
        if value.strip():
            out.append(value.strip())
    return out


def _type_of(schema_name: str) -> EntityType | None:
    schema = model.get(schema_name)
    if schema is None:
        return None
    if schema.is_a("Person"):
        return EntityType.PERSON
    if schema.is_a("Vessel"):
        return EntityType.VESSEL
    if schema.is_a("Airplane"):
        return EntityType.AIRCRAFT
    if schema.name != "LegalEntity" and schema.is_a("LegalEntity"):
        return EntityType.ORGANIZATION
    return None  # LegalEntity, Thing: any kind of party


def read_example(key: str, raw: Any, field: str = "queries") -> Example:
    """Read one yente query fragment (``{"schema", "properties"}``).

    Raises:
        InputError: not an object, an unknown or unmatchable schema, an unknown property for
            the schema, a value that is not text, or no name (the field is named, e.g.
            ``queries.entity1.properties.nationalty``).
    """
    where = f"{field}.{key}"
    if not isinstance(raw, Mapping):
        raise InputError("must be an object with schema and properties", field=where)
    schema_name = raw.get("schema")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        raise InputError(f"unknown FtM schema {schema_name!r}", field=f"{where}.schema")
    if not any(schema.is_a(kind) for kind in ("LegalEntity", "Vessel", "Airplane")):
        raise InputError(
            f"{schema.name} entities are not on the lists (Person, Organization, Company, "
            "LegalEntity, Vessel, Airplane)",
            field=f"{where}.schema",
        )
    props = raw.get("properties", {})
    if not isinstance(props, Mapping):
        raise InputError("must be an object of property lists", field=f"{where}.properties")
    values: dict[str, list[str]] = {}
    for prop, value in props.items():
        if prop not in schema.properties:
            raise InputError(
                f"{schema.name} has no property {prop!r}", field=f"{where}.properties.{prop}"
            )
        values[prop] = _values(value, f"{where}.properties.{prop}")
    try:
        proxy = model.make_entity(schema.name)
        for prop, items in values.items():
            for item in items:
                proxy.add(prop, item, cleaned=False, quiet=True)
    except FollowTheMoneyException as exc:
        raise InputError(str(exc), field=f"{where}.properties") from None
    names = [n for p in NAME_PROPERTIES if p in values for n in values[p]]
    if not names:
        parts = [values.get(p, []) for p in ("firstName", "secondName", "middleName", "lastName")]
        joined = " ".join(v[0] for v in parts if v)
        names = [joined] if joined else []
    if not names:
        raise InputError("a name is needed to match", field=f"{where}.properties.name")
    countries = tuple(
        dict.fromkeys(c.upper() for p in COUNTRY_PROPERTIES for c in proxy.get(p, quiet=True))
    )
    dobs = proxy.get("birthDate", quiet=True)
    genders = proxy.get("gender", quiet=True)
    identifiers = tuple(
        Identifier(kind, value)
        for prop, kind in ID_TYPE_OF.items()
        for value in values.get(prop, [])
    )
    query = Query(
        name=names[0],
        type=_type_of(schema.name),
        countries=tuple(c for c in countries if len(c) == 2),
        dob=dobs[0] if dobs else None,
        identifiers=identifiers,
        gender=genders[0] if genders and genders[0] in ("male", "female") else None,
    )
    fragment = {"id": raw.get("id"), "schema": schema.name, "properties": values}
    return Example(key, schema.name, tuple(dict.fromkeys(names)), query, fragment)


def _day_time(info: SourceInfo | None) -> str | None:
    if info is None or len(info.published) != 10:
        return None
    return f"{info.published}T00:00:00"


def entity_response(
    entity: Entity, info: SourceInfo | None, *, nested: bool = False
) -> dict[str, Any]:
    """yente's ``EntityResponse`` of a list entity: its FtM form, with the sanction and
    identity documents nested under ``sanctions`` and ``identification`` when ``nested``."""
    proxy = party_proxy(entity)
    properties: dict[str, list[Any]] = dict(proxy.to_dict()["properties"])
    seen = _day_time(info)
    if nested:
        sanction = sanction_proxy(entity, info)
        properties["sanctions"] = [_adjacent(sanction.to_dict(), sanction.caption, entity, seen)]
        docs = [_adjacent(d.to_dict(), d.caption, entity, seen) for d in document_proxies(entity)]
        if docs:
            properties["identification"] = docs
    return {
        "id": ftm_id(entity.id),
        "caption": entity.name,
        "schema": SCHEMA_OF[entity.type],
        "properties": properties,
        "datasets": [entity.source],
        "referents": [entity.id],
        "target": True,
        "first_seen": None,
        "last_seen": seen,
        "last_change": None,
    }


def _adjacent(data: dict[str, Any], caption: str, entity: Entity, seen: str | None) -> Any:
    return {
        **data,
        "caption": caption,
        "datasets": [entity.source],
        "referents": [],
        "target": False,
        "first_seen": None,
        "last_seen": seen,
        "last_change": None,
    }


def features_of(hit: Hit) -> dict[str, float]:
    """The hit's explanation as yente's ``features`` (feature → score); a feature named twice
    keeps its strongest value."""
    out: dict[str, float] = {}
    for item in hit.explanation:
        known = out.get(item.feature)
        if known is None or abs(item.score) > abs(known):
            out[item.feature] = item.score
    return out


def scored_response(hit: Hit, info: SourceInfo | None, threshold: float) -> dict[str, Any]:
    """yente's ``ScoredEntityResponse``: the entity with ``score``, ``match`` (score at or
    above ``threshold``) and ``features``."""
    return {
        **entity_response(hit.entity, info),
        "score": round(hit.score, 4),
        "match": hit.score >= threshold,
        "features": features_of(hit),
    }


def matcher_docs(features: Iterable[str]) -> dict[str, dict[str, Any]]:
    """yente's ``matcher`` block (``FeatureDocs``): each feature used, what it means. Prosper's
    deltas are not linear coefficients; ``coefficient`` is 1.0 for the name and 0 for the
    qualifiers (their deltas are in each result's ``features``)."""
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(set(features)):
        out[name] = {
            "description": FEATURE_DOCS.get(name, name.replace("_", " ")),
            "coefficient": 1.0 if name == "name_match" else 0.0,
            "url": "",
        }
    return out


def best_hits(hit_lists: Sequence[Sequence[Hit]], limit: int) -> list[Hit]:
    """One hit per entity over several names' hits, best first, at most ``limit``."""
    best: dict[str, Hit] = {}
    for hits in hit_lists:
        for hit in hits:
            for listing in hit.all_listings():
                known = best.get(listing.entity.id)
                if known is None or listing.score > known.score:
                    best[listing.entity.id] = listing
    ranked = sorted(best.values(), key=lambda h: (-h.score, h.entity.id))
    return ranked[:limit]


def dataset_sources(dataset: str, sources: Sequence[SourceInfo]) -> tuple[str, ...]:
    """The sources a yente dataset name stands for: ``default`` (or ``all``) every loaded
    source, a source id that source.

    Raises:
        NotFoundError: no such dataset.
    """
    from prosper.errors import NotFoundError

    names = tuple(s.source for s in sources)
    if dataset in ("default", "all"):
        return names
    if dataset in names:
        return (dataset,)
    raise NotFoundError(
        f"no dataset {dataset!r} (default, or one of: {', '.join(names)})", field="dataset"
    )


def catalog(sources: Sequence[SourceInfo]) -> dict[str, Any]:
    """yente's ``DataCatalogModel``: the ``default`` collection of every loaded source, and
    each source as a dataset (its version is Prosper's content version)."""
    datasets = [
        {
            "name": "default",
            "title": "All lists loaded in Prosper",
            "summary": "Every source of the current list snapshot",
            "url": None,
            "load": True,
            "entities_url": None,
            "version": ",".join(s.version[7:19] for s in sources),
            "index_version": None,
            "index_current": True,
            "children": [s.source for s in sources],
        }
    ]
    for info in sources:
        datasets.append(
            {
                "name": info.source,
                "title": info.label,
                "summary": f"{info.entity_count} entities, published {info.published} "
                f"({info.status})",
                "url": None,
                "load": True,
                "entities_url": None,
                "version": info.version,
                "index_version": info.version,
                "index_current": True,
                "children": [],
            }
        )
    names = [d["name"] for d in datasets]
    return {"datasets": datasets, "current": names, "outdated": [], "index_stale": False}
