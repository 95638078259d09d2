"""Use cases of case management shared by the CLI and the HTTP API (the service layer).

Opens the case store beside the audit log, names the actor, screens registered parties into
the alert queue, records reviewer decisions (audit log + webhooks), and re-screens the register
when a list update installs (:func:`on_lists_installed`, registered as a list install hook by
:func:`enable_rescreen_on_update`).

Who is the actor: on the server, the API key's holder (``key:<id>:<name>``), never a claim in
the request; on the CLI, the OS login (:func:`cli_actor`) — ``PROSPER_ACTOR`` is recorded only
beside it, as ``claimed_actor`` (:func:`cli_claim`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prosper.settings import Settings, load_settings

if TYPE_CHECKING:
    from prosper.cases.alerts import Screener
    from prosper.cases.rescreen import RescreenContext
    from prosper.cases.store import CaseStore
    from prosper.lists.update import UpdateResult

SYSTEM_ACTOR = "system:lists-update"
_LOCK = threading.Lock()
_STORES: dict[str, CaseStore] = {}


def case_store(settings: Settings) -> CaseStore:
    """The process-wide case store of ``settings.db_url`` (opened and migrated once)."""
    from prosper.cases.store import CaseStore

    with _LOCK:
        store = _STORES.get(settings.db_url)
        if store is None:
            store = CaseStore.open(settings.db_url)
            _STORES[settings.db_url] = store
        return store


def reset_stores() -> None:
    """Forget open stores and their drainers (tests)."""
    for found in list(_DRAINERS.values()):
        found.close()
    _DRAINERS.clear()
    with _LOCK:
        for store in _STORES.values():
            store.close()
        _STORES.clear()


def os_login() -> str | None:
    """The login of the process's real user id from the password database (``pwd``: not the
    ``LOGNAME``/``USER`` variables ``getpass`` reads first), or None without an entry."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return None


def cli_actor(settings: Settings) -> str:
    """The reviewer the CLI records: the OS login, whatever the environment claims."""
    return os_login() or settings.cases.os_user


def cli_claim(settings: Settings) -> str | None:
    """``PROSPER_ACTOR`` when it names someone other than the OS login: recorded only as the
    ``claimed_actor`` of the audit record (anyone who can set a variable can name anyone)."""
    claimed = settings.actor_claim
    return claimed if claimed and claimed != cli_actor(settings) else None


_DRAINERS: dict[str, Any] = {}


def drainer(settings: Settings) -> Any:
    """The process's outbox drainer for ``settings.db_url`` (a background thread, and a last
    drain at exit: :class:`prosper.cases.outbox.Drainer`)."""
    from prosper.cases.outbox import Drainer, Outbox

    store = case_store(settings)
    with _LOCK:
        found = _DRAINERS.get(settings.db_url)
        if found is None:
            found = _DRAINERS[settings.db_url] = Drainer(Outbox(store))
        return found


def notifier(settings: Settings) -> Any:
    """The webhook ``notify`` callback: the event goes to the outbox in the database, and the
    drainer delivers it off the caller's path (a failing receiver cannot slow a decision)."""
    from prosper.cases.outbox import Outbox

    outbox = Outbox(case_store(settings))
    wake = drainer(settings).wake

    def notify(event: str, data: dict[str, Any]) -> None:
        if outbox.enqueue(event, data):
            wake()

    return notify


def context(settings: Settings, actor: str, screener: Screener | None = None) -> RescreenContext:
    """What re-screening needs: store, engine (the process-wide one by default), versions."""
    from prosper.cases.rescreen import RescreenContext
    from prosper.service import audit_log, get_engine

    engine: Any = screener if screener is not None else get_engine(settings)
    return RescreenContext(
        store=case_store(settings),
        screener=engine,
        versions=engine.snapshot.versions(),
        actor=actor,
        audit=audit_log(settings),
        notify=notifier(settings),
    )


def import_parties(
    path: Path,
    *,
    settings: Settings,
    actor: str,
    encoding: str | None = None,
    screen: bool = True,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Import a register file (all rows or none); screen the new and changed parties."""
    from prosper.cases.register import import_register

    store = case_store(settings)
    report = import_register(store, path, encoding, dry_run=dry_run)
    out = report.to_dict()
    if report.ok and screen and report.counts is not None:
        ids = _new_or_changed(store, report)
        out["screening"] = screen_registered(ids, settings=settings, actor=actor)
    return out


def _new_or_changed(store: CaseStore, report: Any) -> list[str]:
    """Ids of parties never screened or whose screened data changed in this import."""
    import sqlalchemy as sa

    from prosper.cases.tables import party_table

    with store.engine.connect() as conn:
        never = conn.execute(
            sa.select(party_table.c.id).where(party_table.c.screened_at.is_(None))
        ).scalars()
        return sorted({*never, *report.counts.changed_ids})


def screen_registered(
    ids: list[str], *, settings: Settings, actor: str, screener: Screener | None = None
) -> dict[str, Any]:
    """Screen the registered parties ``ids`` into the alert queue (batches of 200)."""
    from prosper.cases.rescreen import BATCH, screen_parties

    ctx = context(settings, actor, screener)
    totals: dict[str, int] = {}
    parties = list(ctx.store.iter_parties(ids=ids))
    for start in range(0, len(parties), BATCH):
        counts = screen_parties(ctx, parties[start : start + BATCH]).to_dict()
        for key, value in counts.items():
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
    totals.setdefault("screened", 0)
    return totals


def decide_alert(
    alert_id: int,
    *,
    decision: str,
    reason: str,
    actor: str,
    settings: Settings,
    claim: str | None = None,
) -> dict[str, Any]:
    """Record a reviewer's decision (four-eyes per ``settings.cases.four_eyes``); ``claim``
    is who the caller says acts (:func:`cli_claim`), recorded beside the actor."""
    from prosper.cases.review import decide
    from prosper.service import audit_log

    alert = decide(
        case_store(settings),
        alert_id,
        decision=decision,
        actor=actor,
        reason=reason,
        four_eyes=settings.cases.four_eyes,
        audit=audit_log(settings),
        notify=notifier(settings),
        claim=claim,
    )
    return alert.to_dict()


def escalate_alert(
    alert_id: int, *, reason: str, actor: str, settings: Settings, claim: str | None = None
) -> dict[str, Any]:
    """Escalate an open alert."""
    from prosper.cases.review import escalate
    from prosper.service import audit_log

    alert = escalate(
        case_store(settings),
        alert_id,
        actor=actor,
        reason=reason,
        audit=audit_log(settings),
        claim=claim,
    )
    return alert.to_dict()


def alert_detail(alert_id: int, settings: Settings) -> dict[str, Any]:
    """An alert with its party, its list entry as now listed and its decision history."""
    store = case_store(settings)
    alert = store.alert(alert_id)
    party = store.party(alert.party_id).to_dict()
    entry: dict[str, Any] | None = None
    try:
        from prosper.service import get_engine

        engine = get_engine(settings)
        for entity in engine.snapshot.entities:
            if entity.id == alert.entity_id:
                entry = {
                    "id": entity.id,
                    "source": entity.source,
                    "list_code": entity.list_code,
                    "type": entity.type.value,
                    "name": entity.name,
                    "aliases": [a.name for a in entity.aliases],
                    "countries": list(entity.countries),
                    "dates_of_birth": list(entity.dates_of_birth),
                    "programs": list(entity.programs),
                    "remarks": entity.remarks,
                }
                break
    except Exception:  # the queue stays usable while the lists load or fail to
        entry = None
    return {
        **alert.to_dict(),
        "party": party,
        "entry": entry,
        "events": [e.to_dict() for e in store.events(alert_id)],
    }


def on_lists_installed(result: UpdateResult, settings: Settings | None = None) -> dict[str, Any]:
    """After a list update installed: re-screen the parties its delta could affect, close
    alerts on delisted entries, send ``lists.updated``. Nothing to do for an empty register."""
    from prosper.cases.rescreen import RescreenContext, rescreen_delta
    from prosper.service import audit_log

    settings = settings or load_settings()
    store = case_store(settings)
    notify = notifier(settings)
    summary: dict[str, Any] = {
        "updated": list(result.updated),
        "versions": result.snapshot.versions(),
        "delta": [d.to_dict(0) for d in result.deltas],
    }
    if store.party_count():
        # the delta path indexes the added and changed entities itself: no engine is built
        ctx = RescreenContext(
            store=store,
            screener=None,
            versions=result.snapshot.versions(),
            actor=SYSTEM_ACTOR,
            audit=audit_log(settings),
            notify=notify,
            threshold=settings.threshold,
        )
        summary["rescreen"] = rescreen_delta(ctx, result.deltas).to_dict()
    notify("lists.updated", summary)
    return summary


_HOOK_SETTINGS: list[Settings] = []


def enable_rescreen_on_update(settings: Settings | None = None) -> None:
    """Register :func:`on_lists_installed` as a list install hook (CLI and server), for
    ``settings`` (default: read from ``PROSPER_*`` when an update installs)."""
    from prosper.lists.hooks import add_install_hook

    _HOOK_SETTINGS[:] = [] if settings is None else [settings]
    add_install_hook(_hook)


def _hook(result: UpdateResult) -> None:
    on_lists_installed(result, _HOOK_SETTINGS[0] if _HOOK_SETTINGS else None)


# --------------------------------------------------------------------------- screens on record

DRY_RUN_NOTE = "dry run: a what-if, not part of the official record (nothing was written)"


def result_digest(value: Any) -> str:
    """``sha256:<hex>`` of ``value`` as canonical JSON: :func:`prosper.cases.model.digest`,
    without importing the case models (their dataclasses, ~0.03 s of CPU) for one screen."""
    import hashlib
    import json

    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def screening_entry(
    doc: dict[str, Any], *, channel: str, claim: str | None = None
) -> dict[str, Any]:
    """The audit record of a stand-alone screen (``kind``, ``input``, ``output``, ``versions``):
    the query, the digest of the result, the hits (entity and score), the list versions, and
    ``claim`` (who the CLI's caller says acts, :func:`cli_claim`) as ``claimed_actor``. What
    :func:`record_screening` and the CLI's lean ``screen`` append."""
    hits = [
        {"entity_id": h.get("entity_id"), "score": h.get("score"), "match": h.get("match")}
        for h in doc.get("hits", [])
    ]
    return {
        "kind": "screen",
        "input": {
            "channel": channel,
            "query": doc.get("query"),
            "threshold": doc.get("threshold"),
            **({"claimed_actor": claim} if claim else {}),
        },
        "output": {
            "result_digest": result_digest(doc),
            "hits": hits,
            "warnings": doc.get("warnings", []),
        },
        "versions": {"lists": {s["source"]: s["version"] for s in doc.get("lists", [])}},
    }


def record_screening(
    doc: dict[str, Any],
    *,
    settings: Settings,
    actor: str,
    channel: str,
    claim: str | None = None,
) -> dict[str, Any]:
    """Append a stand-alone screen to the audit log like a check (:func:`screening_entry`, with
    the actor). Returns ``{"record_id", "hash"}``."""
    from prosper.service import audit_log

    entry = screening_entry(doc, channel=channel, claim=claim)
    record = audit_log(settings).append(**entry, actor=actor)
    return {"record_id": record.id, "hash": record.hash}


def record_batch(
    summary: dict[str, Any],
    *,
    settings: Settings,
    actor: str,
    channel: str,
    claim: str | None = None,
) -> dict[str, Any]:
    """Append a batch screen (a file) to the audit log: the input and output files' digests and
    the counts, with the list versions and the actor (``claim`` as for
    :func:`record_screening`)."""
    from prosper.service import audit_log

    record = audit_log(settings).append(
        kind="screen_batch",
        input={
            "channel": channel,
            **{k: v for k, v in summary.items() if k != "versions"},
            **({"claimed_actor": claim} if claim else {}),
        },
        output={"rows": summary.get("rows"), "matched": summary.get("matched")},
        versions={"lists": summary.get("versions", {})},
        actor=actor,
    )
    return {"record_id": record.id, "hash": record.hash}


def file_digest(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()
