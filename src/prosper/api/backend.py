"""What the routers call: one :class:`Backend` object per app, injectable for tests.

The routers never import the core themselves; they call a :class:`Backend`. The default,
:class:`CoreBackend`, calls the same use cases as the CLI (:mod:`prosper.service`, the
audit log, the list snapshot, the rulebook). Tests pass a fake to
:func:`prosper.api.create_app` or override :func:`prosper.api.deps.get_backend`
(yente's injectable providers are the model).

Every method takes and returns plain JSON-able values in the contract's shapes.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from prosper.api.bodies import parse_body
from prosper.api.recorder import LoopRecorder
from prosper.api.screenmemo import ScreenResultMemo
from prosper.api.workers import CheckPool
from prosper.errors import NotFoundError, ProsperError
from prosper.settings import Settings


class Backend(Protocol):
    """The operations the HTTP API exposes, in the contract's JSON shapes."""

    def warm(self) -> None:
        """Load lists, index and rulebook now (called once at start-up, off the event loop)."""

    def screen(
        self, query: dict[str, Any], *, threshold: float | None, limit: int
    ) -> dict[str, Any]:
        """Screen one query (``ScreenQuery`` fields) → the contract's screening result."""

    def match(self, name1: str, name2: str, *, type: str | None) -> dict[str, Any]:
        """Score one pair → ``{"score": float, "explanation": [...]}``."""

    def classify(self, item: dict[str, Any], *, as_of: date | None) -> dict[str, Any]:
        """Classify one item document (the contract's ``items[]`` shape) under ``as_of``."""

    def check(
        self, raw: dict[str, Any], *, mode: str, as_of: date | None, actor: str
    ) -> dict[str, Any]:
        """Decide a transaction, record it as ``actor`` → the decision with its ``audit`` block."""

    def lists(self) -> list[dict[str, Any]]:
        """Every loaded list source (source, label, published, version, entity_count …)."""

    def rules(self, *, as_of: date | None, regime: str | None) -> dict[str, Any]:
        """The rulebook's id, version, digest and the rules in force on ``as_of``."""

    def update_lists(
        self, locations: list[str], flags: dict[str, bool] | None = None
    ) -> dict[str, Any]:
        """Install newer official list files (folders, files or URLs; none: every source from
        its official URL) and swap in an engine on them; ``flags`` are the refusal overrides
        (``allow_older``, ``allow_shrink``, ``allow_duplicates``, ``allow_partial``)."""

    def audit_list(self, *, limit: int, offset: int) -> list[dict[str, Any]]:
        """Audit records, newest first."""

    def audit_page(self, *, limit: int, offset: int) -> dict[str, Any]:
        """``{"records": [... each with "integrity"], "integrity": {"ok", "problems"}}``."""

    def audit_get(self, record_id: int) -> dict[str, Any]:
        """One audit record (NotFoundError when there is none, AuditIntegrityError when broken)."""

    def audit_verify(self) -> dict[str, Any]:
        """Walk the hash chain → ``{"ok", "checked", "problems", "head"}``."""


def _core(module: str) -> Any:
    # Core modules are imported on first use: the app (and its OpenAPI document) can be built
    # without loading lists, and a missing optional part fails the one endpoint that needs it.
    return importlib.import_module(module)


def _plain(value: Any) -> Any:
    """A dataclass / pydantic / enum value as JSON-able data."""
    render = _core("prosper.render")
    return render.jsonable(value)


class CoreBackend:
    """The real operations, over ``settings`` (data folder, database URL, threshold)."""

    def __init__(
        self,
        settings: Settings,
        *,
        check_workers: int | None = None,
        worker_setup: Callable[[], None] | None = None,
    ) -> None:
        """Bind to ``settings``; nothing is loaded until first use (or :meth:`warm`).

        ``check_workers`` processes decide checks (default ``settings.check_workers``; 0: in
        this process); ``worker_setup`` runs in each of them first (:class:`CheckPool`).
        """
        self.settings = settings
        self._check_lock = threading.Lock()
        self._workers = settings.check_workers if check_workers is None else check_workers
        self._worker_setup = worker_setup
        self.pool: CheckPool | None = None
        self.memo = ScreenResultMemo()
        """Recent screening results (:mod:`prosper.api.screenmemo`)."""
        self.recorder = LoopRecorder(self._append_many)
        """Audit appends of the lean check route (:mod:`prosper.api.recorder`)."""

    def _engine(self) -> Any:
        return _core("prosper.service").get_engine(self.settings)

    def warm(self) -> None:
        """Build the process-wide engine now, then start the check workers (if any) and wait
        until each has loaded it too."""
        self._engine()
        if self._workers > 0 and self.pool is None:
            pool = CheckPool(self.settings, self._workers, setup=self._worker_setup)
            pool.start()
            self.pool = pool

    def close(self) -> None:
        """Stop the check workers (at shutdown)."""
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.close()
        self.recorder.close()

    def screen(
        self, query: dict[str, Any], *, threshold: float | None, limit: int
    ) -> dict[str, Any]:
        """Screen one query with the engine's index (a query screened a moment ago on the same
        engine, day, threshold and limit: its remembered result, :mod:`.screenmemo`)."""
        screening = _core("prosper.screening.query")
        model = _core("prosper.model")
        kind = query.get("type")
        q = screening.Query(
            name=query["name"],
            type=None if kind is None else model.EntityType(kind),
            countries=tuple(c.upper() for c in query.get("countries", ())),
            dob=query.get("dob"),
            identifiers=tuple(query.get("ids", ())),
            sources=tuple(query.get("sources", ())),
            gender=query.get("gender"),
        )
        engine = self._engine()
        key = (q, threshold, limit)
        result = self.memo.get(engine, key)
        if result is None:
            result = engine.screen(q, threshold=threshold, limit=limit)
            self.memo.put(engine, key, result)
        return result

    def match(self, name1: str, name2: str, *, type: str | None) -> dict[str, Any]:
        """Score one pair with the matcher the index uses."""
        matching = _core("prosper.matching")
        model = _core("prosper.model")
        kind = None if type is None else model.EntityType(type)
        result = matching.match_names(name1, name2, type=kind)
        return {
            "score": float(result.score),
            "ofac_score": getattr(result, "ofac_score", None),
            "explanation": [_plain(dataclasses.asdict(e)) for e in result.explanation],
        }

    def classify(self, item: dict[str, Any], *, as_of: date | None) -> dict[str, Any]:
        """Classify one item exactly as ``prosper classify`` does, with the engine's rulebook."""
        item_report = _core("prosper.controls.report")
        rulebook = self._engine().rulebook
        document: dict[str, Any] = item_report.classify_document(item, as_of, rulebook)
        return document

    def check(
        self, raw: dict[str, Any], *, mode: str, as_of: date | None, actor: str
    ) -> dict[str, Any]:
        """Decide and record, exactly as ``prosper check`` does."""
        service = _core("prosper.service")
        pool = self.pool
        if pool is not None:  # decided in a worker process, recorded here (one writer)
            doc, output = pool.decide(raw, mode=mode, as_of=as_of)
        else:
            # In this process one check decides at a time: deciding is CPU-bound (the GIL
            # serialises it anyway) and queueing here keeps the tail latency down.
            with self._check_lock:
                doc, output = service.decide_document(
                    raw, settings=self.settings, mode=mode, as_of=as_of
                )
        result: dict[str, Any] = service.record_check(
            doc, output, settings=self.settings, actor=actor
        )
        return result

    def check_body(
        self, body: bytes, content_type: str, *, mode: str, as_of: date | None, actor: str
    ) -> dict[str, Any]:
        """``POST /v1/check`` from its raw body: read, sized (``PROSPER_API_MAX_PARTIES``) and
        decided in a check worker when there are workers (the server process only records
        it), else here through :meth:`check`."""
        service = _core("prosper.service")
        pool = self.pool
        if pool is None:
            doc = parse_body(body, content_type, "transaction", self.settings.input_limits)
            service.check_size(doc, self.settings.api_max_parties)
            return self.check(doc, mode=mode, as_of=as_of, actor=actor)
        recorded, output, texts = pool.decide_body(body, content_type, mode=mode, as_of=as_of)
        if texts is None:
            result: dict[str, Any] = service.record_check(
                recorded, output, settings=self.settings, actor=actor
            )
            return result
        # The record's values were serialised in the worker (workers.check_texts, the same
        # entry as record_check's): this process only chains, signs and stores them.
        prepared = _core("prosper.audit.prepared").Prepared(
            "check", actor or self.settings.actor, recorded, output, output["versions"], texts
        )
        record = service.audit_log(self.settings).append_prepared(prepared)
        return {**output, "audit": {"record_id": record.id, "hash": record.hash}}

    async def check_body_async(
        self, body: bytes, content_type: str, *, mode: str, as_of: date | None, actor: str
    ) -> dict[str, Any]:
        """:meth:`check_body` on the event loop when there are check workers: the decision is
        awaited from the worker and the record appended through :attr:`recorder` (batched with
        the other requests' records by one writer thread); answered only once the record is
        committed. Without workers (or when the worker could not make the record's texts),
        the blocking path runs in the thread pool as before."""
        service = _core("prosper.service")
        pool = self.pool
        if pool is None:
            result: dict[str, Any] = await run_in_threadpool(
                self.check_body, body, content_type, mode=mode, as_of=as_of, actor=actor
            )
            return result
        recorded, output, texts = await pool.decide_body_async(
            body, content_type, mode=mode, as_of=as_of
        )
        if texts is None:
            result = await run_in_threadpool(
                lambda: service.record_check(recorded, output, settings=self.settings, actor=actor)
            )
            return result
        prepared = _core("prosper.audit.prepared").Prepared(
            "check", actor or self.settings.actor, recorded, output, output["versions"], texts
        )
        record = await self.recorder.append(prepared)
        return {**output, "audit": {"record_id": record.id, "hash": record.hash}}

    def _append_many(self, items: Sequence[Any]) -> list[Any]:
        """In the recorder's writer thread: ``items`` appended to the audit log together."""
        log = _core("prosper.service").audit_log(self.settings)
        results: list[Any] = log.append_prepared_many(items)
        return results

    def lists(self) -> list[dict[str, Any]]:
        """The engine's list sources with their age in days."""
        today = datetime.now(UTC).date()
        out = []
        for info in self._engine().snapshot.sources:
            row = {
                "source": info.source,
                "label": info.label,
                "published": info.published,
                "version": info.version,
                "entity_count": info.entity_count,
                "name_count": getattr(info, "name_count", None),
                "origin": getattr(info, "origin", None),
                "age_days": _age_days(info.published, today),
            }
            out.append(row)
        return out

    def rules(self, *, as_of: date | None, regime: str | None) -> dict[str, Any]:
        """The rulebook the engine loaded, and its rules in force on ``as_of``."""
        rulebook = self._engine().rulebook
        if rulebook is None:
            rulebook = _core("prosper.rulebook").load_rulebook()
        on = as_of or datetime.now(UTC).date()
        rules = rulebook.rules_in_force(on, regime)
        return {
            "id": rulebook.id,
            "version": rulebook.version,
            "digest": rulebook.digest,
            "as_of": on.isoformat(),
            "rules": [_plain(dataclasses.asdict(r)) for r in rules],
        }

    def update_lists(
        self, locations: list[str], flags: dict[str, bool] | None = None
    ) -> dict[str, Any]:
        """``prosper lists update [--from …]``, then a new engine built beside the old one and
        swapped in (requests are served by the old engine meanwhile)."""
        update = _core("prosper.lists.update")
        guard = _core("prosper.lists.guard")
        options = update.options_from_settings(self.settings, guard.UpdatePolicy(**(flags or {})))
        try:
            result = update.update_snapshot(self.settings.snapshot_dir, locations, options=options)
        except ProsperError as exc:
            if exc.field in (None, "--from"):
                exc.field = "from"  # the body field that holds the locations
            raise
        if result.installed:
            _core("prosper.service").swap_engine(self.settings)
            if self.pool is not None:
                self.pool.restart()  # workers on the new lists, swapped in once loaded
        return {
            "snapshot": None if result.path is None else str(result.path),
            "installed": result.installed,
            "updated": list(result.updated),
            "skipped": list(result.skipped),
            "refused": list(result.refused),
            "failed": list(result.failed),
            "versions": result.snapshot.versions(),
            "problem_counts": {s: len(p) for s, p in result.problems.items()},
            "problems": {s: [str(p) for p in ps[:50]] for s, ps in result.problems.items()},
            "delta": [d.to_dict(5) for d in result.deltas],
        }

    def _audit(self) -> Any:
        return _core("prosper.audit").AuditLog.from_settings(self.settings)

    def audit_list(self, *, limit: int, offset: int) -> list[dict[str, Any]]:
        """Records newest first, each with its ``integrity`` flag (see :meth:`audit_page`)."""
        records: list[dict[str, Any]] = self.audit_page(limit=limit, offset=offset)["records"]
        return records

    def audit_page(self, *, limit: int, offset: int) -> dict[str, Any]:
        """Records newest first, each checked (``integrity``: ok, signed, problems), and the
        problems of the log as a whole (a deleted tail the anchor file remembers)."""
        with self._audit() as log:
            page = log.browse(limit=limit, offset=offset)
        records = []
        for checked in page.records:
            body = {"id": checked.id} if checked.record is None else checked.record.to_dict()
            records.append({**body, "integrity": checked.integrity()})
        return {
            "records": records,
            "integrity": {"ok": page.ok, "problems": [str(p) for p in page.problems]},
        }

    def audit_get(self, record_id: int) -> dict[str, Any]:
        """One record by id; AuditIntegrityError (409) when it or its link does not check out."""
        with self._audit() as log:
            try:
                record: dict[str, Any] = log.get(record_id).to_dict()
            except NotFoundError as exc:
                exc.field = "record_id"  # the path parameter
                raise
            return record

    def audit_verify(self) -> dict[str, Any]:
        """Walk the whole chain, with the audit key and the anchor file."""
        with self._audit() as log:
            report: dict[str, Any] = log.verify().to_dict()
            return report


def _age_days(published: str | None, today: date) -> int | None:
    if not published:
        return None
    try:
        return (today - date.fromisoformat(published[:10])).days
    except ValueError:
        return None
