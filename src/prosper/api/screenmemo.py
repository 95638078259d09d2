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
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

RESULTS = 2048
"""Results kept (a result of 10 hits is a few kB)."""


class ScreenResultMemo:
    """Screening result documents by ``(query, threshold, limit)`` for one engine and one day.

    The documents are shared between the requests that asked the same: callers must not
    change them (the routes only read and serialise them).
    """

    def __init__(self, size: int = RESULTS, today: Callable[[], date] = date.today) -> None:
        """Keep at most ``size`` results (0: keep none)."""
        self.size = max(0, size)
        self._today = today
        self._owner: tuple[object, date] | None = None
        self._results: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
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
        if self.size == 0:
            return None
        with self._lock:
            self._current(engine)
            result = self._results.get(key)
            if result is not None:
                self._results.move_to_end(key)
                self.hits += 1
            return result

    def put(self, engine: object, key: Hashable, result: dict[str, Any]) -> None:
        """Remember ``result`` for ``key`` on ``engine`` today."""
        if self.size == 0:
            return
        with self._lock:
            self._current(engine)
            self._results[key] = result
            self._results.move_to_end(key)
            while len(self._results) > self.size:
                self._results.popitem(last=False)

    def __len__(self) -> int:
        return len(self._results)
