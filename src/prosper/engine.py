"""The engine: one loaded list snapshot, its screening index and the rulebook, composed.

:class:`Engine` is built once per process at an edge (CLI, API) and is then pure: ``screen``
and ``check`` take values and return values. Loading (files, caches) happens in
:mod:`prosper.service`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from prosper import __version__
from prosper.controls.licence import assess_items
from prosper.controls.parties import defer_party_findings
from prosper.controls.transaction import assess_transaction
from prosper.decide import Assessment, CheckContext, DecisionParts, decide
from prosper.lists import Snapshot
from prosper.memo import ScreenMemo as ScreenMemo
from prosper.model import Decision, Hit, Party, Transaction
from prosper.screening.document import result_document
from prosper.screening.freshness import Stale, stale_sources
from prosper.screening.index import ScreeningIndex
from prosper.screening.ownership import assess_ownership
from prosper.screening.parties import evaluate_parties, load_screening_policy
from prosper.screening.query import Query
from prosper.transfers import assess_transfers

PARTY_LIMIT = 10
"""Hits kept per name when screening a transaction's party or owner."""


@dataclass(frozen=True, slots=True)
class Engine:
    """Screening and decisions over one snapshot and one rulebook.

    ``max_age`` is how old (days) each source may be before screening against it is not a clean
    pass (:mod:`prosper.screening.freshness`; the screening policy's defaults when None).
    """

    snapshot: Snapshot
    index: ScreeningIndex
    threshold: float
    rulebook: Any = None
    max_age: Mapping[str, int] | None = None
    affiliates_rule: str | None = None  # PROSPER_AFFILIATES_RULE: in_force | stayed | None
    memo: ScreenMemo[Query, tuple[Hit, ...]] = field(
        default_factory=lambda: ScreenMemo(), compare=False, repr=False
    )
    """Recent party-name screenings of this engine (its lists do not change)."""
    _stale: dict[tuple[date, tuple[tuple[str, int], ...]], tuple[Stale, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """:meth:`stale_lists` by date and limits: the engine's sources never change, and every
    check of one day asks the same (issue 16: ~0.1 ms of a check worker's decision)."""

    def stale_lists(self, on: date) -> tuple[Stale, ...]:
        """The sources older than their allowed age on ``on``."""
        limits = self.max_age
        if limits is None:
            limits = load_screening_policy().freshness.max_age_days
        key = (on, tuple(limits.items()))
        found = self._stale.get(key)
        if found is None:
            found = stale_sources(self.snapshot.sources, on, limits)
            if len(self._stale) < 1024:  # as_of dates of a long-running server; bounded
                self._stale[key] = found
        return found

    # ------------------------------------------------------------------ screening

    def screen_hits(
        self, query: Query, *, threshold: float | None = None, limit: int = 10
    ) -> tuple[Hit, ...]:
        """Hits for ``query`` at ``threshold`` (the engine's default when None)."""
        return self.index.screen(
            query, threshold=self.threshold if threshold is None else threshold, limit=limit
        )

    def screen(
        self,
        query: Query,
        *,
        threshold: float | None = None,
        limit: int = 10,
        on: date | None = None,
    ) -> dict[str, Any]:
        """The contract's screening result document for ``query``, with a warning for each
        list older than its allowed age on ``on`` (today by default)."""
        used = self.threshold if threshold is None else threshold
        hits = self.screen_hits(query, threshold=used, limit=limit)
        warnings = [s.message() for s in self.stale_lists(on or date.today())]
        return result_document(query, used, self.snapshot.sources, hits, warnings)

    def screen_party(self, party: Party) -> tuple[Hit, ...]:
        """Hits for a transaction party: its name and each alias, best hit per entity."""
        # The party's own countries qualify a hit; a parent's country says nothing about
        # whether this party is the listed one.
        countries = tuple(c for c in (party.country, party.headquarters_country) if c)
        best: dict[str, Hit] = {}
        for name in (party.name, *party.aliases):
            query = Query(
                name=name,
                type=party.type,
                countries=countries,
                dob=party.dob,
                identifiers=party.identifiers,
            )
            hits = self.memo.get(query)
            if hits is None:
                hits = self.screen_hits(query, limit=PARTY_LIMIT)
                self.memo.put(query, hits)
            for hit in hits:
                known = best.get(hit.entity.id)
                if known is None or hit.score > known.score:
                    best[hit.entity.id] = hit
        # one hit per listed party with all its listings, whichever name found each
        return self.index.merge_listings(best.values())

    # ------------------------------------------------------------------ decisions

    def versions(self) -> dict[str, Any]:
        """Engine, rulebook and list versions recorded with every decision."""
        out: dict[str, Any] = {"engine": __version__}
        if self.rulebook is not None:
            out["rulebook"] = self.rulebook.version
            out["rulebook_digest"] = self.rulebook.digest
        out["screening_policy"] = load_screening_policy().version
        out["settings"] = {"affiliates_rule": self.affiliates_rule or "unset"}
        out["lists"] = self.snapshot.versions()
        return out

    def check(self, tx: Transaction, *, mode: str = "enforced") -> Decision:
        """Decide ``tx`` (a :class:`~prosper.model.Transaction`) under ``mode``."""
        stale = self.stale_lists(tx.as_of) if tx.parties else ()
        outcome = evaluate_parties(
            tx, self.screen_party, [s.source for s in self.snapshot.sources], stale=stale
        )
        owned = assess_ownership(tx, outcome.results, self.screen_party, self.rulebook)
        ctx = CheckContext(
            tx=tx,
            mode=mode,
            parties=owned.results,
            rulebook=self.rulebook,
            affiliates_rule=self.affiliates_rule,
        )
        assessments: list[Assessment] = [
            Assessment(enforced=defer_party_findings(outcome.findings, tx) + owned.findings)
        ]
        assessments.extend(assessor(ctx) for assessor in ASSESSORS)
        return decide(DecisionParts(context=ctx, assessments=assessments, versions=self.versions()))


# The areas a check runs after party screening, in order.
ASSESSORS: Sequence[Callable[[CheckContext], Assessment]] = (
    assess_transaction,
    assess_items,
    assess_transfers,
)
