"""The audit tables: their migrations (through :mod:`prosper.audit.migrations`) and row decoding.

* ``audit_record`` — one row per decision; ``input`` / ``output`` / ``versions`` hold canonical
  JSON text, exactly the bytes the hash covers; ``signature`` (migration 2) the HMAC of the hash.
* ``audit_head`` — one row: the id and hash of the newest record.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from prosper.audit.chain import GENESIS_HASH, AuditRecord, decode_canonical
from prosper.audit.checked import StoredRow
from prosper.audit.migrations import MigrationSet

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


@migrations(2, "add audit_record.signature (HMAC of the hash under the audit key)")
def _add_signature(conn: sa.Connection) -> None:
    # NULL for records written before signing existed: they verify as "unsigned".
    conn.execute(sa.text("ALTER TABLE audit_record ADD COLUMN signature VARCHAR(120)"))


record_table = sa.table(
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
    sa.column("signature", sa.String),
)
head_table = sa.table(
    "audit_head",
    sa.column("singleton", sa.Integer),
    sa.column("last_id", sa.BigInteger),
    sa.column("last_hash", sa.String),
)
COLUMNS = tuple(record_table.c)


def decode_row(row: sa.Row[Any]) -> StoredRow:
    """A stored row → :class:`StoredRow`; JSON that is not the canonical hashed text → None."""
    try:
        record: AuditRecord | None = AuditRecord(
            id=int(row.id),
            created_at=row.created_at,
            kind=row.kind,
            actor=row.actor,
            input=decode_canonical(row.input, field_name="input"),
            output=decode_canonical(row.output, field_name="output"),
            versions=decode_canonical(row.versions, field_name="versions"),
            prev_hash=row.prev_hash,
            hash=row.hash,
            signature=row.signature,
        )
        unreadable = None
    except (ValueError, TypeError) as exc:
        record, unreadable = None, str(exc)
    return StoredRow(
        id=int(row.id),
        prev_hash=row.prev_hash,
        hash=row.hash,
        signature=row.signature,
        record=record,
        unreadable=unreadable,
    )
