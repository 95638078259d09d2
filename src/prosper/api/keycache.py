"""A short-lived cache of checked API keys (one per server process).

Each ``/v1/`` request presents a key; looking it up is a database query (about 0.3 ms of CPU and
a thread hop on a busy server, issue 16). :class:`KeyCache` keeps the keys that authenticated,
by the SHA-256 of the presented secret, for ``ttl`` seconds (``prosper serve --key-cache``,
2 s by default): a key revoked through this server is forgotten at once
(:meth:`KeyCache.forget`), one revoked elsewhere (``prosper keys revoke``, another server
process) is refused within ``ttl`` seconds. ``ttl`` 0 turns the cache off.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from prosper.keys import ApiKey


class KeyCache:
    """Keys recently found active in the key table, by the SHA-256 of the presented secret;
    thread-safe, bounded memory.

    Only keys that authenticated are kept (a wrong key is looked up, and counted by the
    failed-authentication throttle, every time). An entry is trusted for ``ttl`` seconds.
    """

    MAX_KEYS = 10_000
    """Keys kept at once; past it the cache is emptied (they are looked up again)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Trust a looked-up key for ``ttl`` seconds (0: never cache)."""
        self.ttl = max(0.0, ttl)
        self._clock = clock
        self._keys: dict[str, tuple[ApiKey, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(presented: str) -> str:
        return hashlib.sha256(presented.encode("utf-8")).hexdigest()

    def get(self, presented: str) -> ApiKey | None:
        """The cached key for the secret ``presented``, or None (unknown, or expired)."""
        if self.ttl <= 0:
            return None
        digest = self._digest(presented)
        with self._lock:
            entry = self._keys.get(digest)
            if entry is None:
                return None
            if entry[1] <= self._clock():
                del self._keys[digest]
                return None
            return entry[0]

    def put(self, presented: str, key: ApiKey) -> None:
        """Remember that ``presented`` authenticated as ``key`` (an active key)."""
        if self.ttl <= 0 or not key.active:
            return
        digest = self._digest(presented)
        with self._lock:
            if len(self._keys) >= self.MAX_KEYS:
                self._keys.clear()
            self._keys[digest] = (key, self._clock() + self.ttl)

    def forget(self, key_id: str) -> None:
        """Drop key ``key_id`` (revoked through this server: refused from the next request)."""
        with self._lock:
            for digest in [d for d, (k, _) in self._keys.items() if k.id == key_id]:
                del self._keys[digest]
