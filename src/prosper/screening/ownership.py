"""Who stands behind a party: owner chains screened like parties, listed ownership computed.

Pure. A party's ``owners`` (recursive: each owner may name its own owners) are screened with
the same function as the parties. For each *list family* of the reference table
``rules/tables/ownership_lists.yaml`` (``blocked``: OFAC blocked persons; ``affiliates``: the
parties the BIS Affiliates rule counts) this module computes, per party:

* **individually** — each listed owner's direct share and its share *multiplied along the
  chain* (an owner holding 60 % of a holding that holds 50 % of the party holds 30 % of it);
* **in aggregate** — the OFAC FAQ 401 method the Affiliates rule adopts: the shares held by
  listed owners, and by owners that are themselves 50 % or more owned (in aggregate, directly or
  indirectly) by listed owners, are added (``aggregate_percent``); the sum of the multiplied
  shares of the topmost listed owners on each path is reported beside it (``indirect_percent``).

What those numbers mean is the rules': the OFAC 50 % rule (``rules/us_ofac.yaml``, evaluated
here per party) and the Affiliates rule (``rules/us_ear.yaml``, per item in
:mod:`prosper.controls`). An owner's own hits are not findings about a *party*: a strong hit
only feeds the ownership facts, a weak hit gives ``review`` (confirm or clear it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.model import (
    Finding,
    Hit,
    ListedOwnership,
    Owner,
    OwnerResult,
    Party,
    PartyResult,
    PartyRole,
    Transaction,
    Verdict,
)
from prosper.rulebook import Rulebook, load_rulebook, strictest_policy
from prosper.screening.parties import (
    ScreeningPolicy,
    hit_finding,
    is_strong,
    load_screening_policy,
    review_policy_of,
)

#: At or above this aggregate share an owner counts as listed itself (OFAC FAQ 401; the
#: Affiliates rule uses the same threshold). The legal consequence is the rules'.
DEEMED_AT = 50.0

ScreenFn = Callable[[Party], Sequence[Hit]]


@dataclass(frozen=True, slots=True)
class Families:
    """List codes per family, from ``tables/ownership_lists.yaml``."""

    codes: Mapping[str, frozenset[str]]

    @classmethod
    def from_rulebook(cls, book: Rulebook) -> Families:
        data = book.table("ownership_lists").data
        return cls({name: frozenset(row["lists"]) for name, row in data["families"].items()})


def owner_as_party(owner: Owner) -> Party:
    """The screening query for an owner: its name, aliases, type, country and identifiers."""
    return Party(
        name=owner.name,
        role=PartyRole.END_USER,
        country=owner.country,
        type=owner.type,
        aliases=owner.aliases,
        identifiers=owner.identifiers,
    )


def _walk(owners: Sequence[Owner], base: str, factor: float) -> list[tuple[str, Owner, float]]:
    out: list[tuple[str, Owner, float]] = []
    for j, owner in enumerate(owners):
        path = f"{base}.owners[{j}]"
        share = factor * owner.percent / 100.0
        out.append((path, owner, share * 100.0))
        out.extend(_walk(owner.owners, path, share))
    return out


def screen_owners(
    owners: Sequence[Owner], base: str, screen: ScreenFn, policy: ScreeningPolicy
) -> tuple[OwnerResult, ...]:
    """Screen every owner in the chain under ``base`` (e.g. ``parties[1]``)."""
    results: list[OwnerResult] = []
    for path, owner, indirect in _walk(owners, base, 1.0):
        hits = tuple(screen(owner_as_party(owner)))
        strong = [x for h in hits for x in (h, *h.listings) if is_strong(x)]
        policies = [review_policy_of(h.entity.policy, policy.policy_text) for h in strong]
        results.append(
            OwnerResult(
                path=path,
                name=owner.name,
                percent=owner.percent,
                indirect_percent=round(indirect, 4),
                country=owner.country,
                hits=hits,
                lists=tuple(sorted({h.entity.list_code for h in strong})),
                review_policy=strictest_policy(policies),
            )
        )
    return tuple(results)


def _aggregate(
    owners: Sequence[Owner], base: str, listed: Callable[[str], bool]
) -> tuple[float, dict[str, float]]:
    """OFAC FAQ 401: shares held by listed owners or owners ≥ 50 % owned by listed owners.

    Returns the aggregate and the owners deemed listed, with the share of them listed owners hold.
    """
    total = 0.0
    deemed: dict[str, float] = {}
    for j, owner in enumerate(owners):
        path = f"{base}.owners[{j}]"
        inner, inner_deemed = _aggregate(owner.owners, path, listed)
        deemed.update(inner_deemed)
        if listed(path):
            total += owner.percent
        elif inner >= DEEMED_AT:
            deemed[path] = inner
            total += owner.percent
    return total, deemed


def _indirect(results: Sequence[OwnerResult], codes: frozenset[str]) -> tuple[float, list[str]]:
    """The multiplied shares of the topmost listed owners on each path (no double counting)."""
    total = 0.0
    counted: list[str] = []
    for r in results:
        if not set(r.lists) & codes:
            continue
        if any(r.path.startswith(p + ".") for p in counted):
            continue
        counted.append(r.path)
        total += r.indirect_percent
    return total, counted


def listed_ownership(
    owners: Sequence[Owner], base: str, results: Sequence[OwnerResult], families: Families
) -> tuple[tuple[ListedOwnership, ...], tuple[OwnerResult, ...]]:
    """Per family: aggregate and multiplied listed ownership; owners marked ``deemed:<family>``."""
    by_path = {r.path: r for r in results}
    out: list[ListedOwnership] = []
    deemed_marks: dict[str, list[str]] = {}
    for family, codes in sorted(families.codes.items()):

        def listed(path: str, codes: frozenset[str] = codes) -> bool:
            return bool(set(by_path[path].lists) & codes)

        aggregate, deemed = _aggregate(owners, base, listed)
        indirect, _ = _indirect(results, codes)
        for path in deemed:
            deemed_marks.setdefault(path, []).append(f"deemed:{family}")
        named = [r for r in results if set(r.lists) & codes]
        if not named:
            continue
        labels = [
            f"{r.name} ({', '.join(sorted(set(r.lists) & codes))}; {r.percent:g} % direct, "
            f"{r.indirect_percent:g} % of the party along the chain; {r.path})"
            for r in named
        ] + [
            f"{by_path[path].name} (counted as listed: {inner:g} % owned by listed owners; "
            f"{by_path[path].percent:g} % direct; {path})"
            for path, inner in sorted(deemed.items())
        ]
        out.append(
            ListedOwnership(
                family=family,
                aggregate_percent=round(min(aggregate, 100.0), 4),
                indirect_percent=round(min(indirect, 100.0), 4),
                owners=tuple(labels),
                review_policy=strictest_policy(r.review_policy for r in named),
            )
        )
    marked = tuple(
        OwnerResult(
            path=r.path,
            name=r.name,
            percent=r.percent,
            indirect_percent=r.indirect_percent,
            country=r.country,
            hits=r.hits,
            lists=(*r.lists, *deemed_marks.get(r.path, ())),
            review_policy=r.review_policy,
        )
        for r in results
    )
    return tuple(out), marked


def us_nexus(tx: Transaction) -> bool | None:
    """Whether a US person or the United States is involved on the facts (None: not known).

    True when the export leaves from the US, a party is located in the US, an item is of US
    origin or a data transfer goes to or from the US; False when origin and exporter are known
    and none of these holds.
    """
    if tx.origin_country == "US":
        return True
    if any(p.country == "US" for p in tx.parties):
        return True
    if any(i.us_origin is True for i in tx.items):
        return True
    if any("US" in (d.from_country, d.to_country) for d in tx.data_transfers):
        return True
    exporters = [p for p in tx.parties if p.role is PartyRole.EXPORTER]
    if tx.origin_country is None or not exporters or any(p.country is None for p in exporters):
        return None
    return False


def other_lists(results: Sequence[OwnerResult], families: Families) -> str | None:
    """Owners with strong hits on lists outside every family, for ``export-kyc`` (None: none)."""
    covered = frozenset().union(*families.codes.values())
    named = [
        f"{r.name} ({', '.join(other)}; {r.path})"
        for r in results
        if (other := [c for c in r.lists if c not in covered and not c.startswith("deemed:")])
    ]
    return "; ".join(named) or None


def ownership_facts(listed: Sequence[ListedOwnership], tx: Transaction) -> dict[str, Any]:
    """The facts ``rules/us_ofac.yaml`` reads for one party."""
    blocked = next((x for x in listed if x.family == "blocked"), None)
    return {
        "owners.blocked.listed": blocked is not None,
        "owners.blocked.aggregate_percent": 0.0 if blocked is None else blocked.aggregate_percent,
        "owners.blocked.indirect_percent": 0.0 if blocked is None else blocked.indirect_percent,
        "owners.blocked.names": None if blocked is None else "; ".join(blocked.owners),
        "transaction.us_nexus": us_nexus(tx),
    }


@dataclass(frozen=True, slots=True)
class OwnershipOutcome:
    """Parties with their owners screened, and the findings about the owners."""

    results: tuple[PartyResult, ...]
    findings: tuple[Finding, ...]


def _rule_findings(
    book: Rulebook, facts: Mapping[str, Any], subject: str, on: date
) -> list[Finding]:
    out: list[Finding] = []
    if facts.get("owners.other_lists"):
        for m in book.evaluate("EXPORT-KYC", facts, on, "enforced"):
            if m.rule.id == "export-kyc.listed-owner-other-list":
                out.append(
                    Finding(
                        area="screening",
                        regime="EXPORT-KYC",
                        verdict=m.verdict,
                        subject=subject,
                        rule_id=m.rule.id,
                        citation=str(m.rule.citation),
                        summary=m.summary,
                    )
                )
    for m in book.evaluate("US-OFAC", facts, on, "enforced"):
        missing = tuple(
            "origin_country, parties[role=exporter].country" if f == "transaction.us_nexus" else f
            for f in m.missing_facts
        )
        summary = m.summary
        if m.undecided:
            summary = (
                f"{m.rule.title}: owned {facts['owners.blocked.aggregate_percent']:g} % by "
                f"blocked persons ({facts['owners.blocked.names']}); whether a US person or the "
                f"US is involved decides — give {', '.join(missing)}"
            )
        out.append(
            Finding(
                area="screening",
                regime="US-OFAC",
                verdict=m.verdict,
                subject=subject,
                rule_id=m.rule.id,
                citation=str(m.rule.citation),
                summary=summary,
                review_policy=m.review_policy,
                conditions=m.conditions,
                missing_facts=missing,
            )
        )
    return out


def assess_ownership(
    tx: Transaction,
    parties: Sequence[PartyResult],
    screen: ScreenFn,
    book: Rulebook | None = None,
    policy: ScreeningPolicy | None = None,
) -> OwnershipOutcome:
    """Screen every owner of every party, compute listed ownership, apply the OFAC 50 % rule.

    Returns the party results with ``owners`` and ``listed_ownership`` filled in, and the
    findings: ``review`` for each weak (possible) owner hit, and the US-OFAC rule matches per
    party with owners. The owners of a data transfer's recipient are screened the same way
    (subjects ``data_transfers[k].recipient…``). The Affiliates rule is applied per item by
    :mod:`prosper.controls`.
    """
    book = book or load_rulebook()
    policy = policy or load_screening_policy()
    families = Families.from_rulebook(book)
    findings: list[Finding] = []
    out: list[PartyResult] = []
    for pr in parties:
        party = tx.parties[pr.index]
        if not party.owners:
            out.append(pr)
            continue
        base = f"parties[{pr.index}]"
        screened = screen_owners(party.owners, base, screen, policy)
        listed, marked = listed_ownership(party.owners, base, screened, families)
        for r in marked:
            for h in r.hits:
                if not is_strong(h):
                    findings.append(hit_finding(h, r.path, tx.as_of, policy))
        facts = {**ownership_facts(listed, tx), "owners.other_lists": other_lists(marked, families)}
        findings.extend(_rule_findings(book, facts, base, tx.as_of))
        out.append(
            PartyResult(
                index=pr.index,
                role=pr.role,
                name=pr.name,
                verdict=Verdict.most_restrictive(
                    [
                        pr.verdict,
                        *(
                            f.verdict
                            for f in findings
                            if f.subject == base or f.subject.startswith(base + ".")
                        ),
                    ]
                ),
                hits=pr.hits,
                owners=marked,
                listed_ownership=listed,
            )
        )
    for k, transfer in enumerate(tx.data_transfers):
        recipient = transfer.recipient
        if recipient is None or not recipient.owners:
            continue
        base = f"data_transfers[{k}].recipient"
        screened = screen_owners(recipient.owners, base, screen, policy)
        listed, marked = listed_ownership(recipient.owners, base, screened, families)
        findings.extend(
            hit_finding(h, r.path, tx.as_of, policy)
            for r in marked
            for h in r.hits
            if not is_strong(h)
        )
        facts = {**ownership_facts(listed, tx), "owners.other_lists": other_lists(marked, families)}
        findings.extend(_rule_findings(book, facts, base, tx.as_of))
    return OwnershipOutcome(results=tuple(out), findings=tuple(findings))
