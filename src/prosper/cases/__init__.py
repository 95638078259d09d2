"""Case management: the counterparty register, alerts and reviewer decisions, re-screening.

* :mod:`prosper.cases.model` — registered parties, alerts, states, events (frozen values);
* :mod:`prosper.cases.importer` / :mod:`prosper.cases.register` — register files (CSV, XLSX,
  JSONL, Parquet) → parties, all rows or none;
* :mod:`prosper.cases.store` — the tables (:mod:`prosper.cases.tables`, migrated like the
  audit log's) on SQLite or PostgreSQL;
* :mod:`prosper.cases.alerts` — hits → alerts (suppression, reopening), escalate / decide with
  four-eyes, every transition in the audit log;
* :mod:`prosper.cases.register_index` / :mod:`prosper.cases.rescreen` — re-screening on a list
  delta (only the parties it could affect) and in full (resumable);
* :mod:`prosper.cases.webhooks` — signed, retried event deliveries with a log;
* :mod:`prosper.cases.reports` — ``alerts report``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prosper.cases.model import Alert, AlertEvent, AlertState, RegisteredParty
    from prosper.cases.store import AlertFilter, CaseStore

__all__ = ["Alert", "AlertEvent", "AlertFilter", "AlertState", "CaseStore", "RegisteredParty"]
_STORE = {"AlertFilter", "CaseStore"}


def __getattr__(name: str) -> Any:
    """The names above, imported on first use: ``prosper.cases.model`` alone (its ``digest``,
    which the CLI's lean ``screen`` records) does not import the store and SQLAlchemy."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "store" if name in _STORE else "model"
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
