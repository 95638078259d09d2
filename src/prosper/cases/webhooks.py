"""Webhooks: signed event notifications with retries and a delivery log.

Events: ``alert.opened``, ``alert.decided``, ``lists.updated`` (and ``webhook.test`` from
``prosper webhooks test``). Each delivery is a ``POST`` of JSON
``{"id", "event", "created_at", "data"}`` with the headers

* ``X-Prosper-Event`` — the event type;
* ``X-Prosper-Delivery`` — the event id (the same on every retry: receivers de-duplicate on it);
* ``X-Prosper-Timestamp`` — Unix seconds when the delivery was signed;
* ``X-Prosper-Signature`` — ``sha256=<hex>``: HMAC-SHA256 under the subscription's secret of
  ``<timestamp>.<body>`` (the exact body bytes). Receivers recompute it, compare in constant
  time and refuse timestamps more than five minutes old (replays).

A failed delivery (connection error, timeout, HTTP 5xx or 429) is retried with exponential
backoff (:mod:`tenacity`, :data:`ATTEMPTS` attempts); a 4xx other than 429 is not retried.
Every outcome goes to the ``case_delivery`` log (``prosper webhooks log``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from prosper.cases.store import CaseStore
from prosper.cases.store_hooks import now
from prosper.errors import InputError

EVENTS = ("alert.opened", "alert.decided", "lists.updated")
TEST_EVENT = "webhook.test"
ATTEMPTS = 4
TIMEOUT_S = 5.0
WAIT_MIN_S = 0.5
WAIT_MAX_S = 8.0
HEADER_EVENT = "X-Prosper-Event"
HEADER_DELIVERY = "X-Prosper-Delivery"
HEADER_TIMESTAMP = "X-Prosper-Timestamp"
HEADER_SIGNATURE = "X-Prosper-Signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, ``timestamp.body``)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    max_age: float = 300.0,
    at: float | None = None,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        age = (time.time() if at is None else at) - float(timestamp)
    except ValueError:
        return False
    return abs(age) <= max_age and hmac.compare_digest(sign(secret, timestamp, body), signature)


def new_secret() -> str:
    """A fresh subscription secret (256 random bits)."""
    return "whsec_" + secrets.token_hex(32)


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL."""
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise InputError("must be an http:// or https:// URL", field="url")
    return url


def check_events(events: list[str]) -> list[str]:
    """``events`` if each is known (``*`` stands for all)."""
    if not events or events == ["*"]:
        return list(EVENTS)
    for event in events:
        if event not in EVENTS:
            raise InputError(
                f"unknown event {event!r} (known: {', '.join(EVENTS)})", field="events"
            )
    return list(dict.fromkeys(events))


class _RetryableError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivery outcome."""

    webhook_id: int
    url: str
    event: str
    event_id: str
    status: str  # delivered | failed
    attempts: int
    http_status: int | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {k: getattr(self, k) for k in self.__slots__}


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise _RetryableError(f"HTTP {exc.code}", exc.code) from None
        return int(exc.code)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise _RetryableError(str(getattr(exc, "reason", exc))) from None


class Dispatcher:
    """Delivers events to the subscriptions in the store (``notify`` is the hook to pass)."""

    def __init__(
        self,
        store: CaseStore,
        *,
        attempts: int = ATTEMPTS,
        wait_min: float = WAIT_MIN_S,
        wait_max: float = WAIT_MAX_S,
    ) -> None:
        """Deliver through ``store``'s subscriptions, logging there."""
        self.store = store
        self.attempts = attempts
        self.wait_min = wait_min
        self.wait_max = wait_max

    def notify(self, event: str, data: dict[str, Any]) -> list[Delivery]:
        """Send ``event`` to every subscription to it; never raises for a failed delivery."""
        hooks = self.store.webhooks(event)
        return [self.deliver(h, event, data) for h in hooks]

    def deliver(self, hook: dict[str, Any], event: str, data: dict[str, Any]) -> Delivery:
        """One event to one subscription now, retried; the outcome is logged."""
        event_id = "evt_" + uuid.uuid4().hex
        body = json.dumps(
            {"id": event_id, "event": event, "created_at": now(), "data": data},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode("utf-8")
        return self.send(hook, event, event_id, body)

    def send(self, hook: dict[str, Any], event: str, event_id: str, body: bytes) -> Delivery:
        """Send a prepared body (signed afresh on each attempt), retried; logged."""
        tries = 0
        status: int | None = None
        error: str | None = None

        def attempt() -> int:
            nonlocal tries
            tries += 1
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "prosper-webhooks",
                HEADER_EVENT: event,
                HEADER_DELIVERY: event_id,
                HEADER_TIMESTAMP: stamp,
                HEADER_SIGNATURE: sign(hook["secret"], stamp, body),
            }
            return _post(hook["url"], body, headers)

        try:
            for trying in Retrying(
                stop=stop_after_attempt(self.attempts),
                wait=wait_exponential(multiplier=self.wait_min, max=self.wait_max),
                retry=retry_if_exception_type(_RetryableError),
                reraise=False,
            ):
                with trying:
                    status = attempt()
        except RetryError as exc:
            last = exc.last_attempt.exception()
            error = str(last)
            status = getattr(last, "status", None)
        ok = error is None and status is not None and 200 <= status < 300
        if error is None and not ok:
            error = f"HTTP {status}"
        outcome = Delivery(
            hook["id"],
            hook["url"],
            event,
            event_id,
            "delivered" if ok else "failed",
            tries,
            status,
            error,
        )
        self.store.log_delivery(
            {
                "webhook_id": hook["id"],
                "event": event,
                "event_id": event_id,
                "at": now(),
                "status": outcome.status,
                "attempts": tries,
                "http_status": status,
                "error": error,
            }
        )
        return outcome

    def hook(self, event: str, data: dict[str, Any]) -> None:
        """:meth:`notify` shaped as the ``Notify`` callback of :mod:`prosper.cases.alerts`."""
        self.notify(event, data)
