"""Use cases shared by the CLI and the HTTP API: load an engine, screen, check, record.

This is the edge where files, caches and the audit database meet the pure core. The CLI and
the API call these functions and only render what they return.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from prosper.engine import Engine
from prosper.errors import InputError, NotFoundError
from prosper.render import decision_to_dict, jsonable
from prosper.schema import parse_transaction
from prosper.settings import Settings, load_settings

_LOCK = threading.Lock()
_ENGINES: dict[tuple[str, float], Engine] = {}


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for ``settings`` (built on first use, then reused)."""
    settings = settings or load_settings()
    key = (str(settings.snapshot_dir), settings.threshold)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = build_engine(settings)
            _ENGINES[key] = engine
        return engine


def reset_engines() -> None:
    """Forget cached engines (after ``lists update``, and in tests)."""
    with _LOCK:
        _ENGINES.clear()


def build_engine(settings: Settings) -> Engine:
    """Load the active list snapshot, its screening index and the rulebook."""
    from prosper.lists import load_snapshot
    from prosper.rulebook import load_rulebook
    from prosper.screening import get_index

    snapshot = load_snapshot(settings.snapshot_dir)
    index = get_index(snapshot, settings.data_dir / "cache")
    return Engine(
        snapshot=snapshot, index=index, threshold=settings.threshold, rulebook=load_rulebook()
    )


def read_document(path: Path) -> Any:
    """Read a YAML or JSON document (``-`` is not supported here; pass a file)."""
    if not path.exists():
        raise NotFoundError(f"no such file: {path}", field="TRANSACTION")
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        raise InputError(
            f"expected a .yaml, .yml or .json file, got {path.name}", field="TRANSACTION"
        )
    text = path.read_text("utf-8")
    try:
        return json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(
            f"{path.name} is not valid {suffix[1:].upper()}: {first}", field="TRANSACTION"
        ) from None


def _check_mode(mode: str) -> str:
    if mode not in {"enforced", "literal"}:
        raise InputError("must be 'enforced' or 'literal'", field="mode")
    return mode


def evaluate(
    raw: Any, *, mode: str = "enforced", as_of: date | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Decide a transaction document without recording it; returns the decision JSON."""
    _check_mode(mode)
    doc = dict(raw) if isinstance(raw, dict) else raw
    if as_of is not None and isinstance(doc, dict):
        doc["as_of"] = as_of
    tx = parse_transaction(doc)
    engine = get_engine(settings)
    decision = engine.check(tx, mode=mode)
    from prosper.screening import hit_to_dict

    return decision_to_dict(decision, hit_to_dict)


def run_check(
    raw: Any,
    *,
    settings: Settings | None = None,
    mode: str = "enforced",
    as_of: date | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Decide a transaction and append the decision to the audit log.

    The recorded input is the transaction document with its effective ``as_of`` filled in,
    so that ``prosper audit replay`` evaluates the same date.
    """
    settings = settings or load_settings()
    _check_mode(mode)
    doc = dict(raw) if isinstance(raw, dict) else raw
    if as_of is not None and isinstance(doc, dict):
        doc["as_of"] = as_of
    tx = parse_transaction(doc)
    doc = {**doc, "as_of": tx.as_of}
    output = evaluate(doc, mode=mode, settings=settings)

    from prosper.audit import AuditLog

    log = AuditLog.open(settings.db_url)
    try:
        record = log.append(
            kind="check",
            input=jsonable(doc),
            output=output,
            versions=output["versions"],
            actor=actor or settings.actor,
        )
    finally:
        log.close()
    return {**output, "audit": {"record_id": record.id, "hash": record.hash}}
