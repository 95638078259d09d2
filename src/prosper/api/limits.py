"""Request limits: body size (413), batch size (413), a per-key rate limit and a per-client
throttle of failed authentications (429).

The rate limit is a token bucket per API key, kept in process memory: each key may make
``rate_per_minute`` requests a minute on average, in bursts of up to ``burst``. The failed-
authentication throttle counts wrong keys per client address in a sliding window
(``PROSPER_AUTH_FAILURES`` in ``PROSPER_AUTH_WINDOW`` seconds); past it, the client gets 429
with ``Retry-After`` whatever key it sends, until the oldest failure leaves the window.
Several server processes each keep their own counts (put a shared limiter in front for that).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


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


class BodySizeLimit:
    """ASGI middleware answering 413 to a body larger than ``max_bytes``.

    Checks ``Content-Length`` first, then counts the bytes actually received (a chunked
    upload has no length header). Past the limit it answers 413 itself, tells the app the
    client has gone (``http.disconnect``) and drops whatever the app still tries to send.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        """Wrap ``app``."""
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on unless its body is too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        started = False
        rejected = False

        async def counting_receive() -> Message:
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    rejected = True
                    if not started:
                        await self._reject(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return  # the 413 has been sent; the app's own answer is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not rejected:
                raise
            # the app failed because it saw the disconnect: the client already has its 413

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": "payload_too_large",
                "message": f"request body larger than {self.max_bytes} bytes",
                "field": "body",
            }
        ).encode()
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
