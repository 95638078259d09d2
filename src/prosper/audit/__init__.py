"""Tamper-evident audit log: every decision, its input and versions, in one signed hash chain.

* :mod:`prosper.audit.chain` — canonical JSON, record hashes, the chain rules (pure);
* :mod:`prosper.audit.checked` — one record checked with its link and witnesses (the read paths);
* :mod:`prosper.audit.signing` — HMAC signatures of record hashes (pure);
* :mod:`prosper.audit.keyfile` — where the audit key comes from (setting or 0600 key file);
* :mod:`prosper.audit.anchor` — the anchor file outside the database that witnesses the head;
* :mod:`prosper.audit.log` — :class:`AuditLog`, the store on SQLAlchemy Core (SQLite default,
  PostgreSQL or any SQLAlchemy URL; engine in :mod:`prosper.audit.db`, tables and their
  migrations in :mod:`prosper.audit.tables`);
* :mod:`prosper.audit.migrations` — the tiny migration registry;
* :mod:`prosper.audit.recovery` — ``prosper audit recover``: records a crash left without their
  anchor line, witnessed late by a ``recovery`` record (:mod:`prosper.audit.late`, what ``verify``
  reads back);
* :mod:`prosper.audit.diff` — :func:`diff_decisions`, what ``prosper audit replay`` shows;
* :mod:`prosper.audit.prepared` — records serialised, chained and signed (pure), for both
  writers: :mod:`prosper.audit.writer` (SQLAlchemy) and :mod:`prosper.audit.lite` (``sqlite3``,
  the CLI's lean ``screen``).

The names below load on first use: importing a pure submodule (``prosper.audit.chain``) does not
import SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prosper.audit.chain import (
        GENESIS_HASH,
        AuditRecord,
        Problem,
        VerifyReport,
        Witness,
        canonical_json,
        record_hash,
    )
    from prosper.audit.checked import CheckedRecord
    from prosper.audit.diff import DecisionDiff, FindingChange, ValueChange, diff_decisions
    from prosper.audit.keyfile import KeySource
    from prosper.audit.log import AuditLog, AuditPage
    from prosper.audit.signing import SigningKey

_WHERE = {
    **dict.fromkeys(
        (
            "GENESIS_HASH",
            "AuditRecord",
            "Problem",
            "VerifyReport",
            "Witness",
            "canonical_json",
            "record_hash",
        ),
        "chain",
    ),
    **dict.fromkeys(("DecisionDiff", "FindingChange", "ValueChange", "diff_decisions"), "diff"),
    "CheckedRecord": "checked",
    "KeySource": "keyfile",
    "AuditLog": "log",
    "AuditPage": "log",
    "SigningKey": "signing",
}

__all__ = [
    "GENESIS_HASH",
    "AuditLog",
    "AuditPage",
    "AuditRecord",
    "CheckedRecord",
    "DecisionDiff",
    "FindingChange",
    "KeySource",
    "Problem",
    "SigningKey",
    "ValueChange",
    "VerifyReport",
    "Witness",
    "canonical_json",
    "diff_decisions",
    "record_hash",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
