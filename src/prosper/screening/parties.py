"""Party screening findings: what a hit on each list means for a transaction.

The meaning of a hit is data (``rules/screening_policy.yaml``): per list, the regime, rule
id, citation, effective date and the verdict of a *strong* hit. A hit is strong when it
reached the threshold on a strong name and a qualifier (country, date of birth, identifier)
agrees; anything weaker above the threshold is ``review``, never a silent pass.

Asset freezes of other jurisdictions (EU, AU, CA) are ``prohibited`` only for a transaction
under that jurisdiction (:func:`transaction_ties`), ``review`` otherwise. A hit that carries the
same party's other listings (:attr:`prosper.model.Hit.listings`) gives one finding naming every
list, the most restrictive listing deciding. A party with no hit is a clean pass only when no
list the screening relied on is stale (:mod:`prosper.screening.freshness`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from prosper.model import (
    Finding,
    Hit,
    ListPolicy,
    Party,
    PartyResult,
    PartyRole,
    ReviewPolicy,
    Transaction,
    Verdict,
)
from prosper.packagedata import read_text
from prosper.screening.freshness import Stale
from prosper.screening.policy import CUSTOM_PREFIX as CUSTOM_PREFIX
from prosper.screening.policy import Freshness as Freshness
from prosper.screening.policy import ListRule as ListRule
from prosper.screening.policy import NoMatchRule as NoMatchRule
from prosper.screening.policy import ScreeningPolicy as ScreeningPolicy
from prosper.screening.policy import VerdictName as VerdictName
from prosper.screening.policy import read_policy


def _parse_yaml(text: str) -> Any:
    import yaml  # here: a check whose parsed table is cached imports no YAML (~0.03 s)

    # libyaml's safe loader when available: the same values as yaml.safe_load (same
    # constructor and resolvers), ~10× less CPU than the pure-Python parser at start-up
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


@cache
def load_screening_policy() -> ScreeningPolicy:
    """Load and validate the packaged screening-policy table (strict: unknown keys fail).

    Inside :func:`prosper.cachefile.yaml_cache` (``prosper check`` from the command
    line) the parsed YAML is kept in the data folder's cache by content digest, as the
    rulebook's files are; the same values are validated either way."""
    from prosper.cachefile import cached_parse

    text = read_text("prosper.rules", "screening_policy.yaml")
    return read_policy(cached_parse(text, _parse_yaml), "screening_policy.yaml")


def review_policy_of(
    policy: ListPolicy | None, table: Mapping[str, ReviewPolicy]
) -> ReviewPolicy | None:
    """Map a list row's licence-policy text to a review policy.

    >>> review_policy_of(ListPolicy(license_policy="Presumption of denial."),
    ...                  {"presumption of denial": ReviewPolicy.PRESUMPTION_OF_DENIAL})
    <ReviewPolicy.PRESUMPTION_OF_DENIAL: 'presumption_of_denial'>
    """
    if policy is None or policy.license_policy is None:
        return None
    text = policy.license_policy.lower()
    for needle, review in table.items():
        if needle in text:
            return review
    return None


def _row_expired(policy: ListPolicy | None, on: date) -> str | None:
    if policy is None or not policy.end_date:
        return None
    try:
        end = date.fromisoformat(policy.end_date[:10])
    except ValueError:
        return None
    return policy.end_date if end < on else None


def is_strong(hit: Hit) -> bool:
    """A hit is strong when it matched a strong name and a qualifier agrees."""
    return hit.match and hit.strong_alias and hit.qualifier_agrees


def transaction_ties(tx: Transaction, party: Party) -> frozenset[str]:
    """The countries whose jurisdiction a dealing with ``party`` in ``tx`` falls under.

    Our reading of the territorial hooks of the asset-freeze regimes (``screening_policy.yaml``
    explains it): the origin and destination countries, every exporter party's country and
    headquarters, and the screened party's own country and headquarters.
    """
    found = {tx.origin_country, tx.destination_country, party.country, party.headquarters_country}
    for other in tx.parties:
        if other.role is PartyRole.EXPORTER:
            found |= {other.country, other.headquarters_country}
    return frozenset(c.upper() for c in found if c)


_REVIEW_RANK = {
    ReviewPolicy.PRESUMPTION_OF_DENIAL: 3,
    ReviewPolicy.CASE_BY_CASE: 2,
    ReviewPolicy.PRESUMPTION_OF_APPROVAL: 1,
}


def party_finding(
    hit: Hit,
    subject: str,
    on: date,
    policy: ScreeningPolicy,
    ties: frozenset[str] = frozenset(),
) -> Finding:
    """One finding for a listed party and all its listings (``hit`` and ``hit.listings``).

    Each listing is decided by its own list's rule (:func:`hit_finding`); the most restrictive
    verdict wins — among listings with that verdict, the strictest review policy, then the
    list named first in ``screening_policy.yaml`` (SDN before UN …) — and the summary names
    every list the party is on.
    """
    parts = [(h, hit_finding(h, subject, on, policy, ties)) for h in hit.all_listings()]
    if len(parts) == 1:
        return parts[0][1]
    order = {code: i for i, code in enumerate(policy.lists)}

    def rank(part: tuple[Hit, Finding]) -> tuple[int, int, int]:
        h, f = part
        review = _REVIEW_RANK.get(f.review_policy, 0) if f.review_policy else 0
        return (f.verdict.severity, review, -order.get(h.entity.list_code, len(order)))

    win_hit, winner = max(parts, key=rank)
    listed = "; ".join(
        f"{h.entity.list_code} ({h.entity.source}, {h.entity.id}): {f.verdict.value}"
        + (f", {f.review_policy.value}" if f.review_policy else "")
        for h, f in parts
    )
    others = [f for h, f in parts if h is not win_hit]
    conditions = list(winner.conditions)
    for f in others:
        conditions.extend(c for c in f.conditions if c not in conditions)
    citations = "; ".join(dict.fromkeys([winner.citation, *(f.citation for f in others)]))
    return replace(
        winner,
        summary=f"{winner.summary}; the same party is on {len(parts)} lists: {listed}",
        citation=citations,
        conditions=tuple(conditions),
    )


def hit_finding(
    hit: Hit,
    subject: str,
    on: date,
    policy: ScreeningPolicy,
    ties: frozenset[str] = frozenset(),
) -> Finding:
    """The finding one hit (one listing) produces for the party at ``subject``.

    ``ties`` are the countries whose jurisdiction the dealing falls under
    (:func:`transaction_ties`); a list rule with a ``jurisdiction`` takes its ``strong``
    verdict only when they meet.
    """
    rule = policy.rule_for(hit.entity.list_code)
    entity = hit.entity
    label = f"{entity.name} ({entity.id}, score {hit.score:.2f})"
    if rule.name_programs and entity.programs:
        label += f"; concern: {', '.join(entity.programs)}"
    if not is_strong(hit):
        why = []
        if not hit.strong_alias:
            why.append("matched a weak alias")
        if not hit.qualifier_agrees:
            why.append("no country, date of birth or identifier confirms it")
        return Finding(
            area="screening",
            regime=rule.regime,
            verdict=Verdict.REVIEW,
            subject=subject,
            rule_id=rule.rule_id,
            citation=rule.citation,
            summary=f"possible match {label} on {entity.list_code}: {', '.join(why)}; "
            f"confirm or clear it ({rule.summary})",
            conditions=rule.conditions,
        )
    verdict = Verdict(rule.strong)
    summary = f"{rule.summary}: {label}"
    if rule.jurisdiction:
        inside = sorted(ties & set(rule.jurisdiction))
        if inside:
            summary += f"; the dealing is under {rule.jurisdiction_name} ({', '.join(inside)})"
        else:
            verdict = Verdict(rule.outside_jurisdiction)
            summary += (
                f"; no origin, destination, exporter or party country of this transaction is in "
                f"{rule.jurisdiction_name}: binding only on persons under that jurisdiction, "
                "confirm none is involved"
            )
    if rule.expires_with_row and (expired := _row_expired(entity.policy, on)) is not None:
        verdict = Verdict.REVIEW
        summary = f"{summary}; the listing expired on {expired}: confirm it was not renewed"
    review = review_policy_of(entity.policy, policy.policy_text) if rule.policy_from_row else None
    conditions = rule.conditions
    if rule.policy_from_row and entity.policy is not None:
        parts = [
            f"licence requirement: {entity.policy.license_requirement}"
            if entity.policy.license_requirement
            else None,
            f"licence policy: {entity.policy.license_policy}"
            if entity.policy.license_policy
            else None,
            f"footnote: {', '.join(entity.policy.footnotes)} (foreign direct product rule, "
            "15 CFR 734.9)"
            if entity.policy.footnotes
            else None,
            f"Federal Register: {entity.policy.federal_register_notice}"
            if entity.policy.federal_register_notice
            else None,
        ]
        conditions = (*conditions, *(p for p in parts if p))
        if review is None:
            summary += "; the row states no recognised review policy"
    return Finding(
        area="screening",
        regime=rule.regime,
        verdict=verdict,
        subject=subject,
        rule_id=rule.rule_id,
        citation=rule.citation,
        summary=summary,
        review_policy=review,
        conditions=conditions,
    )


ScreenFn = Callable[[Party], Sequence[Hit]]


@dataclass(frozen=True, slots=True)
class PartyOutcome:
    """Screening results and findings of every party of a transaction."""

    results: tuple[PartyResult, ...]
    findings: tuple[Finding, ...]
    checked: tuple[str, ...]


def no_match_finding(
    party: Party,
    subject: str,
    sources: Sequence[str],
    policy: ScreeningPolicy,
    stale: Sequence[Stale] = (),
) -> Finding:
    """The finding of a party with no hit: ``allowed``, or ``review`` naming each stale list."""
    if not stale:
        rule = policy.no_match
        return Finding(
            area="screening",
            regime=rule.regime,
            verdict=Verdict.ALLOWED,
            subject=subject,
            rule_id=rule.rule_id,
            citation=rule.citation,
            summary=f"{party.name}: {rule.summary} on {', '.join(sources)}",
        )
    rule = policy.stale
    return Finding(
        area="screening",
        regime=rule.regime,
        verdict=Verdict.REVIEW,
        subject=subject,
        rule_id=rule.rule_id,
        citation=rule.citation,
        summary=f"{party.name}: {rule.summary}: " + "; ".join(s.message() for s in stale),
        missing_facts=tuple(f"a current {s.source} list" for s in stale),
    )


def evaluate_parties(
    tx: Transaction,
    screen: ScreenFn,
    sources: Sequence[str],
    policy: ScreeningPolicy | None = None,
    stale: Sequence[Stale] = (),
) -> PartyOutcome:
    """Screen every party of ``tx`` with ``screen`` and decide what each hit means.

    Args:
        tx: the transaction.
        screen: returns the hits (score ≥ threshold) for one party, one per listed party
            (its other listings merged into :attr:`~prosper.model.Hit.listings`).
        sources: the list sources screened against, named in no-match findings.
        policy: the screening-policy table (the packaged one by default).
        stale: the sources older than their allowed age on ``tx.as_of``
            (:func:`prosper.screening.freshness.stale_sources`): a party without a hit is
            then ``review``, not ``allowed``.
    """
    policy = policy or load_screening_policy()
    results: list[PartyResult] = []
    findings: list[Finding] = []
    for index, party in enumerate(tx.parties):
        subject = f"parties[{index}]"
        hits = tuple(screen(party))
        ties = transaction_ties(tx, party)
        party_findings = [party_finding(h, subject, tx.as_of, policy, ties) for h in hits]
        if not party_findings:
            party_findings.append(no_match_finding(party, subject, sources, policy, stale))
        findings.extend(party_findings)
        results.append(
            PartyResult(
                index=index,
                role=party.role,
                name=party.name,
                verdict=Verdict.most_restrictive(f.verdict for f in party_findings),
                hits=hits,
            )
        )
    return PartyOutcome(results=tuple(results), findings=tuple(findings), checked=tuple(sources))


def policy_version() -> dict[str, Any]:
    """The screening-policy table's version, for the decision's ``versions`` block."""
    return {"screening_policy": load_screening_policy().version}
