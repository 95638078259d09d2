"""The server's memo of recent ``POST /v1/screen`` results.

A screening result depends on the engine (its lists and index), the query, the threshold, the
number of hits asked for and — through the stale-list warnings — the day. An engine's lists
never change (a list update builds and swaps in a new engine), so the same query screened again
on the same engine and day gets the same document: :class:`ScreenResultMemo` returns it without
screening again (the engine is most of a screen's CPU, issue 16). Every request is still
recorded in the audit log. The memo forgets everything when the engine is swapped or the day
changes. Thread-safe; bounded memory (least recently used forgotten first).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from prosper.memo import ScreenMemo

RESULTS = 2048
"""Results kept (a result of 10 hits is a few kB)."""


class ScreenResultMemo:
    """Screening result documents by ``(query, threshold, limit)`` for one engine and one day
    (an :class:`~prosper.memo.ScreenMemo` emptied when either changes).

    The documents are shared between the requests that asked the same: callers must not
    change them (the routes only read and serialise them).
    """

    def __init__(self, size: int = RESULTS, today: Callable[[], date] = date.today) -> None:
        """Keep at most ``size`` results (0: keep none)."""
        self._today = today
        self._owner: tuple[object, date] | None = None
        self._results: ScreenMemo[Hashable, dict[str, Any]] = ScreenMemo(size)
        self._lock = threading.Lock()
        self.hits = 0
        """Results answered from the memo so far (for tests and metrics)."""

    def _current(self, engine: object) -> None:
        """Forget every result made by another engine or on another day (lock held)."""
        owner = self._owner
        day = self._today()
        if owner is None or owner[0] is not engine or owner[1] != day:
            self._results.clear()
            self._owner = (engine, day)

    def get(self, engine: object, key: Hashable) -> dict[str, Any] | None:
        """The result remembered for ``key`` on ``engine`` today, if any."""
        with self._lock:
            self._current(engine)
            result = self._results.get(key)
            if result is not None:
                self.hits += 1
            return result

    def put(self, engine: object, key: Hashable, result: dict[str, Any]) -> None:
        """Remember ``result`` for ``key`` on ``engine`` today."""
        with self._lock:
            self._current(engine)
            self._results.put(key, result)

    def __len__(self) -> int:
        return len(self._results)
