"""The domain model: frozen values shared by every part of Prosper.

Two families live here:

* **List entities** (:class:`Entity` and its parts) — one normalised shape for every official
  list reader; defined in :mod:`prosper.entities` and importable from here.
* **Transactions and decisions** (:class:`Transaction`, :class:`Finding`, :class:`Decision`) —
  the input and output of ``prosper check``, in the vocabulary of the interface contract;
  defined in :mod:`prosper.transactions` and importable from here, loaded on first use (a
  process that only screens names does not create their fifteen classes: ~0.02 s of CPU).

Everything is a frozen dataclass; validation of outside input happens at the edges
(:mod:`prosper.schema`), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from prosper.entities import (  # re-exported: the list entity types
    Address as Address,
)
from prosper.entities import (
    Alias as Alias,
)
from prosper.entities import (
    Entity as Entity,
)
from prosper.entities import (
    EntityType as EntityType,
)
from prosper.entities import (
    Identifier as Identifier,
)
from prosper.entities import (
    ListPolicy as ListPolicy,
)


class Verdict(StrEnum):
    """The one verdict vocabulary, from most to least restrictive."""

    PROHIBITED = "prohibited"
    LICENSE_REQUIRED = "license_required"
    REVIEW = "review"
    ALLOWED_WITH_CONDITIONS = "allowed_with_conditions"
    ALLOWED = "allowed"
    NOT_SUBJECT = "not_subject"

    @property
    def severity(self) -> int:
        """Higher is more restrictive: ``prohibited`` is 5, ``not_subject`` is 0."""
        return _SEVERITY[self]

    @classmethod
    def most_restrictive(cls, verdicts: Any) -> Verdict:
        """The most restrictive of ``verdicts``; ``allowed`` when there are none.

        >>> Verdict.most_restrictive([Verdict.ALLOWED, Verdict.REVIEW])
        <Verdict.REVIEW: 'review'>
        """
        found = [cls(v) for v in verdicts]
        if not found:
            return cls.ALLOWED
        return max(found, key=lambda v: v.severity)


_SEVERITY = {
    Verdict.PROHIBITED: 5,
    Verdict.LICENSE_REQUIRED: 4,
    Verdict.REVIEW: 3,
    Verdict.ALLOWED_WITH_CONDITIONS: 2,
    Verdict.ALLOWED: 1,
    Verdict.NOT_SUBJECT: 0,
}


class ReviewPolicy(StrEnum):
    """Licence review policies named by the EAR and the lists."""

    PRESUMPTION_OF_DENIAL = "presumption_of_denial"
    CASE_BY_CASE = "case_by_case"
    PRESUMPTION_OF_APPROVAL = "presumption_of_approval"


# --------------------------------------------------------------------------- transactions


class PartyRole(StrEnum):
    """Roles of a party to a transaction (EAR Part 748 vocabulary)."""

    EXPORTER = "exporter"
    PURCHASER = "purchaser"
    INTERMEDIATE_CONSIGNEE = "intermediate_consignee"
    ULTIMATE_CONSIGNEE = "ultimate_consignee"
    END_USER = "end_user"


class ItemKind(StrEnum):
    """What an item of a transaction is."""

    INTEGRATED_CIRCUIT = "integrated_circuit"
    COMPUTER = "computer"
    HBM = "hbm"
    MODEL_WEIGHTS = "model_weights"
    SOFTWARE = "software"
    TECHNOLOGY = "technology"
    OTHER = "other"


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class Explanation:
    """One scored feature behind a screening hit."""

    feature: str
    score: float
    detail: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A list entity that matched a screened name, with its score and explanation.

    ``listings`` are the same party's hits on other lists (same name and type with no
    disagreeing identifier, date of birth or country, or a cross-reference such as a UN
    reference number), merged into this one: one party, all its listings.
    """

    entity: Entity
    matched_name: str
    score: float
    match: bool
    explanation: tuple[Explanation, ...] = ()
    strong_alias: bool = True
    qualifier_agrees: bool = False
    listings: tuple[Hit, ...] = ()

    def all_listings(self) -> tuple[Hit, ...]:
        """This hit and the same party's hits on other lists, this one first."""
        return (self, *self.listings)


_MOVED = frozenset(
    {
        "DataTransfer",
        "Decision",
        "EndUse",
        "Finding",
        "Item",
        "ListedOwnership",
        "OnwardTransfer",
        "Owner",
        "OwnerResult",
        "Ownership",
        "Party",
        "PartyResult",
        "Performance",
        "Recipient",
        "Transaction",
    }
)

if TYPE_CHECKING:
    from prosper.transactions import DataTransfer as DataTransfer
    from prosper.transactions import Decision as Decision
    from prosper.transactions import EndUse as EndUse
    from prosper.transactions import Finding as Finding
    from prosper.transactions import Item as Item
    from prosper.transactions import ListedOwnership as ListedOwnership
    from prosper.transactions import OnwardTransfer as OnwardTransfer
    from prosper.transactions import Owner as Owner
    from prosper.transactions import OwnerResult as OwnerResult
    from prosper.transactions import Ownership as Ownership
    from prosper.transactions import Party as Party
    from prosper.transactions import PartyResult as PartyResult
    from prosper.transactions import Performance as Performance
    from prosper.transactions import Recipient as Recipient
    from prosper.transactions import Transaction as Transaction
else:

    def __getattr__(name: str) -> Any:
        """The transaction and decision classes, from :mod:`prosper.transactions` on first use."""
        if name in _MOVED:
            from prosper import transactions

            value = getattr(transactions, name)
            globals()[name] = value  # the next look-up is a plain attribute
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
