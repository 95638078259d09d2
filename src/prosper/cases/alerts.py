"""Alerts: screening registered parties into the queue, and reviewer decisions.

Syncing a party's hits (:func:`sync_hits`), per ``(party, list entity)`` pair and the pair's
newest alert:

* no alert yet, or the last one was closed → a new ``open`` alert;
* an ``open`` / ``escalated`` / ``pending`` alert → kept (score and list version refreshed);
* a ``false_positive`` → **suppressed** while the party's screened data and the list entry are
  both unchanged; otherwise a new alert opens saying what changed (``party data changed``,
  ``list entry changed: aliases, remarks``);
* a ``true_match`` → kept; nothing new opens.

Reviewer transitions (escalate, decide, four-eyes) are in :mod:`prosper.cases.review`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from prosper.audit import AuditLog
from prosper.audit.migrations import write_transaction
from prosper.cases.model import (
    Alert,
    AlertState,
    RegisteredParty,
    SyncCounts,
    entity_fingerprint,
)
from prosper.cases.store import CaseStore
from prosper.cases.store_hooks import now
from prosper.model import Entity, Hit

Notify = Callable[[str, dict[str, Any]], None]
MAX_REASON = 2000


class Screener(Protocol):
    """What re-screening needs of the engine (:class:`prosper.engine.Engine` is one)."""

    @property
    def threshold(self) -> float: ...

    def screen_party(self, party: Any) -> tuple[Hit, ...]: ...


def _quiet(_event: str, _payload: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """One listed entity a party hit, with the hit it came from."""

    entity: Entity
    hit: Hit


def found_entities(hits: Sequence[Hit]) -> dict[str, Found]:
    """Every list entity of ``hits`` (each merged listing is its own entity), best hit each."""
    out: dict[str, Found] = {}
    for hit in hits:
        for listing in hit.all_listings():
            known = out.get(listing.entity.id)
            if known is None or listing.score > known.hit.score:
                out[listing.entity.id] = Found(listing.entity, listing)
    return out


def _explanation(hit: Hit) -> str:
    return json.dumps(
        [{"feature": e.feature, "score": e.score, "detail": e.detail} for e in hit.explanation],
        ensure_ascii=False,
    )


def _changes(alert: Alert, party_fp: str, entity_fp: str) -> str | None:
    what = []
    if alert.party_fingerprint != party_fp:
        what.append("party data changed")
    if alert.entity_fingerprint != entity_fp:
        what.append("list entry changed")
    return "; ".join(what) or None


def _audit(
    audit: AuditLog | None, actor: str, action: str, alert: dict[str, Any], extra: dict[str, Any]
) -> int | None:
    if audit is None:
        return None
    record = audit.append(
        kind="alert",
        input={
            "action": action,
            "alert_id": alert.get("id"),
            "party_id": alert["party_id"],
            "entity_id": alert["entity_id"],
            **{k: v for k, v in extra.items() if k != "to"},
        },
        output={"state": extra.get("to"), "score": alert.get("score")},
        versions={"lists": {alert["source"]: alert["list_version"]}},
        actor=actor,
    )
    return record.id


@dataclass(frozen=True, slots=True)
class SyncRequest:
    """Hits of some parties to bring into the queue."""

    results: Sequence[tuple[RegisteredParty, tuple[Hit, ...]]]
    versions: dict[str, str]
    actor: str
    changed_entities: dict[str, tuple[str, ...]] | None = None  # entity id → changed fields
    via: dict[tuple[str, str], str] | None = None  # (party, entity) → the owner that hit


def sync_hits(
    store: CaseStore,
    request: SyncRequest,
    audit: AuditLog | None = None,
    notify: Notify = _quiet,
    conn: sa.Connection | None = None,
) -> SyncCounts:
    """Open, keep, suppress or reopen alerts for each party's hits (one transaction)."""
    opened: list[dict[str, Any]] = []
    counts = {"opened": 0, "reopened": 0, "suppressed": 0, "unchanged": 0}
    at = now()
    ids = [p.id for p, _ in request.results]

    def run(c: sa.Connection) -> None:
        current = store.current_alerts(ids, c)
        updates: list[dict[str, Any]] = []
        for party, hits in request.results:
            party_fp = party.fingerprint
            for entity_id, found in found_entities(hits).items():
                entity_fp = entity_fingerprint(found.entity)
                alert = current.get((party.id, entity_id))
                because = "screened: new hit"
                previous = None
                if alert is not None and alert.state is AlertState.FALSE_POSITIVE:
                    change = _changes(alert, party_fp, entity_fp)
                    if change is None:
                        counts["suppressed"] += 1
                        continue
                    fields = (request.changed_entities or {}).get(entity_id)
                    if fields and "list entry changed" in change:
                        change = change.replace(
                            "list entry changed", f"list entry changed: {', '.join(fields)}"
                        )
                    because, previous = f"reopened: {change}", alert.id
                    counts["reopened"] += 1
                elif alert is not None and alert.state is not AlertState.CLOSED:
                    updates.append(
                        {
                            "alert_id": alert.id,
                            "score": found.hit.score,
                            "list_version": request.versions.get(
                                found.entity.source, alert.list_version
                            ),
                            "updated_at": at,
                        }
                    )
                    counts["unchanged"] += 1
                    continue
                else:
                    counts["opened"] += 1
                values = {
                    "party_id": party.id,
                    "entity_id": entity_id,
                    "source": found.entity.source,
                    "list_code": found.entity.list_code,
                    "entity_name": found.entity.name,
                    "matched_name": found.hit.matched_name,
                    "via": (request.via or {}).get((party.id, entity_id)),
                    "list_version": request.versions.get(found.entity.source, "unknown"),
                    "score": round(found.hit.score, 4),
                    "explanation": _explanation(found.hit),
                    "state": AlertState.OPEN.value,
                    "party_fingerprint": party_fp,
                    "entity_fingerprint": entity_fp,
                    "opened_because": because,
                    "previous_id": previous,
                    "created_at": at,
                    "updated_at": at,
                }
                opened.append(values)
        # one statement each for the batch's new alerts, their events and the kept alerts
        # (a statement per row cost more in building statements than in SQL); the rows go in
        # the loop's order, so the ids are those a row at a time would get
        for values, alert_id in zip(opened, store.insert_alerts(c, opened), strict=True):
            values["id"] = alert_id
        events = [
            {
                "alert_id": values["id"],
                "at": at,
                "actor": request.actor,
                "action": "opened",
                "from_state": None,
                "to_state": "open",
                "reason": values["opened_because"],
            }
            for values in opened
        ]
        store.add_events(c, events)
        store.update_alerts(c, updates)
        store.mark_screened(ids, c)

    if conn is None:
        with write_transaction(store.engine) as c:
            run(c)
    else:
        run(conn)
    for values in opened:
        if audit is not None:
            _audit(
                audit,
                request.actor,
                "opened",
                values,
                {"reason": values["opened_because"], "to": "open"},
            )
        notify("alert.opened", _event_body(values))
    return SyncCounts(
        screened=len(ids),
        opened=counts["opened"],
        reopened=counts["reopened"],
        suppressed=counts["suppressed"],
        unchanged=counts["unchanged"],
        opened_ids=tuple(int(v["id"]) for v in opened),
    )


def _event_body(values: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "party_id",
        "entity_id",
        "source",
        "list_code",
        "entity_name",
        "matched_name",
        "via",
        "list_version",
        "score",
        "state",
        "opened_because",
    )
    return {k: values.get(k) for k in keys}


def close_delisted(
    store: CaseStore,
    removed: Sequence[Entity],
    actor: str,
    audit: AuditLog | None = None,
    note: str = "",
) -> int:
    """Close every open / escalated / pending alert on a delisted entity, with the reason."""
    by_id = {e.id: e for e in removed}
    todo = [a for a in store.alerts_on_entities(by_id) if not a.state.final]
    at = now()
    for alert in todo:
        entity = by_id[alert.entity_id]
        reason = f"delisted: {entity.name} removed from {entity.source}{note}"
        audit_id = _audit(
            audit,
            actor,
            "closed",
            _alert_values(alert),
            {"reason": reason, "to": "closed", "from": alert.state.value},
        )
        with write_transaction(store.engine) as conn:
            store.update_alert(
                conn,
                alert.id,
                {"state": "closed", "updated_at": at, "proposed": None, "proposed_by": None},
            )
            store.add_event(
                conn,
                {
                    "alert_id": alert.id,
                    "at": at,
                    "actor": actor,
                    "action": "closed",
                    "from_state": alert.state.value,
                    "to_state": "closed",
                    "reason": reason,
                    "audit_id": audit_id,
                },
            )
    return len(todo)


def _alert_values(alert: Alert) -> dict[str, Any]:
    return alert.to_dict()
