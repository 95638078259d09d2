"""The audit log store: an append-only, hash-chained, signed table on SQLAlchemy Core.

Tables (created by the migrations below, SQLite or PostgreSQL: :mod:`prosper.audit.db`):

* ``audit_record`` — one row per decision; ``input`` / ``output`` / ``versions`` are stored as
  canonical JSON text, exactly the bytes the hash covers (anything else reads as edited);
  ``signature`` is the HMAC of the record's hash under the audit key, which the database
  does not hold (:mod:`prosper.audit.keyfile`); NULL for records written before signing.
* ``audit_head`` — one row: the id and hash of the last record, written in the same
  transaction as each append, so that deleting the newest records is detected.

After each commit the new head is also written to the anchor file outside the database
(:mod:`prosper.audit.anchor`), which catches the head being moved back.

Appends are serialised by a write lock: SQLite ``BEGIN IMMEDIATE``; elsewhere
``SELECT … FOR UPDATE`` on the head row. The next id and ``prev_hash`` are read from the head
under that lock, so concurrent writers (threads or processes) always extend one chain.
Threads of one process share transactions (:mod:`prosper.audit.writer`: one leader writes
every append queued meanwhile, one commit and one anchor ``fsync`` for all of them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from prosper.audit.anchor import AnchorFile, anchor_path, pause_before_anchor
from prosper.audit.chain import AuditRecord, ChainWalker, Problem, VerifyReport, Witness
from prosper.audit.checked import CheckedRecord, check_record, check_row
from prosper.audit.db import make_engine, reason, safe_url
from prosper.audit.keyfile import KeySource, resolve_key
from prosper.audit.lite import insert_batch_pooled
from prosper.audit.signing import SigningKey
from prosper.audit.tables import COLUMNS, decode_row, head_table, migrations, record_table
from prosper.audit.writer import GroupCommit, Prepared, insert_batch, refusal
from prosper.errors import AuditError, AuditIntegrityError, InputError, NotFoundError
from prosper.settings import Settings

VERIFY_BATCH = 1000
"""Rows fetched per round trip while verifying a long chain."""


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of checked records, newest first, and problems of the log as a whole."""

    records: tuple[CheckedRecord, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every record on the page and the log's tail check out."""
        return not self.problems and all(r.ok for r in self.records)


class AuditLog:
    """An open audit log. Use :meth:`open` or :meth:`from_settings`; safe to share between threads.

    >>> log = AuditLog.open("sqlite://")
    >>> rec = log.append(kind="check", input={"id": "PO-1"}, output={"verdict": "allowed"},
    ...                  versions={"engine": "0.1.0"}, actor="alice")
    >>> (rec.id, log.verify().ok)
    (1, True)
    >>> log.close()

    Without a ``key`` records are written unsigned and without an ``anchor`` no anchor file
    is kept: :meth:`from_settings` (what the CLI and the server use) configures both.
    """

    def __init__(
        self, engine: sa.Engine, *, key: KeySource | None = None, anchor: AnchorFile | None = None
    ) -> None:
        """Wrap ``engine`` (already migrated); see :meth:`open`."""
        self._engine = engine
        self._key_source = key
        self._key: SigningKey | None = None
        self._anchor = anchor
        # Threads of one process share transactions (group commit) rather than each
        # spinning on the database lock; other processes serialise on the database lock.
        self._writer = GroupCommit(self._write_batch)

    @classmethod
    def open(
        cls, url: str, *, key: KeySource | None = None, anchor: Path | None = None
    ) -> AuditLog:
        """Open (creating and migrating if needed) the log at SQLAlchemy ``url``.

        Args:
            url: the database.
            key: where the audit key comes from (None: records are not signed).
            anchor: the anchor file (None: none is written or checked).

        Raises:
            InputError: ``url`` is not a database URL.
            AuditError: the database cannot be reached or migrated.
        """
        engine = make_engine(url)
        try:
            migrations.apply(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            message = f"cannot open the audit log at {safe_url(url)}: {reason(exc)}"
            raise AuditError(message) from None
        return cls(engine, key=key, anchor=None if anchor is None else AnchorFile(anchor))

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditLog:
        """The log of ``settings.db_url`` with the configured audit key and anchor file."""
        return cls.open(
            settings.db_url, key=KeySource.from_settings(settings), anchor=anchor_path(settings)
        )

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine behind the log (for tests and maintenance tools)."""
        return self._engine

    @property
    def anchor(self) -> AnchorFile | None:
        """The anchor file, if one is kept."""
        return self._anchor

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ witnesses

    def _has_signed_records(self) -> bool:
        with self._engine.connect() as conn:
            signed = record_table.c.signature.is_not(None)
            query = sa.select(record_table.c.id).where(signed).limit(1)
            return conn.execute(query).first() is not None

    def _signing_key(self) -> SigningKey | None:
        """The key appends sign with: loaded once; created only for a log with no signature."""
        source = self._key_source
        if source is None:
            return None
        if self._key is None:
            key = resolve_key(source, self._has_signed_records)
            self._key = key
        return self._key

    def signing_key(self) -> SigningKey | None:
        """The key appends sign with (None without a key source; see :meth:`_signing_key`).

        Raises:
            AuditIntegrityError: the key is missing but the log holds signed records.
        """
        return self._signing_key()

    def witness(self, *, incremental: bool = False) -> Witness:
        """What the key and the anchor file say, read now (never creates a key).

        ``incremental``: re-read only what was appended to the anchor file since this process
        last read it (the read paths); ``verify`` reads it whole.
        """
        key = self._key
        if key is None and self._key_source is not None:
            key = self._key_source.load()
        if self._anchor is None:
            return Witness(key=key)
        return self._anchor.witness(key, incremental=incremental)

    # ------------------------------------------------------------------ writing

    def append(
        self,
        *,
        kind: str,
        input: dict[str, Any],
        output: dict[str, Any],
        versions: dict[str, Any],
        actor: str,
    ) -> AuditRecord:
        """Append one decision and return the stored record (with its id, hash and signature).

        Raises:
            InputError: an empty ``kind`` / ``actor`` or a value that is not a JSON object.
            AuditIntegrityError: the head checkpoint or the audit key is missing.
            AuditError: the database refused the write, or the anchor file cannot be written.
        """
        if not isinstance(kind, str) or not kind.strip():
            raise InputError("must be a non-empty string", field="kind")
        if not isinstance(actor, str) or not actor.strip():
            raise InputError("must be a non-empty string", field="actor")
        return self._writer.append(Prepared.of(kind, actor, input, output, versions))

    def append_prepared(self, item: Prepared) -> AuditRecord:
        """Append a record whose values were serialised elsewhere (``item.texts``: the
        canonical JSON of its ``input``, ``output`` and ``versions``, as :meth:`Prepared.of`
        makes them; the server's check workers do). The hash covers those texts; the returned
        record carries ``item``'s values as given.

        Raises:
            InputError, AuditIntegrityError, AuditError: as :meth:`append`.
        """
        refused = refusal(item)
        if refused is not None:
            raise refused
        return self._writer.append(item)

    def append_prepared_many(self, items: Sequence[Prepared]) -> list[AuditRecord | BaseException]:
        """:meth:`append_prepared` for several records handed over at once (the server's
        event-loop writer): queued together, in order, so they share transactions. Returns,
        once each is committed (and witnessed) or refused, its record or the error."""
        refused = [refusal(item) for item in items]
        ready = [item for item, no in zip(items, refused, strict=True) if no is None]
        written = iter(self._writer.append_many(ready))
        return [next(written) if no is None else no for no in refused]

    def _write_batch(self, batch: Sequence[Prepared]) -> list[AuditRecord]:
        """Write ``batch`` in one transaction, then witness it in the anchor file (one fsync).

        The anchor file is opened before the transaction, so that a file that cannot be
        written stops the append before anything is committed.
        """
        key = self._signing_key()
        handle = None if self._anchor is None else self._anchor.open_for_append()
        try:
            try:
                if self._engine.dialect.name == "sqlite":
                    records = insert_batch_pooled(self._engine, batch, key)
                else:
                    records = insert_batch(self._engine, batch, key)
            except (SQLAlchemyError, sqlite3.Error) as exc:
                raise AuditError(f"cannot append to the audit log: {reason(exc)}") from None
            pause_before_anchor(records)
            if handle is not None and self._anchor is not None:
                self._anchor.witness_records(handle, records)
        finally:
            if handle is not None:
                handle.close()
        return records

    # ------------------------------------------------------------------ reading

    def _rows(self, query: sa.Select[Any]) -> list[sa.Row[Any]]:
        try:
            with self._engine.connect() as conn:
                return list(conn.execute(query).all())
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot read the audit log: {reason(exc)}") from None

    def read(self, record_id: int) -> CheckedRecord:
        """The record with ``record_id``, checked: content, signature, link, head, anchor.

        Raises:
            NotFoundError: no such record.
        """
        rows = self._rows(
            sa.select(*COLUMNS)
            .where(record_table.c.id.in_([record_id - 1, record_id]))
            .order_by(record_table.c.id)
        )
        by_id = {int(r.id): decode_row(r) for r in rows}
        if record_id not in by_id:
            raise NotFoundError(f"no audit record {record_id}")
        return check_record(
            by_id[record_id],
            previous=by_id.get(record_id - 1),
            head=self.head(),
            witness=self.witness(incremental=True),
        )

    def get(self, record_id: int) -> AuditRecord:
        """The record with ``record_id``, refused unless it checks out (see :meth:`read`).

        Raises:
            NotFoundError: no such record.
            AuditIntegrityError: the record, its link or its witnesses do not check out.
        """
        checked = self.read(record_id)
        if checked.problems or checked.record is None:
            first = checked.problems[0] if checked.problems else Problem(record_id, "unreadable")
            more = len(checked.problems) - 1
            raise AuditIntegrityError(f"{first}" + (f" (+{more} more)" if more > 0 else ""))
        return checked.record

    def browse(self, *, limit: int = 50, offset: int = 0, kind: str | None = None) -> AuditPage:
        """Records newest first, each checked like :meth:`read`, and the log's tail checked
        against the anchor file (the newest records deleted, the head moved back).

        Raises:
            InputError: a negative ``limit`` or ``offset``.
        """
        if limit < 0:
            raise InputError("must be 0 or more", field="limit")
        if offset < 0:
            raise InputError("must be 0 or more", field="offset")
        query = sa.select(*COLUMNS).order_by(record_table.c.id.desc()).limit(limit).offset(offset)
        if kind is not None:
            query = query.where(record_table.c.kind == kind)
        page = [decode_row(r) for r in self._rows(query)]
        by_id = {r.id: r for r in page}
        wanted = sorted({r.id - 1 for r in page if r.id > 1} - set(by_id))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            extra = self._rows(sa.select(*COLUMNS).where(record_table.c.id.in_(chunk)))
            by_id.update((int(r.id), decode_row(r)) for r in extra)
        head, witness = self.head(), self.witness(incremental=True)
        records = tuple(
            check_record(row, previous=by_id.get(row.id - 1), head=head, witness=witness)
            for row in page
        )
        return AuditPage(records=records, problems=self._tail_problems(head, witness))

    def _tail_problems(self, head: tuple[int, str] | None, witness: Witness) -> tuple[Problem, ...]:
        """What is wrong with the log as a whole: no head, a tail the anchor file misses."""
        found: list[Problem] = []
        if head is None:
            found.append(Problem(None, "head checkpoint missing (deleted)"))
        last = int(self._rows(sa.select(sa.func.coalesce(sa.func.max(record_table.c.id), 0)))[0][0])
        if witness.anchor_last > last:
            missing = f"records {last + 1}-{witness.anchor_last}"
            if witness.anchor_last == last + 1:
                missing = f"record {last + 1}"
            reason_ = f"{missing} in the anchor file but not in the log (deleted, head moved back)"
            found.append(Problem(last + 1, reason_))
        found.extend(Problem(None, r) for r in witness.anchor_problems)
        return tuple(found)

    def list(
        self, *, limit: int = 50, offset: int = 0, kind: str | None = None
    ) -> list[AuditRecord]:
        """Records newest first, ``limit`` of them after skipping ``offset``, unchecked
        (the read paths use :meth:`browse`).

        Raises:
            InputError: a negative ``limit`` or ``offset``.
            AuditIntegrityError: a record's stored JSON cannot be read.
        """
        page = self.browse(limit=limit, offset=offset, kind=kind)
        out: list[AuditRecord] = []
        for checked in page.records:
            if checked.record is None:
                raise AuditIntegrityError(f"record {checked.id}: unreadable JSON (edited)")
            out.append(checked.record)
        return out

    def head(self) -> tuple[int, str] | None:
        """The head checkpoint ``(last_id, last_hash)``; ``None`` if it was deleted."""
        rows = self._rows(sa.select(head_table.c.last_id, head_table.c.last_hash))
        return None if len(rows) != 1 else (int(rows[0].last_id), str(rows[0].last_hash))

    def verify(self, *, anchors: Iterable[str] = ()) -> VerifyReport:
        """Walk the whole chain and report every record where it breaks.

        Detects an edited record (its hash no longer matches its content, or its stored JSON
        is not the canonical text), a deleted record (an id gap, named by the record after
        the gap), an inserted, replaced or reordered record (``prev_hash`` does not match the
        record before it), a deleted tail (the head checkpoint or the anchor file names a
        record that is gone), a record forged without the audit key (its signature), and a
        damaged anchor file. Reads one consistent snapshot, so it may run while others append.

        Args:
            anchors: record hashes saved outside the database by hand (e.g. a past report's
                ``head_hash``); each must still be in the chain.
        """
        walker = ChainWalker(anchors, self.witness())
        try:
            with self._engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    for raw in self.iter_rows(conn):
                        check_row(walker, decode_row(raw))
                    head_query = sa.select(head_table.c.last_id, head_table.c.last_hash)
                    head_rows = conn.execute(head_query).all()
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot read the audit log: {reason(exc)}") from None
        head = None if len(head_rows) != 1 else (int(head_rows[0][0]), str(head_rows[0][1]))
        return walker.finish(head)

    @staticmethod
    def iter_rows(conn: sa.Connection) -> Iterator[sa.Row[Any]]:
        """Every stored row on ``conn``, in id order (keyset pagination: bounded memory on
        any backend, without server-side cursors)."""
        after = None
        while True:
            query = sa.select(*COLUMNS).order_by(record_table.c.id).limit(VERIFY_BATCH)
            if after is not None:
                query = query.where(record_table.c.id > after)
            rows = conn.execute(query).all()
            yield from rows
            if len(rows) < VERIFY_BATCH:
                return
            after = rows[-1].id
