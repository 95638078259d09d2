"""The write path of the audit log on SQLAlchemy: group commit of prepared records.

A record's hash covers the canonical JSON of its fields (:func:`prosper.audit.chain.record_hash`).
:class:`~prosper.audit.prepared.Prepared` serialises ``input``, ``output`` and ``versions`` once,
before the write lock is taken, and :func:`~prosper.audit.prepared.chain_batch` chains and signs
them under it (the same code as the standard-library writer, :mod:`prosper.audit.lite`).

:class:`GroupCommit` lets many threads append at once without one transaction (and one
``fsync`` of the database and of the anchor file) each: the first appender to find no commit
in progress becomes the *leader*, takes every record queued so far (up to ``max_batch``) and
writes them in one transaction, chaining each to the one before; the others wait for the
leader to hand them their stored record. Exactly one batch is written at a time, so the chain
stays linear; a batch is all or nothing (a failed transaction fails every append in it, and
none of them is in the log).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from prosper.audit.chain import AuditRecord
from prosper.audit.migrations import write_transaction
from prosper.audit.prepared import Prepared, chain_batch
from prosper.audit.signing import SigningKey
from prosper.audit.tables import head_table, record_table
from prosper.errors import AuditIntegrityError, InputError

__all__ = ["MAX_BATCH", "GroupCommit", "Prepared", "insert_batch", "refusal"]

MAX_BATCH = 256
"""Most records one transaction writes."""


def insert_batch(
    engine: sa.Engine, batch: Sequence[Prepared], key: SigningKey | None
) -> list[AuditRecord]:
    """Append ``batch`` in one transaction holding the write lock; the stored records.

    Raises:
        AuditIntegrityError: the head checkpoint is missing.
        sqlalchemy.exc.SQLAlchemyError: the database refused the write (nothing written).
    """
    with write_transaction(engine) as conn:
        head = conn.execute(
            sa.select(head_table.c.last_id, head_table.c.last_hash)
            .where(head_table.c.singleton == 1)
            .with_for_update()
        ).first()
        if head is None:
            raise AuditIntegrityError("head checkpoint missing: run `prosper audit verify`")
        rows, records = chain_batch(batch, int(head.last_id), str(head.last_hash), key)
        if not records:
            return records
        last_id, last_hash = records[-1].id, records[-1].hash
        conn.execute(sa.insert(record_table), rows)
        conn.execute(
            sa.update(head_table)
            .where(head_table.c.singleton == 1)
            .values(last_id=last_id, last_hash=last_hash)
        )
    return records


def refusal(item: Prepared) -> InputError | None:
    """Why ``item`` cannot be appended (an empty ``kind`` or ``actor``), or None."""
    for name in ("kind", "actor"):
        value = getattr(item, name)
        if not isinstance(value, str) or not value.strip():
            return InputError("must be a non-empty string", field=name)
    return None


@dataclass(eq=False)
class _Slot:
    """One queued append and, once its batch is written, its record or the error."""

    item: Prepared
    record: AuditRecord | None = None
    error: BaseException | None = None
    done: bool = False
    lead: bool = False
    """Set when this append is handed the lead (it is first in the queue)."""
    wake: threading.Event = field(default_factory=threading.Event)
    """Set once: when the append is done, or when it is handed the lead."""


class GroupCommit:
    """Appends from many threads, written in shared transactions by one leader at a time.

    ``write`` takes a batch and returns its stored records in order (or raises: every append
    of that batch then raises the same error).

    Each waiting append sleeps on its own event and is woken once: when its batch is written,
    or when it is handed the lead (a leader, its batch written, hands the lead to the first
    append still queued). A shared condition woken with ``notify_all`` would wake every
    waiting thread after every batch — at 50 concurrent requests, dozens of thread switches
    per record under the GIL (issue 16, deliver 6).
    """

    def __init__(
        self,
        write: Callable[[Sequence[Prepared]], list[AuditRecord]],
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        """Write batches with ``write``, at most ``max_batch`` records each."""
        self._write = write
        self._max_batch = max(1, max_batch)
        self._lock = threading.Lock()
        self._queue: list[_Slot] = []
        self._leading = False
        self.batches = 0
        """Transactions written so far (for tests and metrics)."""

    def append(self, item: Prepared) -> AuditRecord:
        """Queue ``item`` and return its stored record once its batch is committed."""
        slot = _Slot(item)
        with self._lock:
            self._queue.append(slot)
            if not self._leading:  # no batch in progress: lead (the queue was empty)
                self._leading = slot.lead = True
        if not slot.lead:
            slot.wake.wait()  # done, or handed the lead
        if not slot.done:
            self._lead()  # first in the queue, so in the batch written next
        if slot.error is not None:
            raise slot.error
        assert slot.record is not None
        return slot.record

    def append_many(self, items: Sequence[Prepared]) -> list[AuditRecord | BaseException]:
        """Queue ``items`` together (in order, so they share a transaction when they fit in
        one batch) and return, once every one of them is committed or has failed, each one's
        stored record or the error its batch failed with. Never returns before the commit."""
        slots = [_Slot(item) for item in items]
        if not slots:
            return []
        with self._lock:
            self._queue.extend(slots)
            if not self._leading:  # no batch in progress: the first of ours leads
                self._leading = slots[0].lead = True
        for slot in slots:  # each is done, or first in the queue when handed the lead
            if not slot.lead:
                slot.wake.wait()
            if not slot.done:
                self._lead()
        out: list[AuditRecord | BaseException] = []
        for slot in slots:
            if slot.error is not None:
                out.append(slot.error)
            else:
                assert slot.record is not None
                out.append(slot.record)
        return out

    def _lead(self) -> None:
        """Write the next batch, wake its appends, then hand the lead on (or give it up)."""
        with self._lock:
            batch = self._queue[: self._max_batch]
            del self._queue[: self._max_batch]
        try:
            records = self._write([s.item for s in batch])
            for s, record in zip(batch, records, strict=True):
                s.record = record
        except BaseException as exc:  # every append of the batch fails with it
            for s in batch:
                s.error = exc
        finally:
            with self._lock:
                self.batches += 1
                for s in batch:
                    s.done = True
                heir = self._queue[0] if self._queue else None
                if heir is None:
                    self._leading = False
                else:
                    heir.lead = True
            for s in batch:
                s.wake.set()
            if heir is not None:
                heir.wake.set()
