"""Decisions and findings as the contract's JSON documents (pure; no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from prosper.model import Decision, Finding, Hit, PartyResult

HitRenderer = Callable[[Hit], dict[str, Any]]


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """One finding in the contract's shape."""
    out: dict[str, Any] = {
        "area": f.area,
        "regime": f.regime,
        "verdict": f.verdict.value,
        "review_policy": None if f.review_policy is None else f.review_policy.value,
        "subject": f.subject,
        "rule_id": f.rule_id,
        "citation": f.citation,
        "summary": f.summary,
        "conditions": list(f.conditions),
    }
    if f.missing_facts:
        out["missing_facts"] = list(f.missing_facts)
    if f.license_exception is not None:
        out["license_exception"] = f.license_exception
    return out


def findings_to_list(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings in the contract's shape, in order."""
    return [finding_to_dict(f) for f in findings]


def party_to_dict(p: PartyResult, render_hit: HitRenderer) -> dict[str, Any]:
    """A party's screening outcome (with its owners' screening when it has owners)."""
    out: dict[str, Any] = {
        "index": p.index,
        "role": p.role.value,
        "name": p.name,
        "verdict": p.verdict.value,
        "hits": [render_hit(h) for h in p.hits],
    }
    if p.owners:
        out["owners"] = [
            {
                "path": o.path,
                "name": o.name,
                "country": o.country,
                "percent": o.percent,
                "indirect_percent": o.indirect_percent,
                "lists": list(o.lists),
                "review_policy": None if o.review_policy is None else o.review_policy.value,
                "hits": [render_hit(h) for h in o.hits],
            }
            for o in p.owners
        ]
        out["listed_ownership"] = [
            {
                "family": lo.family,
                "aggregate_percent": lo.aggregate_percent,
                "indirect_percent": lo.indirect_percent,
                "owners": list(lo.owners),
                "review_policy": None if lo.review_policy is None else lo.review_policy.value,
            }
            for lo in p.listed_ownership
        ]
    return out


def jsonable(value: Any) -> Any:
    """``value`` with dates, enums, tuples and findings turned into JSON-ready values."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value  # most leaves (exact types: a str enum or a subclass goes on below)
    if isinstance(value, Finding):
        return finding_to_dict(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def decision_to_dict(d: Decision, render_hit: HitRenderer) -> dict[str, Any]:
    """The decision document of ``prosper check --json`` (without the ``audit`` block)."""
    return {
        "id": d.id,
        "verdict": d.verdict.value,
        "as_of": d.as_of.isoformat(),
        "mode": d.mode,
        "findings": findings_to_list(d.findings),
        "parties": [party_to_dict(p, render_hit) for p in d.parties],
        "items": jsonable(list(d.items)),
        "data_transfers": jsonable(list(d.data_transfers)),
        "divergence": jsonable(d.divergence),
        "versions": jsonable(d.versions),
    }
