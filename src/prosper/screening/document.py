"""The contract's screening result document and hit shape (CLI, engine and API share it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from prosper.model import Hit
from prosper.screening.query import Query


class _SourceLike(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def published(self) -> str: ...
    @property
    def origin(self) -> str: ...


def result_document(
    query: Query,
    threshold: float,
    sources: Iterable[_SourceLike],
    hits: Iterable[Hit],
    warnings: Iterable[str] = (),
) -> dict[str, Any]:
    """The contract's screening result: the query, threshold, list versions, hits and
    warnings (e.g. a list older than its allowed age, :mod:`prosper.screening.freshness`)."""
    return {
        "query": {
            "name": query.name,
            "type": None if query.type is None else query.type.value,
            "countries": list(query.countries),
            "dob": query.dob,
            "gender": query.gender,
            "identifiers": list(query.identifiers),
            "sources": list(query.sources),
        },
        "threshold": threshold,
        "lists": [
            {
                "source": s.source,
                "version": s.version,
                "published": s.published,
                "origin": s.origin,
                # official (the publisher's format) or derived (a third party's rendering);
                # null when the source does not say — never presented as official by default
                "status": getattr(s, "status", None),
            }
            for s in sources
        ],
        "hits": [hit_to_dict(h) for h in hits],
        "warnings": list(warnings),
    }


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """A hit in the contract's JSON shape (``screen --json`` and the decision documents)."""
    entity = hit.entity
    out: dict[str, Any] = {
        "entity_id": entity.id,
        "source": entity.source,
        "list_code": entity.list_code,
        "name": entity.name,
        "matched_name": hit.matched_name,
        "score": hit.score,
        "match": hit.match,
        "type": entity.type.value,
        "programs": list(entity.programs),
        "countries": list(entity.countries),
        "strong_alias": hit.strong_alias,
        "qualifier_agrees": hit.qualifier_agrees,
        "explanation": [
            {"feature": e.feature, "score": e.score, "detail": e.detail} for e in hit.explanation
        ],
    }
    for e in hit.explanation:
        if e.feature == "ofac_score":
            out["ofac_score"] = e.score
    if entity.list_code in {"EL", "MEU"} and entity.policy is not None:
        out["license_requirement"] = entity.policy.license_requirement
        out["license_policy"] = entity.policy.license_policy
        out["footnotes"] = list(entity.policy.footnotes)
        out["federal_register_notice"] = entity.policy.federal_register_notice
    out["listings"] = [listing_to_dict(h) for h in hit.all_listings()]
    return out


def listing_to_dict(hit: Hit) -> dict[str, Any]:
    """One listing of a hit's party: which list, which row, its programmes and export-control
    policy (``null`` for lists whose rows carry none), and how well it matched."""
    entity = hit.entity
    policy = entity.policy
    return {
        "source": entity.source,
        "list_code": entity.list_code,
        "entity_id": entity.id,
        "name": entity.name,
        "matched_name": hit.matched_name,
        "score": hit.score,
        "match": hit.match,
        "programs": list(entity.programs),
        "policy": None
        if policy is None
        else {
            "license_requirement": policy.license_requirement,
            "license_policy": policy.license_policy,
            "footnotes": list(policy.footnotes),
            "federal_register_notice": policy.federal_register_notice,
            "end_date": policy.end_date,
        },
    }
