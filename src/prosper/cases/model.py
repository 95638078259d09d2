"""Frozen values of case management: registered parties, alerts, their states and events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from prosper.model import Entity, EntityType, Party, PartyRole


class AlertState(StrEnum):
    """Where an alert stands.

    ``open`` → ``escalated`` → ``true_match`` / ``false_positive``; a decision that needs a
    second reviewer (four-eyes) leaves the alert ``pending`` with the proposal until a different
    reviewer confirms it. ``closed`` is set by the system only (the list entry was delisted).
    """

    OPEN = "open"
    ESCALATED = "escalated"
    PENDING = "pending"
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    CLOSED = "closed"

    @property
    def final(self) -> bool:
        """True for states no reviewer moves an alert out of."""
        return self in (AlertState.TRUE_MATCH, AlertState.FALSE_POSITIVE, AlertState.CLOSED)


DECISIONS = (AlertState.TRUE_MATCH, AlertState.FALSE_POSITIVE)

SANCTIONS_SOURCES = frozenset(
    {"us_ofac_sdn", "us_ofac_cons", "un_sc", "eu_fsf", "au_dfat", "ca_sema"}
)
"""Sources that are asset-freeze / sanctions lists: clearing an alert on one needs four eyes."""


@dataclass(frozen=True, slots=True)
class RegisteredParty:
    """One counterparty of the register, keyed by the user's stable id (customer number)."""

    id: str
    name: str
    type: EntityType = EntityType.ORGANIZATION
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    dob: str | None = None
    identifiers: tuple[str, ...] = ()
    owners: tuple[dict[str, Any], ...] = ()
    tags: tuple[str, ...] = ()

    def screened_data(self) -> dict[str, Any]:
        """The fields screening reads (what the fingerprint covers): the owners' names and
        countries too, since each owner is screened (tags and shares change no result). A
        party without owners has the digest it had before owners were screened."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type.value,
            "aliases": list(self.aliases),
            "countries": list(self.countries),
            "dob": self.dob,
            "identifiers": list(self.identifiers),
        }
        if self.owners:
            out["owners"] = [[o["name"], o.get("country")] for o in self.owners]
        return out

    @property
    def fingerprint(self) -> str:
        """``sha256:…`` of :meth:`screened_data` in canonical JSON."""
        return digest(self.screened_data())

    def to_party(self) -> Party:
        """The party as the screening engine takes it."""
        return Party(
            name=self.name,
            role=PartyRole.END_USER,
            country=self.countries[0] if self.countries else None,
            type=self.type,
            aliases=self.aliases,
            dob=self.dob,
            identifiers=self.identifiers,
            headquarters_country=self.countries[1] if len(self.countries) > 1 else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``parties show`` / ``GET /v1/parties/{id}``."""
        return {
            "id": self.id,
            **self.screened_data(),
            "owners": list(self.owners),
            "tags": list(self.tags),
            "fingerprint": self.fingerprint,
        }


def digest(value: Any) -> str:
    """``sha256:<hex>`` of ``value`` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def entity_fingerprint(entity: Entity) -> str:
    """Digest of a list entry's content (a changed entry reopens a suppressed alert)."""
    from dataclasses import asdict

    return digest(asdict(entity))


@dataclass(frozen=True, slots=True)
class Alert:
    """One hit of a registered party on one list entity, and where its review stands."""

    id: int
    party_id: str
    entity_id: str
    source: str
    list_code: str
    entity_name: str
    matched_name: str
    list_version: str
    score: float
    explanation: tuple[dict[str, Any], ...]
    state: AlertState
    party_fingerprint: str
    entity_fingerprint: str
    opened_because: str
    created_at: str
    updated_at: str
    proposed: AlertState | None = None
    proposed_by: str | None = None
    previous_id: int | None = None
    decided_at: str | None = None
    decided_by: str | None = None
    via: str | None = None  # the owner whose name hit ("owners[0] Foo Holdings"); None: the party

    @property
    def sanctions(self) -> bool:
        """True when the entity is on a sanctions list (:data:`SANCTIONS_SOURCES`)."""
        return self.source in SANCTIONS_SOURCES

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``alerts show`` / ``GET /v1/alerts/{id}``."""
        return {
            "id": self.id,
            "party_id": self.party_id,
            "entity_id": self.entity_id,
            "source": self.source,
            "list_code": self.list_code,
            "entity_name": self.entity_name,
            "matched_name": self.matched_name,
            "via": self.via,
            "list_version": self.list_version,
            "score": self.score,
            "explanation": list(self.explanation),
            "state": self.state.value,
            "proposed": None if self.proposed is None else self.proposed.value,
            "proposed_by": self.proposed_by,
            "opened_because": self.opened_because,
            "previous_id": self.previous_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "decided_at": self.decided_at,
            "decided_by": self.decided_by,
        }


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One state change of an alert."""

    id: int
    alert_id: int
    at: str
    actor: str
    action: str
    from_state: str | None
    to_state: str
    reason: str
    audit_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "id": self.id,
            "alert_id": self.alert_id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "audit_id": self.audit_id,
        }


@dataclass(frozen=True, slots=True)
class SyncCounts:
    """What screening some parties did to the alert queue."""

    screened: int = 0
    opened: int = 0
    reopened: int = 0
    suppressed: int = 0
    unchanged: int = 0
    closed: int = 0
    opened_ids: tuple[int, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "screened": self.screened,
            "opened": self.opened,
            "reopened": self.reopened,
            "suppressed": self.suppressed,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "opened_ids": list(self.opened_ids),
        }
