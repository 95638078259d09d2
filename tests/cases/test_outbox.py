"""The webhook outbox: events stored with the decision, delivered later, retried, logged."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from prosper.cases.model import RegisteredParty
from prosper.cases.outbox import STALE_S, Outbox
from prosper.cases.register_index import party_keys
from prosper.cases.rescreen import RescreenContext, screen_parties
from prosper.cases.review import decide
from prosper.cases.store import CaseStore
from prosper.cases.tables import outbox_table
from prosper.cases.webhooks import HEADER_DELIVERY, Dispatcher

from .helpers import BASE, engine
from .receiver import Receiver

PARTY = RegisteredParty(id="C-1", name="Korea Mining Development Trading Corporation")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite3'}") as s:
        s.upsert_parties([(PARTY, party_keys(PARTY))])
        yield s


def fast(store: CaseStore) -> Dispatcher:
    return Dispatcher(store, wait_min=0.01, wait_max=0.02)


def statuses(store: CaseStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(outbox_table.c.status).order_by("id")).scalars())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_failing_receiver_neither_fails_nor_delays_the_decision(store: CaseStore) -> None:
    """The receiver answers 500 to everything: opening and deciding the alert send nothing
    (the events wait in the outbox); the drain tries 4 times, gives up, logs it."""
    with Receiver([500] * 20) as receiver:
        store.add_webhook(receiver.url, ["alert.opened", "alert.decided"], "s")
        outbox = Outbox(store)
        eng = engine(BASE)
        ctx = RescreenContext(store, eng, eng.snapshot.versions(), "t", notify=outbox.hook)
        assert screen_parties(ctx, [PARTY]).opened == 1
        (alert,) = store.alerts()
        done = decide(
            store,
            alert.id,
            decision="true_match",
            actor="a",
            reason="r",
            four_eyes=False,
            notify=outbox.hook,
        )
        assert done.state.value == "true_match"
        assert receiver.statuses == [500] * 20  # nothing was sent during the decision
        assert statuses(store) == ["pending", "pending"]
        outcomes = outbox.drain(fast(store))
    assert [(o.status, o.attempts) for o in outcomes] == [("failed", 4), ("failed", 4)]
    assert statuses(store) == ["failed", "failed"]
    assert [d["status"] for d in store.deliveries()] == ["failed", "failed"]
    assert receiver.statuses == [500] * 12  # 8 attempts made
    assert outbox.drain(fast(store)) == []  # given up: not sent again


def test_retries_keep_the_event_id_and_the_body(store: CaseStore) -> None:
    with Receiver([503, 429]) as receiver:
        store.add_webhook(receiver.url, ["alert.opened"], "s")
        outbox = Outbox(store)
        assert outbox.enqueue("alert.opened", {"id": 1}) == 1
        (outcome,) = outbox.drain(fast(store))
        ((headers, body),) = receiver.received
    assert (outcome.status, outcome.attempts, outcome.http_status) == ("delivered", 3, 200)
    assert headers[HEADER_DELIVERY] == json.loads(body)["id"] == outcome.event_id
    assert statuses(store) == ["delivered"]
    assert outbox.waiting() == 0


def test_a_refused_connection_is_retried_then_logged(store: CaseStore) -> None:
    store.add_webhook(f"http://127.0.0.1:{_closed_port()}/hook", ["alert.opened"], "s")
    outbox = Outbox(store)
    outbox.enqueue("alert.opened", {"id": 1})
    (outcome,) = outbox.drain(fast(store))
    assert (outcome.status, outcome.attempts) == ("failed", 4)
    (logged,) = store.deliveries()
    assert logged["error"]


def test_a_claimed_row_is_sent_once_and_a_stale_claim_is_taken_again(store: CaseStore) -> None:
    with Receiver() as receiver:
        store.add_webhook(receiver.url, ["alert.opened"], "s")
        outbox = Outbox(store)
        outbox.enqueue("alert.opened", {"id": 1})
        outbox.enqueue("alert.opened", {"id": 2})
        first = outbox._claim(time.time())
        assert len(first) == 2
        assert outbox._claim(time.time()) == []  # another drain finds nothing to take
        assert outbox.drain(fast(store)) == []  # ... and sends nothing twice
        later = time.time() + STALE_S + 1  # the drain that claimed them died
        assert len(outbox._claim(later)) == 2
    assert receiver.received == []


def test_events_survive_a_killed_process(store: CaseStore, tmp_path: Path) -> None:
    """A process enqueues an event and is killed (SIGKILL) before any drain: the event waits
    in the database and the next drain delivers it."""
    with Receiver() as receiver:
        store.add_webhook(receiver.url, ["alert.opened"], "s")
        url = str(store.engine.url)
        code = (
            "import os, signal\n"
            "from prosper.cases.outbox import Outbox\n"
            "from prosper.cases.store import CaseStore\n"
            f"store = CaseStore.open({url!r})\n"
            "Outbox(store).enqueue('alert.opened', {'id': 9})\n"
            "print('enqueued', flush=True)\n"
            "signal.pause()\n"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        child = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "enqueued"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        assert statuses(store) == ["pending"]
        (outcome,) = Outbox(store).drain(fast(store))
        assert outcome.status == "delivered"
        assert json.loads(receiver.received[0][1])["data"] == {"id": 9}


def test_the_background_drainer_delivers_what_is_enqueued(store: CaseStore) -> None:
    from prosper.cases.outbox import Drainer

    with Receiver([500]) as receiver:
        store.add_webhook(receiver.url, ["alert.opened"], "s")
        outbox = Outbox(store)
        drainer = Drainer(outbox, fast(store))
        try:
            outbox.enqueue("alert.opened", {"id": 3})
            drainer.wake()
            for _ in range(400):  # bounded: the thread delivers on its own
                if outbox.waiting() == 0:
                    break
                time.sleep(0.05)
            assert statuses(store) == ["delivered"]
            assert len(receiver.received) == 1
        finally:
            drainer.close()
