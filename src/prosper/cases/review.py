"""Reviewer decisions on alerts.

Transitions (:func:`escalate`, :func:`decide`) are made by a named reviewer with a reason and
written to the audit log (kind ``alert``) before the state changes. With four-eyes on, a
``true_match`` and the clearing (``false_positive``) of an alert on a sanctions list need a
second, different reviewer: the first decision leaves the alert ``pending`` with the proposal.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from prosper.audit import AuditLog
from prosper.audit.migrations import write_transaction
from prosper.cases.alerts import MAX_REASON, Notify, _alert_values, _audit, _quiet
from prosper.cases.model import DECISIONS, Alert, AlertState
from prosper.cases.store import CaseStore
from prosper.cases.store_hooks import now
from prosper.errors import ConflictError, InputError


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InputError("a reason is required", field="reason")
    if len(text) > MAX_REASON:
        raise InputError(f"longer than {MAX_REASON} characters", field="reason")
    return text


def _actor(actor: str) -> str:
    if not actor.strip():
        raise InputError("a named reviewer is required", field="actor")
    return actor.strip()


def escalate(
    store: CaseStore,
    alert_id: int,
    *,
    actor: str,
    reason: str,
    audit: AuditLog | None = None,
    claim: str | None = None,
) -> Alert:
    """``open`` → ``escalated`` (``claim`` as for :func:`decide`)."""
    actor, reason = _actor(actor), _reason(reason)
    alert = store.alert(alert_id)
    if alert.state is not AlertState.OPEN:
        raise ConflictError(
            f"alert {alert_id} is {alert.state.value}; only an open alert can be escalated"
        )
    return _move(store, alert, AlertState.ESCALATED, actor, reason, "escalated", audit, claim=claim)


def needs_second(alert: Alert, decision: AlertState, four_eyes: bool) -> bool:
    """True when ``decision`` on ``alert`` needs a second reviewer."""
    if not four_eyes:
        return False
    return decision is AlertState.TRUE_MATCH or (
        decision is AlertState.FALSE_POSITIVE and alert.sanctions
    )


def decide(
    store: CaseStore,
    alert_id: int,
    *,
    decision: str,
    actor: str,
    reason: str,
    four_eyes: bool = True,
    audit: AuditLog | None = None,
    notify: Notify = _quiet,
    claim: str | None = None,
) -> Alert:
    """Decide an alert ``true_match`` or ``false_positive`` (see the module docstring).
    ``claim``: who the caller says acts (``PROSPER_ACTOR`` on the CLI), recorded in the audit
    record as ``claimed_actor`` beside the actor, never in its place."""
    actor, reason = _actor(actor), _reason(reason)
    try:
        chosen = AlertState(decision)
    except ValueError:
        chosen = None
    if chosen not in DECISIONS:
        raise InputError("must be true_match or false_positive", field="as")
    assert chosen is not None
    alert = store.alert(alert_id)
    if alert.state.final:
        raise ConflictError(f"alert {alert_id} is already {alert.state.value}")
    if needs_second(alert, chosen, four_eyes):
        if alert.state is AlertState.PENDING and alert.proposed is chosen:
            if alert.proposed_by == actor:
                raise ConflictError(
                    f"four-eyes: {actor} proposed {chosen.value}; a second reviewer must confirm it"
                )
            done = _move(store, alert, chosen, actor, reason, "confirmed", audit, claim=claim)
            notify("alert.decided", {**done.to_dict(), "reason": reason})
            return done
        return _move(
            store,
            alert,
            AlertState.PENDING,
            actor,
            reason,
            "proposed",
            audit,
            proposal=chosen,
            claim=claim,
        )
    done = _move(store, alert, chosen, actor, reason, "decided", audit, claim=claim)
    notify("alert.decided", {**done.to_dict(), "reason": reason})
    return done


def _move(
    store: CaseStore,
    alert: Alert,
    to: AlertState,
    actor: str,
    reason: str,
    action: str,
    audit: AuditLog | None,
    proposal: AlertState | None = None,
    claim: str | None = None,
) -> Alert:
    at = now()
    extra: dict[str, Any] = {"reason": reason, "from": alert.state.value, "to": to.value}
    if claim is not None:
        extra["claimed_actor"] = claim
    if proposal is not None:
        extra["proposed"] = proposal.value
    if action == "confirmed":
        extra["proposed_by"] = alert.proposed_by
    audit_id = _audit(audit, actor, action, _alert_values(alert), extra)
    values: dict[str, Any] = {"state": to.value, "updated_at": at}
    if proposal is not None:
        values |= {"proposed": proposal.value, "proposed_by": actor}
    elif to.final:
        values |= {"decided_at": at, "decided_by": actor}
    with write_transaction(store.engine) as conn:
        current = conn.execute(
            sa.text("SELECT state FROM case_alert WHERE id = :id"), {"id": alert.id}
        ).scalar_one()
        if current != alert.state.value:
            raise ConflictError(f"alert {alert.id} changed meanwhile (now {current}); try again")
        store.update_alert(conn, alert.id, values)
        store.add_event(
            conn,
            {
                "alert_id": alert.id,
                "at": at,
                "actor": actor,
                "action": action,
                "from_state": alert.state.value,
                "to_state": to.value if proposal is None else f"pending:{proposal.value}",
                "reason": reason,
                "audit_id": audit_id,
            },
        )
    return store.alert(alert.id)
