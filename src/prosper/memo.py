"""A small least-recently-used memo (:class:`ScreenMemo`), shared by the engine's party
screenings (:mod:`prosper.engine`) and the server's screening results
(:mod:`prosper.api.screenmemo`). Standard library only: importing it loads nothing else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ScreenMemo(Generic[K, V]):
    """The values of the last ``size`` keys, least recently used forgotten first: the
    engine's hits of party queries, the server's result documents of ``POST /v1/screen``.

    An engine's lists never change (a list update builds a new engine), so a query screened
    again — the same exporter on every order, a repeat customer, an owner named twice — gets
    the same hits. Thread-safe; bounded memory (``size`` 0: keeps nothing).
    """

    def __init__(self, size: int = 4096) -> None:
        """Remember at most ``size`` keys."""
        self.size = max(0, size)
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The remembered value of ``key``, if any."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Remember ``value`` for ``key``."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
