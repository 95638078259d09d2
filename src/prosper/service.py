"""Use cases shared by the CLI and the HTTP API: load an engine, screen, check, record.

This is the edge where files, caches and the audit database meet the pure core. The CLI and
the API call these functions and only render what they return.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prosper.engine import Engine
from prosper.errors import InputError, NotFoundError
from prosper.intake import parse_transaction
from prosper.model import Transaction
from prosper.reader import InputLimits, parse_document
from prosper.render import decision_to_dict, jsonable
from prosper.settings import Settings, load_settings

if TYPE_CHECKING:
    from prosper.audit import AuditLog
    from prosper.entities import Entity

_LOCK = threading.Lock()
_ENGINES: dict[tuple[str, float, tuple[tuple[str, int], ...], str | None], Engine] = {}
_LOGS: dict[str, AuditLog] = {}


def _engine_key(settings: Settings) -> tuple[str, float, tuple[tuple[str, int], ...], str | None]:
    return (
        # the snapshot folder is ``data_dir / "lists"``: the data folder names it, and its
        # text is cached on the Path (a new Path per check cost ~0.1 ms in a check worker)
        str(settings.data_dir),
        settings.threshold,
        settings.lists_max_age,
        settings.affiliates_rule,
    )


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for ``settings`` (built on first use, then reused)."""
    settings = settings or load_settings()
    key = _engine_key(settings)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = build_engine(settings)
            _ENGINES[key] = engine
        return engine


def reset_engines() -> None:
    """Forget cached engines and audit logs (after ``lists update``, and in tests)."""
    with _LOCK:
        _ENGINES.clear()
        for log in _LOGS.values():
            log.close()
        _LOGS.clear()


def swap_engine(settings: Settings) -> Engine:
    """Build a new engine on the current list snapshot beside the one in use, then swap it in.

    Called after a list update. Loading the lists and the index takes seconds; requests keep
    being served by the old engine meanwhile (the engine lock is held only for the swap). The
    screening index of new lists is built first in a separate process
    (:func:`build_index_aside`), so this process only maps the file and its requests are not
    slowed by a minute of index building holding the GIL.
    """
    build_index_aside(settings)
    fresh = build_engine(settings)
    old = get_engine(settings)
    with _LOCK:
        for key, engine in list(_ENGINES.items()):
            if engine is old:
                _ENGINES[key] = fresh
            elif key[0] == str(settings.snapshot_dir):
                del _ENGINES[key]  # other thresholds on the old lists: rebuilt on next use
    return fresh


INDEX_BUILD_TIMEOUT_S = 1800.0
"""Longest the separate index-building process may take before it is killed."""


def _write_index_file(settings: Settings) -> None:
    """In a separate process: load the current snapshot and write its screening-index file."""
    from prosper.lists import load_snapshot
    from prosper.screening.cache import get_index

    get_index(load_snapshot(settings.snapshot_dir), settings.data_dir / "cache")


def run_aside(
    target: Callable[..., object],
    args: tuple[object, ...],
    *,
    timeout: float,
    started: Callable[[int], None] | None = None,
) -> bool:
    """Run ``target(*args)`` in a spawned process; True when it ended well within ``timeout``
    seconds (else it is killed: False). ``started`` gets the process id."""
    import multiprocessing  # only to build an index in a child process

    process = multiprocessing.get_context("spawn").Process(target=target, args=args, daemon=True)
    process.start()
    if started is not None and process.pid is not None:
        started(process.pid)
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return False
    return process.exitcode == 0


def build_index_aside(settings: Settings, *, timeout: float = INDEX_BUILD_TIMEOUT_S) -> bool:
    """Write the screening-index file of the current snapshot from a separate process.

    True when it did (or the file was there already); False when that process failed, was
    killed or timed out — :func:`build_engine` then builds the index here, as before.
    """
    return run_aside(_write_index_file, (settings,), timeout=timeout)


def build_engine(settings: Settings) -> Engine:
    """Load the active list snapshot, its screening index and the rulebook, for a process
    that answers many queries with them (the server, its workers, casework): what is loaded
    is then out of the cyclic garbage collector's reach (:func:`prosper.heap.freeze_loaded`).
    """
    from prosper.heap import freeze_loaded
    from prosper.lists import load_snapshot
    from prosper.rulebook import load_rulebook
    from prosper.screening.cache import get_index

    snapshot = load_snapshot(settings.snapshot_dir)
    index = get_index(snapshot, settings.data_dir / "cache")
    engine = Engine(
        snapshot=snapshot,
        index=index,
        threshold=settings.threshold,
        rulebook=load_rulebook(),
        max_age=list_max_age(settings),
        affiliates_rule=settings.affiliates_rule,
    )
    freeze_loaded()  # kept for many queries: later collections need not walk it
    return engine


def prime_cli_engine(settings: Settings) -> Engine:
    """Build the engine of ``settings`` for one command-line decision (``prosper check``) and
    make it the process-wide one (:func:`get_engine` returns it); the one in use when there is.

    The same engine as :func:`build_engine`'s, loaded for a process that decides once: the
    index file is mapped without decoding the lists (an entity is decoded when a hit needs it:
    :func:`prosper.screening.cache.open_snapshot_index`), and the validated rulebook is kept
    compiled in the data folder's cache, checked against the digests of its files and code
    (:mod:`prosper.rulebook.compiled`: no YAML parsed, no pydantic model built when current).
    """
    from prosper.cachefile import yaml_cache
    from prosper.lists import Snapshot
    from prosper.rulebook.compiled import load_compiled_rulebook
    from prosper.screening.cache import open_snapshot_index
    from prosper.screening.parties import load_screening_policy

    key = _engine_key(settings)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is not None:
            return engine
    cache = settings.data_dir / "cache"
    with yaml_cache(cache):  # the parsed screening-policy YAML kept beside the rulebook's
        load_screening_policy()
        # and the parsed name tables the index's weights read (cachefile.cached_table)
        sources, index = open_snapshot_index(settings.snapshot_dir, cache)
    # the mapped entities: a sequence decoding each entity when read, not a tuple
    snapshot = Snapshot(sources=sources, entities=cast("tuple[Entity, ...]", index.entities))
    rulebook = load_compiled_rulebook(cache)
    engine = Engine(
        snapshot=snapshot,
        index=index,
        threshold=settings.threshold,
        rulebook=rulebook,
        max_age=list_max_age(settings),
        affiliates_rule=settings.affiliates_rule,
    )
    with _LOCK:
        return _ENGINES.setdefault(key, engine)


def list_max_age(settings: Settings) -> dict[str, int]:
    """How old each list may be (days): the screening policy's defaults with the
    ``PROSPER_LISTS_MAX_AGE_DAYS`` overrides on top."""
    from prosper.screening.freshness import merge_limits
    from prosper.screening.parties import load_screening_policy

    return merge_limits(load_screening_policy().freshness.max_age_days, settings.lists_max_age)


def read_document(
    path: Path,
    *,
    field: str = "TRANSACTION",
    encoding: str | None = None,
    limits: InputLimits | None = None,
) -> Any:
    """Read a YAML or JSON file with the one reader of every edge (:mod:`prosper.reader`)."""
    limits = limits or InputLimits()
    if not path.is_file():
        raise NotFoundError(f"no such file: {path}", field=field)
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        raise InputError(f"expected a .yaml, .yml or .json file, got {path.name}", field=field)
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)  # one byte more tells "too large" apart
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror}", field=field) from None
    return parse_document(
        data,
        syntax="json" if suffix == ".json" else "yaml",
        field=field,
        encoding=encoding,
        limits=limits,
        name_with="--encoding",
    )


def _check_mode(mode: str) -> str:
    """``mode`` if it is a reading the engine knows."""
    if mode not in {"enforced", "literal"}:
        raise InputError("must be 'enforced' or 'literal'", field="mode")
    return mode


def _prepare(
    raw: Any, as_of: date | None, limits: InputLimits | None = None
) -> tuple[dict[str, Any], Transaction]:
    """Validate ``raw`` (with ``as_of`` overriding its date) into a transaction.

    Returns the document with its effective ``as_of`` filled in — what the audit log records,
    so that a replay evaluates the same date — and the parsed transaction.
    """
    doc: Any = dict(raw) if isinstance(raw, dict) else raw
    if as_of is not None and isinstance(doc, dict):
        doc["as_of"] = as_of
    tx = parse_transaction(doc, limits=limits)
    return {**doc, "as_of": tx.as_of}, tx


def _decide(tx: Transaction, mode: str, settings: Settings | None) -> dict[str, Any]:
    from prosper.screening.document import hit_to_dict

    decision = get_engine(settings).check(tx, mode=_check_mode(mode))
    return decision_to_dict(decision, hit_to_dict)


def evaluate(
    raw: Any, *, mode: str = "enforced", as_of: date | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Decide a transaction document without recording it; returns the decision JSON."""
    _check_mode(mode)
    _, tx = _prepare(raw, as_of, None if settings is None else settings.input_limits)
    return _decide(tx, mode, settings)


def audit_log(settings: Settings) -> AuditLog:
    """The process-wide audit log of ``settings`` (opened and migrated once, then reused),
    signing with the configured audit key and witnessed by its anchor file."""
    from prosper.audit import AuditLog

    url = settings.db_url
    with _LOCK:
        log = _LOGS.get(url)
        if log is None:
            log = AuditLog.from_settings(settings)
            _LOGS[url] = log
        return log


def decide_document(
    raw: Any,
    *,
    settings: Settings | None = None,
    mode: str = "enforced",
    as_of: date | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate and decide a transaction without recording it.

    Returns the document to record (with its effective ``as_of``, as JSON values) and the
    decision JSON: what :func:`record_check` appends. The server's check workers run this part.
    """
    settings = settings or load_settings()
    _check_mode(mode)
    doc, tx = _prepare(raw, as_of, settings.input_limits)
    output = _decide(tx, mode, settings)
    recorded: dict[str, Any] = jsonable(doc)
    return recorded, output


def record_check(
    doc: dict[str, Any],
    output: dict[str, Any],
    *,
    settings: Settings,
    actor: str | None = None,
    claim: str | None = None,
    lean: bool = False,
) -> dict[str, Any]:
    """Append a decided check (from :func:`decide_document`) to the audit log; the decision
    with its ``audit`` block. ``actor``: the API key's holder on the server, else the OS login
    (``settings.actor``); ``claim``: who the CLI's caller says acts (``PROSPER_ACTOR``),
    recorded beside it as the record's ``versions.claimed_actor``, never in its place.

    ``lean`` (the CLI): append through the standard-library SQLite writer when it applies
    (:func:`prosper.audit.lite.append_sqlite`: the same record, without importing SQLAlchemy),
    else through the audit log."""
    versions = output["versions"] if not claim else {**output["versions"], "claimed_actor": claim}
    entry: dict[str, Any] = {
        "kind": "check",
        "input": doc,
        "output": output,
        "versions": versions,
        "actor": actor or settings.actor,
    }
    record = None
    if lean:
        from prosper.audit.lite import append_sqlite

        record = append_sqlite(settings, **entry)
    if record is None:
        record = audit_log(settings).append(**entry)
    return {**output, "audit": {"record_id": record.id, "hash": record.hash}}


def run_check(
    raw: Any,
    *,
    settings: Settings | None = None,
    mode: str = "enforced",
    as_of: date | None = None,
    actor: str | None = None,
    claim: str | None = None,
) -> dict[str, Any]:
    """Decide a transaction and append the input and decision to the audit log (``actor``,
    ``claim``: :func:`record_check`)."""
    settings = settings or load_settings()
    doc, output = decide_document(raw, settings=settings, mode=mode, as_of=as_of)
    return record_check(doc, output, settings=settings, actor=actor, claim=claim)


class TooManyParties(InputError):  # noqa: N818 (its error code is too_many_parties)
    """A check asks to screen more names than the server allows (HTTP 413)."""

    http_status = 413


def check_size(doc: Any, cap: int) -> None:
    """Refuse ``doc`` when it asks to screen more than ``cap`` names
    (``PROSPER_API_MAX_PARTIES``: one such check would hold a worker for minutes).

    Raises:
        TooManyParties: naming the count, the cap and the setting.
    """
    names = screened_names(doc)
    if names > cap:
        raise TooManyParties(
            f"the transaction asks to screen {names:,} names (parties and owners, with their "
            f"aliases); at most {cap:,} per request on this server (PROSPER_API_MAX_PARTIES): "
            "split it, or decide it with `prosper check`",
            field="parties",
        )


def screened_names(raw: Any) -> int:
    """How many names a transaction document asks to screen: each party's and each owner's
    (at any depth, data-transfer recipients' owners too) name and aliases.

    Counted on the raw document before validation (what is not a mapping or list is not
    counted), so that a server can refuse an oversized check before deciding anything.
    """
    if not isinstance(raw, dict):
        return 0
    stack: list[Any] = []
    parties = raw.get("parties")
    if isinstance(parties, list):
        stack.extend(parties)
    transfers = raw.get("data_transfers")
    if isinstance(transfers, list):
        for transfer in transfers:
            recipient = transfer.get("recipient") if isinstance(transfer, dict) else None
            owners = recipient.get("owners") if isinstance(recipient, dict) else None
            if isinstance(owners, list):
                stack.extend(owners)
    count = 0
    while stack:  # iterative: the reader bounds the depth, this bounds nothing else
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        aliases = node.get("aliases")
        count += 1 + (len(aliases) if isinstance(aliases, list) else 0)
        owners = node.get("owners")
        if isinstance(owners, list):
            stack.extend(owners)
    return count
