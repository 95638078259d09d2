"""The audit log store: an append-only, hash-chained table on SQLAlchemy Core.

SQLite by default, any SQLAlchemy URL otherwise (PostgreSQL through psycopg 3:
``postgresql+psycopg://user@host/db``; a bare ``postgresql://`` URL is given that driver).

Tables (created by the migrations below):

* ``audit_record`` — one row per decision; ``input`` / ``output`` / ``versions`` are stored as
  canonical JSON text, exactly the bytes the hash covers.
* ``audit_head`` — one row: the id and hash of the last record, written in the same
  transaction as each append, so that deleting the newest records is detected.

Appends are serialised by a write lock: SQLite ``BEGIN IMMEDIATE``; elsewhere
``SELECT … FOR UPDATE`` on the head row. The next id and ``prev_hash`` are read from the head
under that lock, so concurrent writers (threads or processes) always extend one chain.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from prosper.audit.chain import (
    GENESIS_HASH,
    AuditRecord,
    ChainWalker,
    VerifyReport,
    canonical_json,
    normalise_json_object,
    record_hash,
)
from prosper.audit.migrations import WRITE_OPTION, MigrationSet, write_transaction
from prosper.errors import AuditError, AuditIntegrityError, InputError, NotFoundError

SQLITE_BUSY_TIMEOUT_S = 60.0
"""How long an SQLite writer waits for another's lock (e.g. 8 processes appending at once)."""

VERIFY_BATCH = 1000
"""Rows fetched per round trip while verifying a long chain."""

migrations = MigrationSet("audit")


@migrations(1, "create audit_record and audit_head")
def _create_tables(conn: sa.Connection) -> None:
    metadata = sa.MetaData()
    sa.Table(
        "audit_record",
        metadata,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("versions", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(71), nullable=False),
        sa.Column("hash", sa.String(71), nullable=False, unique=True),
        sa.Index("ix_audit_record_kind", "kind", "id"),
    )
    head = sa.Table(
        "audit_head",
        metadata,
        sa.Column("singleton", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(71), nullable=False),
        sa.CheckConstraint("singleton = 1", name="ck_audit_head_singleton"),
    )
    metadata.create_all(conn)
    conn.execute(sa.insert(head).values(singleton=1, last_id=0, last_hash=GENESIS_HASH))


_record = sa.table(
    "audit_record",
    sa.column("id", sa.BigInteger),
    sa.column("created_at", sa.String),
    sa.column("kind", sa.String),
    sa.column("actor", sa.String),
    sa.column("input", sa.Text),
    sa.column("output", sa.Text),
    sa.column("versions", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
_head = sa.table(
    "audit_head",
    sa.column("singleton", sa.Integer),
    sa.column("last_id", sa.BigInteger),
    sa.column("last_hash", sa.String),
)
_COLUMNS = tuple(_record.c)


def _enable_wal(dbapi_conn: Any) -> None:
    """Switch a SQLite connection to WAL mode (readers never block the writer).

    Changing the journal mode takes an exclusive lock and SQLite's busy handler does not
    wait for it, so two processes opening a brand-new log at once can see "database is
    locked" here: retry until the busy timeout instead of failing the open.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)
        finally:
            cursor.close()


def _make_engine(url: str) -> sa.Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"not a database URL: {url!r}", field="PROSPER_DB_URL") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        try:
            return sa.create_engine(parsed, pool_pre_ping=True)
        except (NoSuchModuleError, ImportError) as exc:
            hint = " (pip install 'prosper[postgres]')" if "postgres" in parsed.drivername else ""
            message = f"cannot use database driver {parsed.drivername}{hint}: {_reason(exc)}"
            raise AuditError(message) from None

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if in_memory:
        # One shared connection, else each connection would see its own empty database.
        engine = sa.create_engine(
            parsed,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        )
    else:
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"cannot create the audit log folder {folder}: {_reason(exc)}"
            raise AuditError(message) from None
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    # SQLAlchemy, not the sqlite3 driver, emits BEGIN: the driver's legacy mode would not
    # wrap DDL and SELECTs in the transaction (see SQLAlchemy's "sqlite_transactions" docs).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        if not in_memory:
            _enable_wal(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _row_to_record(row: sa.Row[Any]) -> AuditRecord:
    return AuditRecord(
        id=int(row.id),
        created_at=row.created_at,
        kind=row.kind,
        actor=row.actor,
        input=json.loads(row.input),
        output=json.loads(row.output),
        versions=json.loads(row.versions),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditLog:
    """An open audit log. Use :meth:`open`; safe to share between threads.

    >>> log = AuditLog.open("sqlite://")
    >>> rec = log.append(kind="check", input={"id": "PO-1"}, output={"verdict": "allowed"},
    ...                  versions={"engine": "0.1.0"}, actor="alice")
    >>> (rec.id, log.verify().ok)
    (1, True)
    >>> log.close()
    """

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        # Threads of one process queue here rather than spinning on the database lock.
        self._append_lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> AuditLog:
        """Open (creating and migrating if needed) the log at SQLAlchemy ``url``.

        Raises:
            InputError: ``url`` is not a database URL.
            AuditError: the database cannot be reached or migrated.
        """
        engine = _make_engine(url)
        try:
            migrations.apply(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            message = f"cannot open the audit log at {_safe_url(url)}: {_reason(exc)}"
            raise AuditError(message) from None
        return cls(engine)

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine behind the log (for tests and maintenance tools)."""
        return self._engine

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(
        self,
        *,
        kind: str,
        input: dict[str, Any],
        output: dict[str, Any],
        versions: dict[str, Any],
        actor: str,
    ) -> AuditRecord:
        """Append one decision and return the stored record (with its id and hash).

        Raises:
            InputError: an empty ``kind`` / ``actor`` or a value that is not a JSON object.
            AuditIntegrityError: the head checkpoint is missing (the log was tampered with).
            AuditError: the database refused the write.
        """
        if not isinstance(kind, str) or not kind.strip():
            raise InputError("must be a non-empty string", field="kind")
        if not isinstance(actor, str) or not actor.strip():
            raise InputError("must be a non-empty string", field="actor")
        values = {
            "input": normalise_json_object(input, field_name="input"),
            "output": normalise_json_object(output, field_name="output"),
            "versions": normalise_json_object(versions, field_name="versions"),
        }
        try:
            with self._append_lock, write_transaction(self._engine) as conn:
                head = conn.execute(
                    sa.select(_head.c.last_id, _head.c.last_hash)
                    .where(_head.c.singleton == 1)
                    .with_for_update()
                ).first()
                if head is None:
                    raise AuditIntegrityError("head checkpoint missing: run `prosper audit verify`")
                record_id = int(head.last_id) + 1
                created_at = datetime.now(UTC).isoformat(timespec="microseconds")
                digest = record_hash(
                    record_id=record_id,
                    created_at=created_at,
                    kind=kind,
                    actor=actor,
                    prev_hash=head.last_hash,
                    **values,
                )
                conn.execute(
                    sa.insert(_record).values(
                        id=record_id,
                        created_at=created_at,
                        kind=kind,
                        actor=actor,
                        input=canonical_json(values["input"]),
                        output=canonical_json(values["output"]),
                        versions=canonical_json(values["versions"]),
                        prev_hash=head.last_hash,
                        hash=digest,
                    )
                )
                conn.execute(
                    sa.update(_head)
                    .where(_head.c.singleton == 1)
                    .values(last_id=record_id, last_hash=digest)
                )
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot append to the audit log: {_reason(exc)}") from None
        return AuditRecord(
            id=record_id,
            created_at=created_at,
            kind=kind,
            actor=actor,
            input=values["input"],
            output=values["output"],
            versions=values["versions"],
            prev_hash=head.last_hash,
            hash=digest,
        )

    def get(self, record_id: int) -> AuditRecord:
        """The record with ``record_id``.

        Raises:
            NotFoundError: no such record.
            AuditIntegrityError: the stored JSON cannot be read (the row was edited).
        """
        try:
            with self._engine.connect() as conn:
                row = conn.execute(sa.select(*_COLUMNS).where(_record.c.id == record_id)).first()
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot read the audit log: {_reason(exc)}") from None
        if row is None:
            raise NotFoundError(f"no audit record {record_id}")
        return _decode(row)

    def list(
        self, *, limit: int = 50, offset: int = 0, kind: str | None = None
    ) -> list[AuditRecord]:
        """Records newest first, ``limit`` of them after skipping ``offset``.

        Raises:
            InputError: a negative ``limit`` or ``offset``.
        """
        if limit < 0:
            raise InputError("must be 0 or more", field="limit")
        if offset < 0:
            raise InputError("must be 0 or more", field="offset")
        query = sa.select(*_COLUMNS).order_by(_record.c.id.desc()).limit(limit).offset(offset)
        if kind is not None:
            query = query.where(_record.c.kind == kind)
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot read the audit log: {_reason(exc)}") from None
        return [_decode(row) for row in rows]

    def head(self) -> tuple[int, str] | None:
        """The head checkpoint ``(last_id, last_hash)``; ``None`` if it was deleted."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(_head.c.last_id, _head.c.last_hash)).first()
        return None if row is None else (int(row.last_id), str(row.last_hash))

    def verify(self, *, anchors: Iterable[str] = ()) -> VerifyReport:
        """Walk the whole chain and report every record where it breaks.

        Detects an edited record (its hash no longer matches its content), a deleted record
        (an id gap, named by the record after the gap), an inserted, replaced or reordered
        record (``prev_hash`` does not match the record before it) and a deleted tail (the
        head checkpoint names a record that is gone). Reads one consistent snapshot, so it
        may run while others append.

        Args:
            anchors: record hashes saved outside the database earlier (e.g. a past report's
                ``head_hash``); each must still be in the chain. This catches a log rewritten
                wholesale, hashes and head included, which no unkeyed chain can see alone.
        """
        walker = ChainWalker(anchors)
        try:
            with self._engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    for row in self._iter_rows(conn):
                        try:
                            record: AuditRecord | None = _row_to_record(row)
                        except (ValueError, TypeError):
                            record = None
                        walker.check(
                            record_id=int(row.id),
                            prev_hash=row.prev_hash,
                            stored_hash=row.hash,
                            record=record,
                        )
                    head_rows = conn.execute(sa.select(_head.c.last_id, _head.c.last_hash)).all()
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot read the audit log: {_reason(exc)}") from None
        head = None if len(head_rows) != 1 else (int(head_rows[0][0]), str(head_rows[0][1]))
        return walker.finish(head)

    @staticmethod
    def _iter_rows(conn: sa.Connection) -> Iterator[sa.Row[Any]]:
        # Keyset pagination: bounded memory on any backend, without server-side cursors.
        after = None
        while True:
            query = sa.select(*_COLUMNS).order_by(_record.c.id).limit(VERIFY_BATCH)
            if after is not None:
                query = query.where(_record.c.id > after)
            rows = conn.execute(query).all()
            yield from rows
            if len(rows) < VERIFY_BATCH:
                return
            after = rows[-1].id


def _decode(row: sa.Row[Any]) -> AuditRecord:
    try:
        return _row_to_record(row)
    except (ValueError, TypeError):
        raise AuditIntegrityError(f"record {row.id}: unreadable JSON (edited)") from None


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message: CLI errors are one line."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"
