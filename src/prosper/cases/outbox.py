"""The webhook outbox: events are stored with the change that made them and delivered later.

:meth:`Outbox.enqueue` (the ``Notify`` hook of :mod:`prosper.cases.alerts`) writes one row per
subscription to the event — the signed body and its event id fixed now — and touches no
network, so a slow or failing receiver cannot slow or fail a decision. :meth:`Outbox.drain`
delivers the rows waiting: each is claimed first (``pending`` → ``sending``, so two drains never
send one row), then sent with the retries and backoff of :class:`prosper.cases.webhooks.
Dispatcher` (tenacity) and logged in the delivery log; it ends ``delivered`` or ``failed``.
A row left ``sending`` by a process that died is taken again after :data:`STALE_S` (the
receiver de-duplicates on the event id). Who drains: the server's background thread, the CLI
at exit (:class:`Drainer`, started by :func:`prosper.casework.notifier`).
"""

from __future__ import annotations

import atexit
import json
import threading
import time
import uuid
from typing import Any

import sqlalchemy as sa

from prosper.audit.migrations import write_transaction
from prosper.cases.store import CaseStore
from prosper.cases.store_hooks import now
from prosper.cases.tables import outbox_table
from prosper.cases.webhooks import Delivery, Dispatcher

STALE_S = 300.0
"""A row claimed this long ago by a drain that never finished is claimed again."""
BATCH = 50
IDLE_S = 30.0
"""The background drain also looks every this many seconds (rows a crashed process left)."""


def event_body(event: str, data: dict[str, Any]) -> tuple[str, str]:
    """``(event id, JSON body)`` of an event (the body every retry sends, byte for byte)."""
    event_id = "evt_" + uuid.uuid4().hex
    body = json.dumps(
        {"id": event_id, "event": event, "created_at": now(), "data": data},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return event_id, body


class Outbox:
    """Webhook events waiting in the store."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    def enqueue(self, event: str, data: dict[str, Any]) -> int:
        """Store ``event`` for every subscription to it; how many rows."""
        hooks = self.store.webhooks(event)
        if not hooks:
            return 0
        event_id, body = event_body(event, data)
        rows = [
            {
                "webhook_id": h["id"],
                "event": event,
                "event_id": event_id,
                "body": body,
                "created_at": now(),
                "status": "pending",
                "claimed_at": None,
                "attempts": 0,
            }
            for h in hooks
        ]
        with write_transaction(self.store.engine) as conn:
            conn.execute(sa.insert(outbox_table), rows)
        return len(rows)

    def hook(self, event: str, data: dict[str, Any]) -> None:
        """:meth:`enqueue` shaped as the ``Notify`` callback."""
        self.enqueue(event, data)

    def waiting(self) -> int:
        """Rows not yet delivered or given up."""
        with self.store.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(outbox_table)
                    .where(outbox_table.c.status.in_(("pending", "sending")))
                ).scalar_one()
            )

    def _claim(self, at: float) -> list[Any]:
        stale = at - STALE_S
        due = (outbox_table.c.status == "pending") | (
            (outbox_table.c.status == "sending") & (outbox_table.c.claimed_at < stale)
        )
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(outbox_table).where(due).order_by(outbox_table.c.id).limit(BATCH)
            ).all()
        claimed = []
        for row in rows:
            with write_transaction(self.store.engine) as conn:
                done = conn.execute(
                    sa.update(outbox_table)
                    .where(outbox_table.c.id == row.id, outbox_table.c.status == row.status)
                    .where(
                        outbox_table.c.claimed_at.is_(None)
                        if row.claimed_at is None
                        else outbox_table.c.claimed_at == row.claimed_at
                    )
                    .values(status="sending", claimed_at=at)
                )
            if done.rowcount == 1:
                claimed.append(row)
        return claimed

    def drain(self, dispatcher: Dispatcher | None = None, *, rounds: int = 100) -> list[Delivery]:
        """Deliver the waiting rows (at most ``rounds`` × :data:`BATCH`); their outcomes."""
        sender = Dispatcher(self.store) if dispatcher is None else dispatcher
        hooks = {h["id"]: h for h in self.store.webhooks()}
        out: list[Delivery] = []
        for _ in range(rounds):
            rows = self._claim(time.time())
            if not rows:
                break
            for row in rows:
                hook = hooks.get(row.webhook_id)
                if hook is None:  # unsubscribed meanwhile
                    self._finish(row.id, "failed", 0)
                    continue
                outcome = sender.send(hook, row.event, row.event_id, row.body.encode("utf-8"))
                self._finish(row.id, outcome.status, row.attempts + outcome.attempts)
                out.append(outcome)
        return out

    def _finish(self, row_id: int, status: str, attempts: int) -> None:
        with write_transaction(self.store.engine) as conn:
            conn.execute(
                sa.update(outbox_table)
                .where(outbox_table.c.id == row_id)
                .values(status=status, attempts=attempts)
            )


class Drainer:
    """Drains an outbox on a background thread whenever :meth:`wake` is called, and once more
    when the process exits normally (a CLI command's events go out after the command; a row
    still waiting when the process is killed waits for the next drain)."""

    def __init__(self, outbox: Outbox, dispatcher: Dispatcher | None = None) -> None:
        self.outbox = outbox
        self.dispatcher = dispatcher
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one drain at a time in this process
        self._thread = threading.Thread(target=self._loop, name="prosper-outbox", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def wake(self) -> None:
        """Something was enqueued: drain soon."""
        self._wake.set()

    def drain_now(self) -> list[Delivery]:
        """Drain in the calling thread (the CLI after its command; tests)."""
        with self._lock:
            return self.outbox.drain(self.dispatcher)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=IDLE_S)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.drain_now()
            except Exception:
                time.sleep(IDLE_S)

    def close(self) -> None:
        """Stop the thread and drain what is waiting (at exit)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=1.0)
        try:
            self.drain_now()
        except Exception:
            return
