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
from prosper.errors import AuditIntegrityError

__all__ = ["MAX_BATCH", "GroupCommit", "Prepared", "insert_batch"]

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


@dataclass(eq=False)
class _Slot:
    """One queued append and, once its batch is written, its record or the error."""

    item: Prepared
    record: AuditRecord | None = None
    error: BaseException | None = None
    done: bool = field(default=False)


class GroupCommit:
    """Appends from many threads, written in shared transactions by one leader at a time.

    ``write`` takes a batch and returns its stored records in order (or raises: every append
    of that batch then raises the same error).
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
        self._cond = threading.Condition()
        self._queue: list[_Slot] = []
        self._leading = False
        self.batches = 0
        """Transactions written so far (for tests and metrics)."""

    def append(self, item: Prepared) -> AuditRecord:
        """Queue ``item`` and return its stored record once its batch is committed."""
        slot = _Slot(item)
        with self._cond:
            self._queue.append(slot)
        while True:
            with self._cond:
                while not slot.done and self._leading:
                    self._cond.wait()
                if slot.done:
                    break
                # No batch in progress and ours not written yet: lead the next batch (ours is
                # in it unless more than max_batch were queued before it).
                self._leading = True
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
            self._lead(batch)
        if slot.error is not None:
            raise slot.error
        assert slot.record is not None
        return slot.record

    def _lead(self, batch: list[_Slot]) -> None:
        try:
            records = self._write([s.item for s in batch])
            for s, record in zip(batch, records, strict=True):
                s.record = record
        except BaseException as exc:  # every append of the batch fails with it
            for s in batch:
                s.error = exc
        finally:
            with self._cond:
                for s in batch:
                    s.done = True
                self.batches += 1
                self._leading = False
                self._cond.notify_all()
