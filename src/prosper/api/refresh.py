"""List refreshes of a running server: the scheduled one and what every update did.

``prosper serve`` starts a :class:`ListRefresher` (``PROSPER_LISTS_REFRESH``, default daily; apps
built by tests have none unless they ask). Each run is ``prosper lists update`` with no
location — every source from its official URL, under the same lock and refusals — followed by
a new engine built beside the old one and swapped in (:func:`prosper.service.swap_engine`), so
requests are never blocked by a refresh. A failed or refused run changes nothing: the last
good snapshot and engine stay in force, and the outcome is kept in the :class:`RefreshLog`
that ``/healthz``, ``/metrics``, ``GET /v1/lists`` and the web page show.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prosper.errors import ProsperError

log = logging.getLogger("prosper.refresh")

# outcomes of one source in one update
INSTALLED = "installed"
UNCHANGED = "unchanged"
REFUSED = "refused"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class RefreshOutcome:
    """What the last update did to one source, and when."""

    at: datetime
    result: str
    message: str

    @property
    def ok(self) -> bool:
        """True unless the update failed or was refused."""
        return self.result in (INSTALLED, UNCHANGED, SKIPPED)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"at", "result", "ok", "message"}``."""
        return {
            "at": self.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "result": self.result,
            "ok": self.ok,
            "message": self.message,
        }


class RefreshLog:
    """The outcome of the last update per source (thread-safe)."""

    def __init__(self) -> None:
        """An empty log: no update yet."""
        self._lock = threading.Lock()
        self._by_source: dict[str, RefreshOutcome] = {}
        self.runs = 0

    def record_result(self, result: dict[str, Any], sources: Iterable[str]) -> None:
        """Record a finished update (the JSON of ``update_lists``)."""
        now = datetime.now(UTC)
        updated = set(result.get("updated", ()))
        skipped = set(result.get("skipped", ()))
        installed = bool(result.get("installed", True))
        changed = {d["source"] for d in result.get("delta", ()) if _changed(d)}
        bad = [(REFUSED, line) for line in result.get("refused", ())]
        bad += [(FAILED, line) for line in result.get("failed", ())]
        with self._lock:
            self.runs += 1
            for kind, line in bad:
                source, _, message = line.partition(": ")
                self._by_source[source] = RefreshOutcome(now, kind, message)
            for source in {*sources, *updated, *skipped}:
                if source in skipped:
                    outcome = RefreshOutcome(now, SKIPPED, "no reader of its official file")
                elif source not in updated:
                    continue
                elif installed and source in changed:
                    outcome = RefreshOutcome(now, INSTALLED, "new data installed")
                else:
                    outcome = RefreshOutcome(now, UNCHANGED, "same data as installed")
                self._by_source[source] = outcome

    def record_error(self, error: Exception, sources: Iterable[str]) -> None:
        """Record an update that failed or was refused (nothing was installed)."""
        now = datetime.now(UTC)
        from prosper.lists.guard import UpdateRefusedError

        result = REFUSED if isinstance(error, UpdateRefusedError) else FAILED
        lines = str(error).splitlines() or [type(error).__name__]
        with self._lock:
            self.runs += 1
            for source in sources:
                mine = [line for line in lines if line.startswith(f"{source}: ")]
                if result == REFUSED and not mine:
                    continue  # refusals name their sources; the others were not refused
                message = "; ".join(mine or lines)
                self._by_source[source] = RefreshOutcome(now, result, message)

    def get(self, source: str) -> RefreshOutcome | None:
        """The last outcome of ``source``, or None before its first update."""
        with self._lock:
            return self._by_source.get(source)

    def snapshot(self) -> dict[str, RefreshOutcome]:
        """Every source's last outcome."""
        with self._lock:
            return dict(self._by_source)


def _changed(delta: dict[str, Any]) -> bool:
    return bool(delta.get("added") or delta.get("removed") or delta.get("changed")) or (
        delta.get("old_published") != delta.get("new_published")
    )


class ListRefresher:
    """A daemon thread that runs ``update`` every ``interval`` seconds until stopped."""

    def __init__(
        self,
        update: Callable[[], dict[str, Any]],
        sources: Callable[[], list[str]],
        refresh_log: RefreshLog,
        interval: float,
        first_delay: float | None = None,
    ) -> None:
        """Args:
        update: runs one update from the official URLs and swaps the engine; its JSON result.
        sources: the sources currently loaded (to record a failure against each).
        refresh_log: where outcomes go.
        interval: seconds between two runs.
        first_delay: seconds before the first run (default ``interval``: a server that just
            loaded its lists does not download them again at once).
        """
        self._update = update
        self._sources = sources
        self._log = refresh_log
        self._interval = interval
        self._first = interval if first_delay is None else first_delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="prosper-refresh", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait up to ``timeout`` seconds (a download in flight
        finishes or fails within its own deadline; the thread is a daemon either way)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self) -> None:
        """One refresh now; its outcome goes to the log, never raises."""
        try:
            result = self._update()
        except ProsperError as exc:
            log.warning("list refresh: %s", str(exc).replace("\n", "; "))
            self._log.record_error(exc, self._sources())
        except Exception as exc:  # a bug must not kill the schedule; the old lists stay
            log.exception("list refresh failed")
            self._log.record_error(exc, self._sources())
        else:
            self._log.record_result(result, self._sources())

    def _loop(self) -> None:
        delay = self._first
        while not self._stop.wait(delay):
            self.run_once()
            delay = self._interval
