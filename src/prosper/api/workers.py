"""Check workers: ``POST /v1/check`` decided in worker processes beside the server process.

Deciding a transaction is CPU-bound Python (every party screened, the rules evaluated). In
the server process it would hold the GIL, so one large check would slow every other request
and checks could use one core only. :class:`CheckPool` decides them in spawned processes,
each of which loads the engine once (the screening index is mapped from its file, so the
workers share its pages). Only the decision is made there: the server process appends it to
the audit log (one writer; concurrent appends share transactions, :mod:`prosper.audit.writer`),
so the hash chain stays one line whatever the number of workers.

Faults: a worker that dies (killed, out of memory) breaks the pool; the pool is replaced and
the check retried once on the fresh one (nothing was recorded for it). A check that breaks
the fresh pool as well is refused with 503 (:class:`WorkerError`) rather than retried again.
After a list update :meth:`CheckPool.restart` starts a pool on the new lists and swaps it in
once every worker has loaded them; checks go to the old pool until then.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

from prosper import errors
from prosper.errors import ProsperError
from prosper.settings import Settings

START_TIMEOUT_S = 300.0
"""Longest a new pool may take until every worker has loaded the engine."""

ATTEMPTS = 2
"""A check is tried on at most this many pools (the first, and one fresh one)."""

_SETTINGS: list[Settings] = []  # in a worker: the settings it decides under


class WorkerError(ProsperError):
    """A check worker stopped while deciding (HTTP 503: nothing was recorded; try again)."""

    http_status = 503


PARENT_POLL_S = 1.0
"""How often a worker checks that the server process that started it is still there."""


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (a server killed with ``kill -9`` never shuts
    its pool down; the workers would otherwise wait for work forever)."""
    while os.getppid() == parent:  # ends with the process
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _init(settings: Settings, setup: Callable[[], None] | None) -> None:
    """In each new worker: watch the parent, remember the settings, run ``setup``, load the
    engine."""
    from prosper import service

    watch = threading.Thread(
        target=_exit_with_parent, args=(os.getppid(),), name="prosper-parent", daemon=True
    )
    watch.start()
    _SETTINGS[:] = [settings]
    if setup is not None:
        setup()
    service.get_engine(settings)


def _ping() -> int:
    """A task that proves a worker is up (and its engine loaded): its pid."""
    time.sleep(0.05)  # long enough that the other workers take the other pings
    return os.getpid()


def _decide(raw: Any, mode: str, as_of: date | None) -> tuple[bool, Any]:
    """In a worker: ``(True, (document, decision))`` or ``(False, the error's parts)``."""
    from prosper import service

    try:
        return True, service.decide_document(raw, settings=_SETTINGS[0], mode=mode, as_of=as_of)
    except ProsperError as exc:  # sent back by name: exception pickling loses ``field``
        return False, (type(exc).__name__, exc.message, exc.field)


def check_texts(document: Any, decision: Any) -> tuple[str, str, str] | None:
    """The canonical JSON texts of a check's audit record — its ``input`` (the document),
    ``output`` (the decision) and ``versions`` (the decision's), as
    :func:`prosper.service.record_check` records them — or None when they cannot be made
    (the server then records through ``record_check``, which names the fault)."""
    from prosper.audit.canonical import canonical_json

    try:
        versions = decision["versions"]
        values = (document, decision, versions)
        if not all(isinstance(v, dict) for v in values):
            return None
        texts = (canonical_json(document), canonical_json(decision), canonical_json(versions))
        for text in texts:
            text.encode("utf-8")  # a lone surrogate cannot be stored
    except (KeyError, TypeError, ValueError):
        return None
    return texts


def _decide_body(body: bytes, content_type: str, mode: str, as_of: date | None) -> tuple[bool, Any]:
    """In a worker: read the request body, refuse an oversized check, decide, and serialise
    the audit record's values (:func:`check_texts`: the server process, the one writer, then
    only chains and stores them — issue 16, its CPU per check)."""
    from prosper import service
    from prosper.api.bodies import parse_body

    settings = _SETTINGS[0]
    try:
        doc = parse_body(body, content_type, "transaction", settings.input_limits)
        service.check_size(doc, settings.api_max_parties)
    except ProsperError as exc:
        return False, (type(exc).__name__, exc.message, exc.field)
    ok, value = _decide(doc, mode, as_of)
    if not ok:
        return ok, value
    document, decision = value
    return True, (document, decision, check_texts(document, decision))


def _error(name: str, message: str, field: str | None) -> ProsperError:
    from prosper import service

    kind = getattr(errors, name, None) or getattr(service, name, None)
    if not (isinstance(kind, type) and issubclass(kind, ProsperError)):
        kind = ProsperError
    return kind(message, field=field)


class CheckPool:
    """``workers`` spawned processes deciding checks under ``settings``.

    ``setup`` (a picklable function) runs in each worker before it loads the engine.
    """

    def __init__(
        self, settings: Settings, workers: int, *, setup: Callable[[], None] | None = None
    ) -> None:
        """Configure; no process starts before :meth:`start`."""
        if workers < 1:
            raise ValueError("a check pool needs at least one worker")
        self.settings = settings
        self.workers = workers
        self._setup = setup
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self.replaced = 0
        """Pools replaced after a worker died (for tests and metrics)."""

    def _spawn(self) -> ProcessPoolExecutor:
        """A new pool whose every worker has loaded the engine."""
        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(self.settings, self._setup),
        )
        seen: set[int] = set()
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while len(seen) < self.workers:  # bounded by the deadline
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WorkerError(f"check workers did not start in {START_TIMEOUT_S:g} s")
                pings = [executor.submit(_ping) for _ in range(self.workers)]
                seen.update(f.result(timeout=left) for f in pings)
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        return executor

    def start(self) -> None:
        """Start the workers and wait until each has loaded the engine."""
        fresh = self._spawn()
        with self._lock:
            old, self._executor = self._executor, fresh
        if old is not None:
            old.shutdown(wait=False)

    def restart(self) -> None:
        """Start a new pool (on the lists installed now) and swap it in once it is ready;
        checks in flight finish on the old pool."""
        self.start()

    def close(self) -> None:
        """Stop the workers (checks in flight finish first)."""
        with self._lock:
            old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=True)

    def pids(self) -> list[int]:
        """The worker processes' ids."""
        with self._lock:
            executor = self._executor
        return [] if executor is None else sorted(executor._processes)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            executor = self._executor
        if executor is None:
            raise WorkerError("the check workers are not running")
        return executor

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Swap a fresh pool in for ``broken`` (once, however many checks saw it break)."""
        with self._lock:
            if self._executor is not broken:
                return  # another check replaced it already
            self._executor = self._spawn()
            self.replaced += 1
        broken.shutdown(wait=False, cancel_futures=True)

    def decide(
        self, raw: Any, *, mode: str, as_of: date | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``service.decide_document`` in a worker: the document to record and the decision.

        Raises:
            ProsperError: what deciding raised (bad input is InputError, 422).
            WorkerError: a worker died deciding this check on two pools in a row.
        """
        document, decision = self._run(_decide, raw, mode, as_of)
        return document, decision

    def decide_body(
        self, body: bytes, content_type: str, *, mode: str, as_of: date | None
    ) -> tuple[dict[str, Any], dict[str, Any], tuple[str, str, str] | None]:
        """Like :meth:`decide`, from a request body read in the worker (:mod:`.bodies`), which
        also refuses a check over ``PROSPER_API_MAX_PARTIES`` names (TooManyParties, 413);
        also the audit record's texts (:func:`check_texts`)."""
        document, decision, texts = self._run(_decide_body, body, content_type, mode, as_of)
        return document, decision, texts

    async def decide_body_async(
        self, body: bytes, content_type: str, *, mode: str, as_of: date | None
    ) -> tuple[dict[str, Any], dict[str, Any], tuple[str, str, str] | None]:
        """:meth:`decide_body` awaited on the event loop: no thread-pool thread waits for the
        worker (the pool's result thread wakes the loop). The same retry and refusal; a broken
        pool is replaced off the loop (starting workers takes seconds)."""
        import asyncio

        from starlette.concurrency import run_in_threadpool

        for _ in range(ATTEMPTS):
            executor = self._current()
            try:
                future = executor.submit(_decide_body, body, content_type, mode, as_of)
            except BrokenProcessPool:
                await run_in_threadpool(self._replace, executor)
                continue
            except RuntimeError:  # a pool swapped out (shut down) a moment ago: take the new one
                continue
            try:
                ok, value = await asyncio.wrap_future(future)
            except BrokenProcessPool:
                await run_in_threadpool(self._replace, executor)
                continue
            if not ok:
                raise _error(*value)
            document, decision, texts = value
            return document, decision, texts
        raise WorkerError("the check worker stopped while deciding this check; try again")

    def _run(self, task: Callable[..., tuple[bool, Any]], *args: Any) -> Any:
        for _ in range(ATTEMPTS):
            executor = self._current()
            try:
                future = executor.submit(task, *args)
            except BrokenProcessPool:
                self._replace(executor)
                continue
            except RuntimeError:  # a pool swapped out (shut down) a moment ago: take the new one
                continue
            try:
                ok, value = future.result()
            except BrokenProcessPool:
                self._replace(executor)
                continue
            if not ok:
                raise _error(*value)
            return value
        raise WorkerError("the check worker stopped while deciding this check; try again")
