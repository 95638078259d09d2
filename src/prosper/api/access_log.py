"""The structured access log: one JSON line per HTTP request on the ``prosper.access`` logger.

Each line holds the time, method, path (never the query string: OpenRefine clients may carry
their key in ``?api_key=``), route template, status, duration in milliseconds, the client's
address and the holder of the API key that authenticated the request (``key:<id>:<name>``,
as the audit log names it; never the key itself), or null when none did::

    {"ts": "2026-12-06T23:10:00.123Z", "method": "POST", "path": "/match/default",
     "route": "/match/{dataset}", "status": 200, "duration_ms": 12.4,
     "client": "127.0.0.1", "key": "key:3f2a…:alice"}

:class:`prosper.api.middleware.RequestMiddleware` writes them. ``prosper serve`` writes the
lines to stderr (:func:`enable_access_log`); embedding apps route
the logger wherever they like.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from starlette.types import Scope

LOGGER = "prosper.access"


def access_record(scope: Scope, status: int, seconds: float) -> dict[str, Any]:
    """The log record of one finished request (``scope`` after the app ran)."""
    route = scope.get("route")
    client = scope.get("client")
    key = (scope.get("state") or {}).get("api_key")
    return {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": scope.get("method", ""),
        "path": scope.get("path", ""),
        "route": getattr(route, "path", None),
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "client": None if not client else client[0],
        "key": None if key is None else getattr(key, "actor", None),
    }


def enable_access_log(stream: TextIO | None = None) -> logging.Logger:
    """Write the access log's lines, bare, to ``stream`` (stderr by default); once."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger
