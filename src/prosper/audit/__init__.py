"""Tamper-evident audit log: every decision, its input and versions, in one hash chain.

* :mod:`prosper.audit.chain` — canonical JSON, record hashes, the chain rules (pure);
* :mod:`prosper.audit.log` — :class:`AuditLog`, the store on SQLAlchemy Core (SQLite default,
  PostgreSQL or any SQLAlchemy URL);
* :mod:`prosper.audit.migrations` — the tiny migration registry;
* :mod:`prosper.audit.diff` — :func:`diff_decisions`, what ``prosper audit replay`` shows.
"""

from __future__ import annotations

from prosper.audit.chain import (
    GENESIS_HASH,
    AuditRecord,
    Problem,
    VerifyReport,
    canonical_json,
    record_hash,
)
from prosper.audit.diff import DecisionDiff, FindingChange, ValueChange, diff_decisions
from prosper.audit.log import AuditLog

__all__ = [
    "GENESIS_HASH",
    "AuditLog",
    "AuditRecord",
    "DecisionDiff",
    "FindingChange",
    "Problem",
    "ValueChange",
    "VerifyReport",
    "canonical_json",
    "diff_decisions",
    "record_hash",
]
