"""Request limits: body size (413, enforced by :class:`prosper.api.middleware.RequestMiddleware`),
batch size (413), a per-key rate limit and a per-client throttle of failed authentications (429).

The rate limit is a token bucket per API key, kept in process memory: each key may make
``rate_per_minute`` requests a minute on average, in bursts of up to ``burst``. The failed-
authentication throttle counts wrong keys per client address in a sliding window
(``PROSPER_AUTH_FAILURES`` in ``PROSPER_AUTH_WINDOW`` seconds); past it, the client gets 429
with ``Retry-After`` whatever key it sends, until the oldest failure leaves the window.
Several server processes each keep their own counts (put a shared limiter in front for that).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ApiLimits:
    """The limits one app enforces (see ``prosper serve --help``)."""

    max_body_bytes: int = 1_048_576
    """Largest request body: 1 MiB holds a transaction with hundreds of parties."""
    max_batch: int = 1_000
    """Most queries in one ``POST /v1/screen/batch`` (larger books: ``prosper screen --file``)."""
    rate_per_minute: float = 600.0
    """Average requests a minute per key (10/s)."""
    burst: int = 60
    """Requests a key may make at once before the average applies."""
    max_jobs: int = 100
    """Batch jobs kept in memory (the oldest finished ones are forgotten first)."""
    key_cache_seconds: float = 2.0
    """How long a checked API key is trusted before it is looked up again: a key revoked by
    another process (``prosper keys revoke``) is refused within this time; 0: every request
    (:class:`prosper.api.keycache.KeyCache`)."""


class RateLimiter:
    """Token buckets keyed by API key id; thread-safe."""

    def __init__(
        self, rate_per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``rate_per_minute`` on average and ``burst`` at once, per key."""
        self._rate = rate_per_minute / 60.0
        self._burst = float(max(1, burst))
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Take one token for ``key``; None when allowed, else seconds until the next token."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            if self._rate <= 0:
                return 60.0
            return (1.0 - tokens) / self._rate


class AuthThrottle:
    """Failed authentications per client in a sliding window; thread-safe, bounded memory."""

    MAX_CLIENTS = 10_000
    """Clients tracked at once; the least recently failed is forgotten first."""

    def __init__(
        self, failures: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``failures`` wrong keys per client in ``window`` seconds."""
        self._limit = max(1, failures)
        self._window = window
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self._window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times

    def wait(self, client: str) -> float | None:
        """Seconds ``client`` must wait before trying a key again, or None when it may."""
        now = self._clock()
        with self._lock:
            times = self._recent(client, now)
            if times is None or len(times) < self._limit:
                return None
            return times[-self._limit] + self._window - now

    def fail(self, client: str) -> None:
        """Count one failed authentication of ``client``."""
        now = self._clock()
        with self._lock:
            times = self._recent(client, now) or deque(maxlen=self._limit)
            times.append(now)
            self._failures[client] = times
            self._failures.move_to_end(client)
            while len(self._failures) > self.MAX_CLIENTS:
                self._failures.popitem(last=False)
