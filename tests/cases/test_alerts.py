"""Alerts: screening registered parties, suppression and reopening, decisions and four-eyes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from prosper.audit import AuditLog
from prosper.cases.model import AlertState, RegisteredParty
from prosper.cases.register_index import party_keys
from prosper.cases.rescreen import RescreenContext, screen_parties
from prosper.cases.review import decide, escalate
from prosper.cases.store import AlertFilter, CaseStore
from prosper.errors import ConflictError, InputError
from prosper.model import Entity, EntityType

from .helpers import BASE, engine, entity

KOMID = RegisteredParty(
    id="C-1", name="Korea Mining Development Trading Corporation", countries=("KP",)
)
CLEAN = RegisteredParty(id="C-2", name="Acme Widgets GmbH", countries=("DE",))
HUAWEI = RegisteredParty(id="C-3", name="Huawei Technologies Co., Ltd.", countries=("CN",))


@pytest.fixture
def store(db_url: str) -> Iterator[CaseStore]:
    with CaseStore.open(db_url) as s:
        yield s


@pytest.fixture
def audit(db_url: str) -> Iterator[AuditLog]:
    with AuditLog.open(db_url) as log:
        yield log


def _ctx(
    store: CaseStore, audit: AuditLog, entities: list[Entity] | None = None
) -> RescreenContext:
    eng = engine(entities or BASE)
    return RescreenContext(store, eng, eng.snapshot.versions(), "tester", audit)


def _register(store: CaseStore, *parties: RegisteredParty) -> None:
    store.upsert_parties([(p, party_keys(p)) for p in parties])


def test_screening_opens_one_alert_per_hit(store: CaseStore, audit: AuditLog) -> None:
    _register(store, KOMID, CLEAN, HUAWEI)
    counts = screen_parties(_ctx(store, audit), [KOMID, CLEAN, HUAWEI])
    assert (counts.screened, counts.opened) == (3, 2)
    alerts = store.alerts()
    assert sorted((a.party_id, a.entity_id) for a in alerts) == [
        ("C-1", "us_ofac_sdn:1"),
        ("C-3", "us_csl:4"),
    ]
    first = next(a for a in alerts if a.party_id == "C-1")
    assert first.state is AlertState.OPEN
    assert first.list_version == "sha256:us_ofac_sdn-v1"
    assert first.score >= 0.8
    assert first.explanation  # feature scores behind the hit
    # screening again keeps the same alerts
    again = screen_parties(_ctx(store, audit), [KOMID, CLEAN, HUAWEI])
    assert (again.opened, again.unchanged) == (0, 2)
    assert audit.verify().ok
    kinds = [r.record.input["action"] for r in audit.browse(limit=10).records if r.record]
    assert kinds.count("opened") == 2


def test_false_positive_suppressed_until_party_changes(store: CaseStore, audit: AuditLog) -> None:
    _register(store, HUAWEI)
    ctx = _ctx(store, audit)
    screen_parties(ctx, [HUAWEI])
    (alert,) = store.alerts()
    # not a sanctions list: one reviewer clears it
    done = decide(
        store,
        alert.id,
        decision="false_positive",
        actor="alice",
        reason="different company",
        audit=audit,
    )
    assert done.state is AlertState.FALSE_POSITIVE
    assert done.decided_by == "alice"
    again = screen_parties(ctx, [HUAWEI])
    assert (again.suppressed, again.opened, again.reopened) == (1, 0, 0)
    changed = replace(HUAWEI, aliases=("Huawei Tech",))
    _register(store, changed)
    third = screen_parties(ctx, [changed])
    assert third.reopened == 1
    newest = store.alerts()[0]
    assert newest.state is AlertState.OPEN
    assert newest.opened_because == "reopened: party data changed"
    assert newest.previous_id == alert.id


def test_suppressed_reopens_when_the_entry_changes(store: CaseStore, audit: AuditLog) -> None:
    _register(store, HUAWEI)
    screen_parties(_ctx(store, audit), [HUAWEI])
    (alert,) = store.alerts()
    decide(store, alert.id, decision="false_positive", actor="alice", reason="no", audit=audit)
    changed = [*BASE[:3], replace(BASE[3], remarks="Entity List footnote 4")]
    eng = engine(changed, "v2")
    ctx = RescreenContext(store, eng, eng.snapshot.versions(), "tester", audit)
    counts = screen_parties(ctx, [HUAWEI], {"us_csl:4": ("remarks",)})
    assert counts.reopened == 1
    newest = store.alerts()[0]
    assert newest.opened_because == "reopened: list entry changed: remarks"
    assert newest.list_version == "sha256:us_csl-v2"


def test_four_eyes_true_match(store: CaseStore, audit: AuditLog) -> None:
    _register(store, KOMID)
    screen_parties(_ctx(store, audit), [KOMID])
    (alert,) = store.alerts()
    esc = escalate(store, alert.id, actor="sam", reason="looks real", audit=audit)
    assert esc.state is AlertState.ESCALATED
    proposed = decide(
        store, alert.id, decision="true_match", actor="alice", reason="same KP firm", audit=audit
    )
    assert (proposed.state, proposed.proposed, proposed.proposed_by) == (
        AlertState.PENDING,
        AlertState.TRUE_MATCH,
        "alice",
    )
    with pytest.raises(ConflictError, match="second reviewer"):
        decide(store, alert.id, decision="true_match", actor="alice", reason="again", audit=audit)
    done = decide(store, alert.id, decision="true_match", actor="bob", reason="agree", audit=audit)
    assert (done.state, done.decided_by) == (AlertState.TRUE_MATCH, "bob")
    with pytest.raises(ConflictError, match="already true_match"):
        decide(store, alert.id, decision="false_positive", actor="carol", reason="x", audit=audit)
    actions = [e.action for e in store.events(alert.id)]
    assert actions == ["opened", "escalated", "proposed", "confirmed"]
    assert all(e.audit_id is not None for e in store.events(alert.id)[1:])
    assert audit.verify().ok


def test_four_eyes_clearing_a_sanctions_alert(store: CaseStore, audit: AuditLog) -> None:
    _register(store, KOMID)
    screen_parties(_ctx(store, audit), [KOMID])
    (alert,) = store.alerts()
    assert alert.sanctions
    first = decide(
        store, alert.id, decision="false_positive", actor="alice", reason="other firm", audit=audit
    )
    assert first.state is AlertState.PENDING
    # a different decision by the second reviewer is a new proposal, not a confirmation
    other = decide(
        store, alert.id, decision="true_match", actor="bob", reason="it is them", audit=audit
    )
    assert (other.state, other.proposed_by) == (AlertState.PENDING, "bob")
    final = decide(store, alert.id, decision="true_match", actor="alice", reason="ok", audit=audit)
    assert final.state is AlertState.TRUE_MATCH


def test_four_eyes_off(store: CaseStore, audit: AuditLog) -> None:
    _register(store, KOMID)
    screen_parties(_ctx(store, audit), [KOMID])
    (alert,) = store.alerts()
    done = decide(
        store,
        alert.id,
        decision="true_match",
        actor="alice",
        reason="r",
        four_eyes=False,
        audit=audit,
    )
    assert done.state is AlertState.TRUE_MATCH


def test_bad_decisions(store: CaseStore, audit: AuditLog) -> None:
    _register(store, KOMID)
    screen_parties(_ctx(store, audit), [KOMID])
    (alert,) = store.alerts()
    with pytest.raises(InputError, match="true_match or false_positive"):
        decide(store, alert.id, decision="maybe", actor="a", reason="r")
    with pytest.raises(InputError, match="reason is required"):
        decide(store, alert.id, decision="true_match", actor="a", reason="  ")
    with pytest.raises(InputError, match="no alert 999"):
        decide(store, 999, decision="true_match", actor="a", reason="r")


def test_filters(store: CaseStore, audit: AuditLog) -> None:
    _register(store, KOMID, HUAWEI)
    screen_parties(_ctx(store, audit), [KOMID, HUAWEI])
    assert [a.source for a in store.alerts(AlertFilter(source="us_csl"))] == ["us_csl"]
    assert len(store.alerts(AlertFilter(state=AlertState.OPEN))) == 2
    assert store.alerts(AlertFilter(min_score=1.01)) == []
    assert len(store.alerts(AlertFilter(party_id="C-1"))) == 1


def test_person_party_type_kept(tmp_path: Path) -> None:
    party = RegisteredParty(id="P", name="Ri Pyong Chul", type=EntityType.PERSON)
    assert party.to_party().type is EntityType.PERSON
    assert entity("9", "X").id == "us_ofac_sdn:9"


def test_a_sync_writes_its_alerts_events_and_updates_in_the_loops_order(
    store: CaseStore, audit: AuditLog
) -> None:
    """The batched statements give each opened alert the id a row at a time would (the ids
    returned match the rows read back, party by party), one "opened" event per alert with
    its reason, and a second screening updates the kept alerts in place."""
    _register(store, KOMID, CLEAN, HUAWEI)
    ctx = _ctx(store, audit)
    counts = screen_parties(ctx, [HUAWEI, CLEAN, KOMID])
    alerts = {a.id: a for a in store.alerts()}
    assert list(counts.opened_ids) == sorted(alerts)
    assert [alerts[i].party_id for i in counts.opened_ids] == ["C-3", "C-1"]
    events = store.events()
    assert [(e.alert_id, e.action, e.to_state) for e in events] == [
        (i, "opened", "open") for i in counts.opened_ids
    ]
    assert all(e.reason == alerts[e.alert_id].opened_because for e in events)
    newer = replace(ctx, versions={k: v + "-2" for k, v in ctx.versions.items()})
    again = screen_parties(newer, [HUAWEI, CLEAN, KOMID])
    assert (again.opened, again.unchanged) == (0, 2)
    after = {a.id: a for a in store.alerts()}
    assert sorted(after) == sorted(alerts)
    assert all(a.list_version.endswith("-2") for a in after.values())
    assert len(store.events()) == 2


def test_batched_alert_statements_on_empty_batches_do_nothing(store: CaseStore) -> None:
    with store.engine.begin() as conn:
        assert store.insert_alerts(conn, []) == []
        store.update_alerts(conn, [])
        store.add_events(conn, [])
    assert store.alerts() == []
    assert store.events() == []
