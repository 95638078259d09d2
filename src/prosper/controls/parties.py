"""Party-based export controls applied per item: the Entity List, the MEU List, the Affiliates rule.

A party's Entity List or MEU listing requires a licence only for items *subject to the EAR*
(15 CFR 744.11, 744.21), so the consequence belongs to each item's US-EAR determination, not
to the party: :func:`party_facts` gives the items assessor the facts the per-item rules of
``rules/us_ear.yaml`` read, and :func:`defer_party_findings` turns the party screening's
blanket ``license_required`` into a pointer to those per-item findings when the transaction
has items. Pure: reads the screened parties and the rulebook's ``ownership_lists`` table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prosper.model import (
    Finding,
    Hit,
    ListPolicy,
    PartyResult,
    PartyRole,
    ReviewPolicy,
    Transaction,
    Verdict,
)

#: Party-screening rule ids whose licence requirement is decided per item.
PER_ITEM_LISTS = {"us-ear.744.11.entity-list": "EL", "us-ear.744.21.meu-list": "MEU"}


def _strong(hit: Hit) -> bool:
    return hit.match and hit.strong_alias and hit.qualifier_agrees


def row_policy(policy: ListPolicy | None, table: Mapping[str, str]) -> ReviewPolicy | None:
    """The review policy a list row states (None when it states none we recognise)."""
    if policy is None or not policy.license_policy:
        return None
    text = policy.license_policy.lower()
    for needle, value in table.items():
        if needle in text:
            return ReviewPolicy(value)
    return None


_ORDER = (
    ReviewPolicy.PRESUMPTION_OF_DENIAL,
    ReviewPolicy.CASE_BY_CASE,
    ReviewPolicy.PRESUMPTION_OF_APPROVAL,
)


def _strictest(policies: Iterable[ReviewPolicy | None]) -> str:
    found = {p for p in policies if p is not None}
    for p in _ORDER:
        if p in found:
            return p.value
    return "unstated"


def party_facts(
    parties: Sequence[PartyResult],
    tx: Transaction,
    policy_text: Mapping[str, str],
    affiliates_rule: str | None,
) -> dict[str, Any]:
    """Facts of the parties other than the exporter, for the per-item US-EAR rules.

    ``party.entity_list`` / ``party.meu``: a strong hit on that list; ``party.entity_list_policy``:
    the strictest review policy the rows state (``unstated`` when none); ``owners.affiliates.*``:
    the largest aggregate listed ownership (Entity List, MEU, SDN owners) of a party, the
    strictest policy of its listed owners, and who they are; ``settings.affiliates_rule``: the
    reading chosen for the Affiliates rule after its stay (None when unset).
    """
    el: list[tuple[str, Hit]] = []
    meu: list[tuple[str, Hit]] = []
    affiliates = []
    for pr in parties:
        if pr.role is PartyRole.EXPORTER:
            continue
        label = f"parties[{pr.index}] {tx.parties[pr.index].name}"
        for h in (x for hit in pr.hits for x in (hit, *hit.listings)):
            if not _strong(h):
                continue
            if h.entity.list_code == "EL":
                el.append((label, h))
            elif h.entity.list_code == "MEU":
                meu.append((label, h))
        for lo in pr.listed_ownership:
            if lo.family == "affiliates":
                affiliates.append((label, lo))
    top = max(affiliates, key=lambda a: a[1].aggregate_percent, default=None)
    return {
        "party.entity_list": bool(el),
        "party.entity_list_policy": _strictest(
            row_policy(h.entity.policy, policy_text) for _, h in el
        ),
        "party.entity_list_names": "; ".join(
            f"{lbl}: {h.entity.name} ({h.entity.id})" for lbl, h in el
        )
        or None,
        "party.meu": bool(meu),
        "party.meu_names": "; ".join(f"{lbl}: {h.entity.name} ({h.entity.id})" for lbl, h in meu)
        or None,
        "owners.affiliates.listed": bool(affiliates),
        "owners.affiliates.aggregate_percent": 0.0 if top is None else top[1].aggregate_percent,
        "owners.affiliates.policy": _strictest(
            lo.review_policy for _, lo in affiliates if lo.aggregate_percent >= 50
        ),
        "owners.affiliates.names": "; ".join(
            f"{lbl} owned {lo.aggregate_percent:g} % in aggregate by {', '.join(lo.owners)}"
            for lbl, lo in affiliates
        )
        or None,
        "settings.affiliates_rule": affiliates_rule,
    }


def defer_party_findings(findings: Sequence[Finding], tx: Transaction) -> tuple[Finding, ...]:
    """Entity List / MEU party findings point to the per-item determinations when there are items.

    Without items the party finding stands (and ``export-kyc.no-items`` asks for the items).
    """
    if not tx.items:
        return tuple(findings)
    out: list[Finding] = []
    for f in findings:
        code = PER_ITEM_LISTS.get(f.rule_id)
        if code is None or f.verdict is not Verdict.LICENSE_REQUIRED:
            out.append(f)
            continue
        out.append(
            Finding(
                area=f.area,
                regime=f.regime,
                verdict=Verdict.ALLOWED_WITH_CONDITIONS,
                subject=f.subject,
                rule_id=f.rule_id,
                citation=f.citation,
                summary=f"{f.summary}; the licence requirement applies to the items subject to "
                "the EAR and is decided per item (see the items' US-EAR findings)",
                review_policy=f.review_policy,
                conditions=(
                    "no item subject to the EAR may go to this party without a licence "
                    "(no licence exception, §744.11(a) / §744.21)",
                    *f.conditions,
                ),
            )
        )
    return tuple(out)
