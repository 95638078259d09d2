"""The write path of the audit log: prepared records and group commit.

A record's hash covers the canonical JSON of its fields (:func:`prosper.audit.chain.record_hash`).
:class:`Prepared` serialises ``input``, ``output`` and ``versions`` once, before the write lock
is taken; the hash is then composed from those texts (canonical JSON of an object is its keys
in order, each followed by its value's canonical text), and the same texts are stored.

:class:`GroupCommit` lets many threads append at once without one transaction (and one
``fsync`` of the database and of the anchor file) each: the first appender to find no commit
in progress becomes the *leader*, takes every record queued so far (up to ``max_batch``) and
writes them in one transaction, chaining each to the one before; the others wait for the
leader to hand them their stored record. Exactly one batch is written at a time, so the chain
stays linear; a batch is all or nothing (a failed transaction fails every append in it, and
none of them is in the log).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from prosper.audit.chain import HASH_PREFIX, AuditRecord, canonical_json
from prosper.audit.migrations import write_transaction
from prosper.audit.signing import SigningKey
from prosper.audit.tables import head_table, record_table
from prosper.errors import AuditIntegrityError, InputError

MAX_BATCH = 256
"""Most records one transaction writes."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """One record to append, its JSON values serialised once (the bytes that are stored)."""

    kind: str
    actor: str
    input: dict[str, Any]
    output: dict[str, Any]
    versions: dict[str, Any]
    texts: tuple[str, str, str]
    """Canonical JSON of ``input``, ``output`` and ``versions``."""

    @classmethod
    def of(
        cls,
        kind: str,
        actor: str,
        input: Any,
        output: Any,
        versions: Any,
    ) -> Prepared:
        """Check and serialise one record's values.

        Raises:
            InputError: a value that is not a JSON object or cannot be represented in JSON.
        """
        values: list[dict[str, Any]] = []
        texts: list[str] = []
        for name, value in (("input", input), ("output", output), ("versions", versions)):
            if not isinstance(value, dict):
                kind_name = type(value).__name__
                raise InputError(f"must be a JSON object, got {kind_name}", field=name)
            try:
                text = canonical_json(value)
                text.encode("utf-8")
            except (TypeError, ValueError) as exc:
                raise InputError(f"not JSON-serialisable: {exc}", field=name) from None
            loaded = json.loads(text)  # what reads back: tuples as lists, keys as text
            values.append(loaded)
            texts.append(text)
        return cls(kind, actor, values[0], values[1], values[2], (texts[0], texts[1], texts[2]))

    def hash(self, record_id: int, created_at: str, prev_hash: str) -> str:
        """:func:`prosper.audit.chain.record_hash` of this record, from the prepared texts."""
        dump = canonical_json
        text = (
            f'{{"actor":{dump(self.actor)},"created_at":{dump(created_at)},"id":{record_id},'
            f'"input":{self.texts[0]},"kind":{dump(self.kind)},"output":{self.texts[1]},'
            f'"prev_hash":{dump(prev_hash)},"versions":{self.texts[2]}}}'
        )
        return HASH_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


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
        last_id, last_hash = int(head.last_id), str(head.last_hash)
        rows: list[dict[str, Any]] = []
        records: list[AuditRecord] = []
        for item in batch:
            record_id = last_id + 1
            created_at = datetime.now(UTC).isoformat(timespec="microseconds")
            digest = item.hash(record_id, created_at, last_hash)
            signature = None if key is None else key.sign(digest)
            rows.append(
                {
                    "id": record_id,
                    "created_at": created_at,
                    "kind": item.kind,
                    "actor": item.actor,
                    "input": item.texts[0],
                    "output": item.texts[1],
                    "versions": item.texts[2],
                    "prev_hash": last_hash,
                    "hash": digest,
                    "signature": signature,
                }
            )
            records.append(
                AuditRecord(
                    id=record_id,
                    created_at=created_at,
                    kind=item.kind,
                    actor=item.actor,
                    input=item.input,
                    output=item.output,
                    versions=item.versions,
                    prev_hash=last_hash,
                    hash=digest,
                    signature=signature,
                )
            )
            last_id, last_hash = record_id, digest
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
