"""Transaction-level export findings: thin input and the sanctions of the exporter's jurisdiction.

:func:`assess_transaction` evaluates, once per transaction, the regimes whose rules read facts
of the whole transaction rather than of one item:

* ``EXPORT-KYC`` (``rules/export_kyc.yaml``) — a transaction without items, or with items but
  without an end user / ultimate consignee, is ``review`` naming what is missing;
* ``UN-SC``, ``KR-SANCTIONS``, ``EU-SANCTIONS`` (``rules/sanctions.yaml``) — UN Security Council
  measures (binding every member state) and the Korean or EU measures when the exporter is in
  Korea or the EU, for every item whether or not it is subject to the EAR.

Python computes the facts; every conclusion is a rule's.
"""

from __future__ import annotations

from typing import Any

from prosper.decide import Assessment, CheckContext
from prosper.model import Finding, PartyRole, Transaction
from prosper.rulebook import Rulebook, load_rulebook

REGIMES = ("EXPORT-KYC", "UN-SC", "KR-SANCTIONS", "EU-SANCTIONS")
RECIPIENT_ROLES = (PartyRole.END_USER, PartyRole.ULTIMATE_CONSIGNEE)
_AREA = {"EXPORT-KYC": "completeness"}


def exporter_countries(tx: Transaction) -> tuple[str, ...] | None:
    """The origin country and every exporter's country; None when none is known."""
    found = [tx.origin_country] if tx.origin_country else []
    found += [p.country for p in tx.parties if p.role is PartyRole.EXPORTER and p.country]
    return tuple(dict.fromkeys(found)) or None


def transaction_facts(tx: Transaction, eu_members: frozenset[str]) -> dict[str, Any]:
    """The facts of ``rules/export_kyc.yaml`` and ``rules/sanctions.yaml``."""
    exporters = exporter_countries(tx)
    roles = [p.role.value for p in tx.parties]
    return {
        "transaction.item_count": len(tx.items),
        "transaction.data_transfer_count": len(tx.data_transfers),
        "transaction.has_end_user": any(p.role in RECIPIENT_ROLES for p in tx.parties),
        "transaction.parties_named": ", ".join(dict.fromkeys(roles)) or "no parties",
        "destination.country": tx.destination_country,
        "exporter.kr": None if exporters is None else "KR" in exporters,
        "exporter.eu": None if exporters is None else any(c in eu_members for c in exporters),
        "items.kinds": sorted({i.kind.value for i in tx.items}),
    }


def transaction_findings(tx: Transaction, book: Rulebook) -> tuple[Finding, ...]:
    """The findings of the transaction-level regimes on ``tx.as_of``."""
    eu = frozenset(book.table("sanctions_jurisdictions").data["eu_members"])
    facts = transaction_facts(tx, eu)
    out: list[Finding] = []
    for regime in REGIMES:
        for m in book.evaluate(regime, facts, tx.as_of, "enforced"):
            out.append(
                Finding(
                    area=_AREA.get(regime, "sanctions"),
                    regime=regime,
                    verdict=m.verdict,
                    subject="transaction",
                    rule_id=m.rule.id,
                    citation=str(m.rule.citation),
                    summary=m.summary,
                    review_policy=m.review_policy,
                    conditions=m.conditions,
                    missing_facts=m.missing_facts,
                )
            )
    return tuple(out)


def assess_transaction(ctx: CheckContext) -> Assessment:
    """The transaction-level assessor of ``prosper check`` (the same in both readings)."""
    book: Rulebook = ctx.rulebook if ctx.rulebook is not None else load_rulebook()
    return Assessment(enforced=transaction_findings(ctx.tx, book))
