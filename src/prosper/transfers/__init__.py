"""Cross-border data-transfer assessment (KR-PIPA, KR-SECTOR, US-DSP, US-PADFA, US-STATE,
EU-GDPR, JP-APPI) as cited, dated rules.

Public API::

    assess_transfers(ctx: CheckContext) -> Assessment      # the `prosper check` assessor
    assess_one(tx, index, rulebook, reading="enforced") -> tuple[Determination, ...]
    compute_facts(tx, index, ref=None) -> dict[str, Any]    # the facts the rules test
    REGIMES, SAFEGUARDS, CATEGORIES

The rules live in ``src/prosper/rules/`` (``kr_pipa.yaml``, ``us_dsp.yaml`` …);
``docs/data_transfers.md`` explains them.
"""

from __future__ import annotations

from prosper.transfers.assess import REGIMES, Determination, assess_one, assess_transfers
from prosper.transfers.facts import CATEGORIES, SAFEGUARDS, compute_facts

__all__ = [
    "CATEGORIES",
    "REGIMES",
    "SAFEGUARDS",
    "Determination",
    "assess_one",
    "assess_transfers",
    "compute_facts",
]
