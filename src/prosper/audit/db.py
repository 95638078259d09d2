"""The audit database engine: SQLite (WAL, ``BEGIN IMMEDIATE`` writers) or any SQLAlchemy URL.

SQLite by default, any SQLAlchemy URL otherwise (PostgreSQL through psycopg 3:
``postgresql+psycopg://user@host/db``; a bare ``postgresql://`` URL is given that driver).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from prosper.audit.lite import SQLITE_BUSY_TIMEOUT_S, enable_wal
from prosper.audit.migrations import WRITE_OPTION
from prosper.errors import AuditError, InputError

__all__ = ["SQLITE_BUSY_TIMEOUT_S", "enable_wal", "make_engine", "reason", "safe_url"]


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url`` (SQLite: its folder created, WAL on, a 60 s busy timeout)."""
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
            message = f"cannot use database driver {parsed.drivername}{hint}: {reason(exc)}"
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
            message = f"cannot create the audit log folder {folder}: {reason(exc)}"
            raise AuditError(message) from None
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    # SQLAlchemy, not the sqlite3 driver, emits BEGIN: the driver's legacy mode would not
    # wrap DDL and SELECTs in the transaction (see SQLAlchemy's "sqlite_transactions" docs).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        if not in_memory:
            enable_wal(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def reason(exc: BaseException) -> str:
    """The first line of the driver's message: CLI errors are one line."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def safe_url(url: str) -> str:
    """``url`` with its password hidden (for messages)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"
