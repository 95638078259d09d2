"""Appending to the default SQLite audit log with the standard library's ``sqlite3``.

The CLI's lean ``prosper screen`` (:mod:`prosper.cli.lean`) records its screen here instead of
through :class:`~prosper.audit.log.AuditLog`, whose SQLAlchemy import costs more CPU than the
screen itself. The record is the same one: prepared, chained and signed by the same code
(:mod:`prosper.audit.prepared`, :func:`~prosper.audit.keyfile.resolve_key`), written as the same
row under the same write lock (``BEGIN IMMEDIATE``, WAL, the same busy timeout), and witnessed
in the same anchor file — ``prosper audit verify`` and ``show`` read it like any other.

It applies only to a plain ``sqlite:///<file>`` URL whose database exists with the current
schema; :func:`append_sqlite` returns None otherwise (PostgreSQL, an in-memory or URL-encoded
path, a database not created or not migrated yet) and the caller uses the SQLAlchemy writer,
which creates and migrates the database.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prosper.audit.anchor import AnchorFile, anchor_path, pause_before_anchor
from prosper.audit.keyfile import KeySource, resolve_key
from prosper.audit.prepared import Prepared, chain_batch
from prosper.audit.record import AuditRecord
from prosper.audit.signing import SigningKey
from prosper.errors import AuditError, AuditIntegrityError, InputError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from prosper.settings import Settings

SQLITE_BUSY_TIMEOUT_S = 60.0
"""How long an SQLite writer waits for another's lock (e.g. 8 processes appending at once)."""
AUDIT_SCHEMA = (1, 2)
"""The audit migrations this writer knows (:mod:`prosper.audit.tables`; a test keeps them equal)."""
_COLUMNS = ("id", "created_at", "kind", "actor", "input", "output", "versions", "prev_hash")
_INSERT = (
    f"INSERT INTO audit_record ({', '.join(_COLUMNS)}, hash, signature) "
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}, :hash, :signature)"
)


def enable_wal(dbapi_conn: Any) -> None:
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


def sqlite_file(url: str) -> Path | None:
    """The database file of a plain ``sqlite:///<path>`` URL; None for any other URL.

    >>> sqlite_file("sqlite:////var/prosper/audit.sqlite3")
    PosixPath('/var/prosper/audit.sqlite3')
    >>> [sqlite_file(u) for u in ("sqlite://", "sqlite:///:memory:", "postgresql://h/db")]
    [None, None, None]
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :]
    if not path or path.startswith((":memory:", "file:", "~")) or any(c in path for c in "?%#"):
        return None  # left to SQLAlchemy's URL parsing
    return Path(path)


def _current_schema(conn: sqlite3.Connection) -> bool:
    try:
        rows = conn.execute(
            "SELECT version FROM schema_version WHERE component = 'audit' ORDER BY version"
        ).fetchall()
    except sqlite3.Error:  # no table yet, or not a database: the SQLAlchemy writer says so
        return False
    return tuple(int(r[0]) for r in rows) == AUDIT_SCHEMA


def _has_signed_records(conn: sqlite3.Connection) -> bool:
    query = "SELECT id FROM audit_record WHERE signature IS NOT NULL LIMIT 1"
    return conn.execute(query).fetchone() is not None


def insert_batch(
    conn: sqlite3.Connection, batch: Sequence[Prepared], key: SigningKey | None
) -> list[AuditRecord]:
    """Append ``batch`` in one ``BEGIN IMMEDIATE`` transaction; the stored records
    (:func:`prosper.audit.writer.insert_batch` on ``sqlite3``; ``conn`` in autocommit mode).

    Raises:
        AuditIntegrityError: the head checkpoint is missing.
        sqlite3.Error: the database refused the write (nothing written).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        head = conn.execute(
            "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1"
        ).fetchone()
        if head is None:
            raise AuditIntegrityError("head checkpoint missing: run `prosper audit verify`")
        rows, records = chain_batch(batch, int(head[0]), str(head[1]), key)
        if records:
            conn.executemany(_INSERT, rows)
            conn.execute(
                "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1",
                (records[-1].id, records[-1].hash),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return records


def insert_batch_pooled(
    engine: sa.Engine, batch: Sequence[Prepared], key: SigningKey | None
) -> list[AuditRecord]:
    """:func:`insert_batch` on a pooled connection of ``engine`` (an SQLite engine of
    :func:`prosper.audit.db.make_engine`: autocommit driver, WAL, the busy timeout).

    What :class:`~prosper.audit.log.AuditLog` appends with on SQLite: the same statements,
    lock and commit as :func:`prosper.audit.writer.insert_batch`, without SQLAlchemy building,
    caching and compiling three statements per transaction (most of an append's CPU after the
    commit itself; ``bench/audit_cost.py``).

    Raises:
        AuditIntegrityError: the head checkpoint is missing.
        sqlite3.Error: the database refused the write (nothing written).
        sqlalchemy.exc.SQLAlchemyError: no connection could be made.
    """
    pooled = engine.raw_connection()
    try:
        conn = pooled.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        return insert_batch(conn, batch, key)
    finally:
        pooled.close()


def append_sqlite(
    settings: Settings,
    *,
    kind: str,
    input: dict[str, Any],
    output: dict[str, Any],
    versions: dict[str, Any],
    actor: str,
) -> AuditRecord | None:
    """Append one record to the log of ``settings`` as :meth:`AuditLog.append` would, or
    return None when this writer does not apply (see the module's notes).

    Raises:
        InputError: an empty ``kind`` / ``actor`` or a value that is not a JSON object.
        AuditIntegrityError: the head checkpoint or the audit key is missing.
        AuditError: the database refused the write, or the anchor file cannot be written.
    """
    path = sqlite_file(settings.db_url)
    if path is None or not path.is_file():
        return None
    if not kind.strip():
        raise InputError("must be a non-empty string", field="kind")
    if not actor.strip():
        raise InputError("must be a non-empty string", field="actor")
    item = Prepared.of(kind, actor, input, output, versions)
    source = KeySource.from_settings(settings)
    try:
        conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        try:
            enable_wal(conn)
        except sqlite3.Error:
            return None
        if not _current_schema(conn):
            return None
        key = resolve_key(source, lambda: _has_signed_records(conn))
        anchor = AnchorFile(anchor_path(settings))
        handle = anchor.open_for_append()  # before the transaction, as AuditLog does
        try:
            try:
                records = insert_batch(conn, [item], key)
            except sqlite3.Error as exc:
                raise AuditError(f"cannot append to the audit log: {_reason(exc)}") from None
            pause_before_anchor(records)
            anchor.witness_records(handle, records)
        finally:
            handle.close()
    finally:
        conn.close()
    return records[0]


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message (:func:`prosper.audit.db.reason`)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
