"""Transactions and decisions: the input and output of ``prosper check``, in the vocabulary of
the interface contract (frozen dataclasses, importable from :mod:`prosper.model` as before).

Kept apart from :mod:`prosper.model` so that a process that only screens names (``prosper
screen NAME``) does not create these fifteen classes at start-up; ``prosper.model`` loads this
module on the first use of one of its names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from prosper.entities import EntityType
from prosper.model import Hit, ItemKind, PartyRole, ReviewPolicy, Verdict


@dataclass(frozen=True, slots=True)
class Ownership:
    """A share of a party held from a country."""

    country: str
    percent: float


@dataclass(frozen=True, slots=True)
class Owner:
    """Who holds ``percent`` of a party (or of another owner): screened like a party.

    ``owners`` are this owner's own owners (the chain upwards); ``percent`` is the share this
    owner holds directly in the entity whose ``owners`` list names it.
    """

    name: str
    percent: float
    country: str | None = None
    type: EntityType = EntityType.ORGANIZATION
    owners: tuple[Owner, ...] = ()
    aliases: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    """A party to a transaction; every party is screened."""

    name: str
    role: PartyRole = PartyRole.END_USER
    country: str | None = None
    type: EntityType = EntityType.ORGANIZATION
    headquarters_country: str | None = None
    parent_country: str | None = None
    ownership: tuple[Ownership, ...] = ()
    aliases: tuple[str, ...] = ()
    dob: str | None = None
    identifiers: tuple[str, ...] = ()
    owners: tuple[Owner, ...] = ()


@dataclass(frozen=True, slots=True)
class Performance:
    """Dense peak performance at one operand bit length (TOPS = 10^12 ops/s)."""

    bits: int
    tops: float


@dataclass(frozen=True, slots=True)
class Item:
    """An item of a transaction with the technical facts classification needs."""

    description: str
    kind: ItemKind
    eccn: str | None = None
    quantity: int | None = None
    us_origin: bool | None = None
    us_content_percent: float | None = None
    made_with_us_technology: bool | None = None
    performance: tuple[Performance, ...] = ()
    tpp: float | None = None
    die_area_mm2: float | None = None
    datacenter: bool | None = None
    dram_bandwidth_gbps: float | None = None
    memory_bandwidth_density: float | None = None
    training_ops: float | None = None
    published: bool | None = None
    us_technology_eccns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EndUse:
    """What the items will be used for."""

    description: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Recipient:
    """The recipient of a data transfer."""

    name: str | None = None
    country: str | None = None
    ownership: tuple[Ownership, ...] = ()
    certifications: tuple[str, ...] = ()
    owners: tuple[Owner, ...] = ()


@dataclass(frozen=True, slots=True)
class OnwardTransfer:
    """A further transfer by the recipient of a data transfer (``data_transfers[].onward``)."""

    country: str
    name: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class DataTransfer:
    """One cross-border movement of data.

    ``collection``, ``same_entity``, ``access``, ``exporter_role``, ``importer_role`` and
    ``onward`` say who exports to whom (the transfer test of GDPR / PIPA / APPI); each is
    optional (None / empty when not given).
    """

    from_country: str
    to_country: str
    categories: tuple[str, ...]
    subjects_country: str | None = None
    subjects_count: int | None = None
    anonymised: bool = False
    pseudonymised: bool = False
    purpose: str | None = None
    transaction_type: str | None = None
    sector: str | None = None
    recipient: Recipient | None = None
    safeguards: tuple[str, ...] = ()
    collection: str | None = None
    same_entity: bool | None = None
    access: str | None = None
    exporter_role: str | None = None
    importer_role: str | None = None
    onward: tuple[OnwardTransfer, ...] = ()


@dataclass(frozen=True, slots=True)
class Transaction:
    """The input of ``prosper check``; ``as_of`` is filled with today at the edge if absent."""

    as_of: date
    id: str | None = None
    origin_country: str | None = None
    destination_country: str | None = None
    parties: tuple[Party, ...] = ()
    items: tuple[Item, ...] = ()
    end_use: EndUse = field(default_factory=EndUse)
    data_transfers: tuple[DataTransfer, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason in a decision: what regime said what about which subject, and why."""

    area: str
    regime: str
    verdict: Verdict
    subject: str
    rule_id: str
    citation: str
    summary: str
    review_policy: ReviewPolicy | None = None
    conditions: tuple[str, ...] = ()
    missing_facts: tuple[str, ...] = ()
    license_exception: str | None = None


@dataclass(frozen=True, slots=True)
class OwnerResult:
    """Screening outcome of one owner in a party's ownership chain.

    ``path`` is where the owner sits (``parties[1].owners[0].owners[1]``); ``percent`` its direct
    share in the entity below it; ``indirect_percent`` its share in the party, multiplied along
    the chain; ``lists`` the list codes of its strong hits (``SDN``, ``EL``, ``MEU`` …), plus
    ``deemed:<family>`` when it is itself owned 50 % or more by listed owners of that family.
    """

    path: str
    name: str
    percent: float
    indirect_percent: float
    country: str | None = None
    hits: tuple[Hit, ...] = ()
    lists: tuple[str, ...] = ()
    review_policy: ReviewPolicy | None = None


@dataclass(frozen=True, slots=True)
class ListedOwnership:
    """Listed ownership of one party for one list family (``blocked``, ``affiliates``).

    ``aggregate_percent`` counts the shares held by listed owners and by owners that are
    themselves 50 % or more owned by listed owners (OFAC FAQ 401, the Affiliates rule);
    ``indirect_percent`` adds the listed owners' shares multiplied along the chain.
    """

    family: str
    aggregate_percent: float
    indirect_percent: float
    owners: tuple[str, ...] = ()
    review_policy: ReviewPolicy | None = None


@dataclass(frozen=True, slots=True)
class PartyResult:
    """Screening outcome of one party of a transaction."""

    index: int
    role: PartyRole
    name: str
    verdict: Verdict
    hits: tuple[Hit, ...] = ()
    owners: tuple[OwnerResult, ...] = ()
    listed_ownership: tuple[ListedOwnership, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The output of ``prosper check`` (before the audit record is attached)."""

    id: str | None
    verdict: Verdict
    as_of: date
    mode: str
    findings: tuple[Finding, ...]
    parties: tuple[PartyResult, ...] = ()
    items: tuple[dict[str, Any], ...] = ()
    data_transfers: tuple[dict[str, Any], ...] = ()
    divergence: dict[str, Any] | None = None
    versions: dict[str, Any] = field(default_factory=dict)
