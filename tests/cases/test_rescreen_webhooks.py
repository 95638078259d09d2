"""Re-screening on a list delta (only affected parties) and signed, retried webhooks."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from prosper.audit import AuditLog
from prosper.cases.model import AlertState, RegisteredParty
from prosper.cases.register_index import RegisterIndex, party_keys, register_row
from prosper.cases.rescreen import RescreenContext, rescreen_delta, rescreen_full, screen_parties
from prosper.cases.review import decide
from prosper.cases.store import CaseStore
from prosper.cases.webhooks import (
    HEADER_DELIVERY,
    HEADER_EVENT,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    Dispatcher,
    verify,
)
from prosper.lists.delta import diff_snapshots

from .helpers import BASE, engine, entity
from .receiver import Receiver

PARTIES = [
    RegisteredParty(id="C-1", name="Korea Mining Development Trading Corporation"),
    RegisteredParty(id="C-2", name="Acme Widgets GmbH", countries=("DE",)),
    RegisteredParty(id="C-3", name="Huawei Technologies Co., Ltd.", countries=("CN",)),
    RegisteredParty(id="C-4", name="Rosoboronexport JSC", countries=("RU",)),
    *[RegisteredParty(id=f"F-{i:03}", name=f"Filler Trading {i} Company") for i in range(60)],
]
NEW = [
    BASE[0],
    BASE[1],
    replace(BASE[3], remarks="Entity List: footnote 4 added"),  # changed
    entity("5", "ACME WIDGETS GMBH", countries=("DE",)),  # added
]  # BASE[2] (ROSOBORONEXPORT) removed


@pytest.fixture
def store(db_url: str) -> Iterator[CaseStore]:
    with CaseStore.open(db_url) as s:
        s.upsert_parties([(p, party_keys(p)) for p in PARTIES])
        yield s


@pytest.fixture
def audit(db_url: str) -> Iterator[AuditLog]:
    with AuditLog.open(db_url) as log:
        yield log


def test_register_index_finds_the_matching_party(store: CaseStore) -> None:
    index = RegisterIndex(store.name_keys())
    assert len(index) == len(PARTIES)
    found = index.candidates(NEW[3])
    assert "C-2" in found
    assert len(found) < 10


def test_name_keys_rows_are_the_register_rows(store: CaseStore) -> None:
    """The store's index rows are :func:`register_row`'s, with and without aliases (a party
    with aliases has its names joined, the same alias twice once)."""
    aliased = RegisteredParty(id="AL-1", name="Acme Trading", aliases=("Acme Co", "Acme Co"))
    store.upsert_parties([(aliased, party_keys(aliased))])
    rows = {row[0]: row for row in store.name_keys()}
    assert rows["AL-1"] == register_row(aliased)
    assert rows["AL-1"][2] == "Acme Trading\nAcme Co"
    for party in PARTIES:
        assert rows[party.id] == register_row(party)


def test_an_identifier_alone_makes_a_candidate(store: CaseStore) -> None:
    from prosper.model import Identifier

    party = RegisteredParty(id="ID-1", name="Zeta Holdings", identifiers=("passport:PD 998877",))
    store.upsert_parties([(party, party_keys(party))])
    listed = replace(entity("90", "OMEGA GROUP"), identifiers=(Identifier("passport", "PD998877"),))
    assert "ID-1" in RegisterIndex(store.name_keys()).candidates(listed)


def test_delta_rescreen_opens_reopens_and_closes(store: CaseStore, audit: AuditLog) -> None:
    old = engine(BASE)
    ctx = RescreenContext(store, old, old.snapshot.versions(), "t", audit)
    first = screen_parties(ctx, PARTIES)
    assert first.opened == 3  # KOMID, Huawei, Rosoboronexport
    huawei = next(a for a in store.alerts() if a.party_id == "C-3")
    decide(store, huawei.id, decision="false_positive", actor="alice", reason="other", audit=audit)
    komid = next(a for a in store.alerts() if a.party_id == "C-1")
    decide(store, komid.id, decision="false_positive", actor="alice", reason="x", audit=audit)
    decide(store, komid.id, decision="false_positive", actor="bob", reason="y", audit=audit)

    new = engine(NEW, "v2")
    deltas = diff_snapshots(old.snapshot, new.snapshot)
    delta_ctx = RescreenContext(store, new, new.snapshot.versions(), "system", audit)
    outcome = rescreen_delta(delta_ctx, deltas)
    # only the parties the delta could affect were screened, not the 64 of the register
    assert outcome.screened == 2
    assert (outcome.counts.opened, outcome.counts.reopened, outcome.closed) == (1, 1, 1)
    states = {(a.party_id, a.state) for a in store.alerts()}
    assert ("C-2", AlertState.OPEN) in states
    assert ("C-4", AlertState.CLOSED) in states
    reopened = next(a for a in store.alerts() if a.previous_id == huawei.id)
    assert reopened.opened_because == "reopened: list entry changed: remarks"
    # the suppressed KOMID alert whose entry did not change stays suppressed
    assert store.alert(komid.id).state is AlertState.FALSE_POSITIVE
    closed = next(a for a in store.alerts() if a.party_id == "C-4")
    assert store.events(closed.id)[-1].reason.startswith("delisted: ROSOBORONEXPORT removed")
    assert audit.verify().ok


def test_full_rescreen_resumes(store: CaseStore) -> None:
    eng = engine(BASE)
    ctx = RescreenContext(store, eng, eng.snapshot.versions(), "t")
    seen: list[tuple[int, int]] = []

    class StopError(Exception):
        pass

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 50:
            raise StopError

    import prosper.cases.rescreen as rs

    old_batch = rs.BATCH
    rs.BATCH = 25
    try:
        with pytest.raises(StopError):
            rescreen_full(ctx, progress=progress)
        out = rescreen_full(ctx)
    finally:
        rs.BATCH = old_batch
    assert out["resumed"] is True
    assert out["screened"] == len(PARTIES)
    assert len(store.alerts()) == 3  # each alert opened once across the two runs
    assert seen[0] == (0, len(PARTIES))


def test_webhooks_are_signed_and_retried(store: CaseStore) -> None:
    with Receiver([500, 503]) as receiver:
        store.add_webhook(receiver.url, ["alert.opened"], "s3cret")
        dispatcher = Dispatcher(store, wait_min=0.01, wait_max=0.02)
        (outcome,) = dispatcher.notify("alert.opened", {"id": 7})
        assert (outcome.status, outcome.attempts, outcome.http_status) == ("delivered", 3, 200)
        ((headers, body),) = receiver.received
    assert headers[HEADER_EVENT] == "alert.opened"
    assert verify("s3cret", headers[HEADER_TIMESTAMP], body, headers[HEADER_SIGNATURE])
    assert not verify("other", headers[HEADER_TIMESTAMP], body, headers[HEADER_SIGNATURE])
    assert not verify("s3cret", headers[HEADER_TIMESTAMP], body + b" ", headers[HEADER_SIGNATURE])
    assert json.loads(body)["id"] == headers[HEADER_DELIVERY]
    assert dispatcher.notify("lists.updated", {}) == []  # not subscribed
    (logged,) = store.deliveries()
    assert (logged["status"], logged["attempts"]) == ("delivered", 3)


def test_webhook_failure_is_logged_not_raised(store: CaseStore) -> None:
    with Receiver([500] * 10) as receiver:
        store.add_webhook(receiver.url, ["alert.decided"], "k")
        (outcome,) = Dispatcher(store, attempts=2, wait_min=0.01, wait_max=0.01).notify(
            "alert.decided", {}
        )
    assert (outcome.status, outcome.attempts, outcome.http_status) == ("failed", 2, 500)
    store.add_webhook("http://127.0.0.1:9/closed", ["lists.updated"], "k")
    (refused,) = Dispatcher(store, attempts=2, wait_min=0.01, wait_max=0.01).notify(
        "lists.updated", {}
    )
    assert refused.status == "failed"
    assert refused.error


def test_replayed_timestamp_refused() -> None:
    from prosper.cases.webhooks import sign

    body = b"{}"
    signature = sign("k", "1000", body)
    assert verify("k", "1000", body, signature, at=1100)
    assert not verify("k", "1000", body, signature, at=1000 + 301)


def test_a_re_romanised_name_stays_a_candidate_beside_a_namesake() -> None:
    """이병철 (Lee Byung-chul) must be re-screened on RI PYONG CHUL although the register also
    holds the exact namesake; a party sharing one common word is not a candidate."""
    from prosper.model import EntityType

    parties = [
        RegisteredParty(id="KO", name="이병철", type=EntityType.PERSON),
        RegisteredParty(id="EXACT", name="Ri Pyong Chul", type=EntityType.PERSON),
        RegisteredParty(id="WORD", name="Chul Industrial Trading", type=EntityType.ORGANIZATION),
        *[
            RegisteredParty(id=f"F{i}", name=f"Kim Filler {i}", type=EntityType.PERSON)
            for i in range(200)
        ],
    ]
    index = RegisterIndex(register_row(p) for p in parties)
    listed = entity("2", "RI PYONG CHUL", type_=EntityType.PERSON)
    found = index.candidates(listed)
    assert {"KO", "EXACT"} <= set(found)
    assert "WORD" not in found
    assert not any(f.startswith("F") for f in found)


def test_full_rescreen_on_two_workers_resumes_and_matches_one(
    store: CaseStore, tmp_path: Path
) -> None:
    """Two worker processes: interrupted after the first committed batch, resumed, the same
    alerts as a one-process run (each opened once)."""
    eng = engine(BASE)
    ctx = RescreenContext(store, eng, eng.snapshot.versions(), "t")

    class StopError(Exception):
        pass

    def stop(done: int, _total: int) -> None:
        if done >= 20:
            raise StopError

    import prosper.cases.rescreen as rs

    old_batch = rs.BATCH
    rs.BATCH = 20
    try:
        with pytest.raises(StopError):
            rescreen_full(ctx, progress=stop, workers=2)
        out = rescreen_full(ctx, workers=2)
    finally:
        rs.BATCH = old_batch
    assert (out["resumed"], out["screened"]) == (True, len(PARTIES))
    two = sorted((a.party_id, a.entity_id, a.score) for a in store.alerts())
    with CaseStore.open(f"sqlite:///{tmp_path / 'one.sqlite3'}") as other:
        other.upsert_parties([(p, party_keys(p)) for p in PARTIES])
        rescreen_full(RescreenContext(other, eng, eng.snapshot.versions(), "t"), workers=1)
        one = sorted((a.party_id, a.entity_id, a.score) for a in other.alerts())
    assert two == one
    assert len(two) == 3


def test_delta_rescreen_on_two_workers_matches_one(store: CaseStore, tmp_path: Path) -> None:
    """The delta path on two processes (register shards, then screening chunks): the same
    outcome and the same alerts, in the same order, as on one."""
    old, new = engine(BASE), engine(NEW, "v2")
    deltas = diff_snapshots(old.snapshot, new.snapshot)
    outcomes, alerts = [], []
    for workers, folder in ((2, "two"), (1, "one")):
        with CaseStore.open(f"sqlite:///{tmp_path / folder}.sqlite3") as s:
            s.upsert_parties([(p, party_keys(p)) for p in PARTIES])
            screen_parties(RescreenContext(s, old, old.snapshot.versions(), "t"), PARTIES)
            ctx = RescreenContext(s, None, new.snapshot.versions(), "t", threshold=new.threshold)
            out = rescreen_delta(replace(ctx, workers=workers), deltas).to_dict()
            out.pop("seconds")
            out.pop("cpu_seconds")
            outcomes.append(out)
            alerts.append([(a.id, a.party_id, a.entity_id, a.state, a.score) for a in s.alerts()])
    assert outcomes[0] == outcomes[1]
    assert outcomes[0]["screened"] == 2
    assert outcomes[0]["opened"] == 1
    assert alerts[0] == alerts[1]


def test_delta_rescreen_pauses_the_collector_and_restores_it(store: CaseStore) -> None:
    """The collector is off while the run works (seen from its notify hook) and back on after,
    also when the run fails part-way; a caller that had it off keeps it off."""
    old, new = engine(BASE), engine(NEW, "v2")
    screen_parties(RescreenContext(store, old, old.snapshot.versions(), "t"), PARTIES)
    deltas = diff_snapshots(old.snapshot, new.snapshot)
    seen: list[bool] = []

    def notify(_event: str, _body: dict[str, object]) -> None:
        seen.append(gc.isenabled())

    ctx = RescreenContext(store, new, new.snapshot.versions(), "t", notify=notify)
    assert gc.isenabled()
    assert rescreen_delta(ctx, deltas).counts.opened == 1
    assert seen == [False]
    assert gc.isenabled()

    # no engine and no threshold: the run fails once the register is read
    with pytest.raises(ValueError, match="no screening engine"):
        rescreen_delta(replace(ctx, screener=None), deltas)
    assert gc.isenabled()
    gc.disable()
    try:
        rescreen_delta(ctx, deltas)
        assert not gc.isenabled()
    finally:
        gc.enable()
