"""Every error becomes one JSON shape: ``{"error", "message", "field"}``.

* :class:`~prosper.errors.ProsperError` → its ``http_status`` (422 bad input, 404 unknown id,
  409 broken audit chain …) with its ``field``;
* a request that fails validation (bad JSON, wrong type, unknown field) → 422 naming the
  first offending field as a path, e.g. ``queries[0].name``;
* :class:`ApiError` (auth, limits) → its status;
* anything else → 500 with a generic message (the traceback goes to the server log only).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from prosper.errors import ProsperError

log = logging.getLogger("prosper.api")

_LOCATIONS = ("body", "query", "path", "header", "cookie")


class ApiError(Exception):
    """An error the API itself raises: unauthorised, forbidden, too large, too many."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """An error answered with ``status`` and the ``{"error", "message", "field"}`` body."""
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.field = field
        self.headers = headers


def field_path(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a readable path.

    >>> field_path(("body", "queries", 0, "name"))
    'queries[0].name'
    >>> field_path(("body",))
    'body'
    """
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS and len(parts) > 1:
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "body"


def error_body(error: str, message: str, field: str | None) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"error": error, "message": message, "field": field}


def _snake(name: str) -> str:
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return out.lstrip("_")


def prosper_error_response(exc: ProsperError) -> JSONResponse:
    """The response to a :class:`~prosper.errors.ProsperError` (logged when it is a 5xx)."""
    if exc.http_status >= 500:
        log.error("internal error: %s", exc, exc_info=exc)
    return JSONResponse(
        error_body(_snake(type(exc).__name__), exc.message, exc.field), status_code=exc.http_status
    )


def api_error_response(exc: ApiError) -> JSONResponse:
    """The response to an :class:`ApiError`, with its headers (``Retry-After`` …)."""
    return JSONResponse(
        error_body(exc.error, exc.message, exc.field), status_code=exc.status, headers=exc.headers
    )


async def _prosper_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProsperError)
    return prosper_error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if not errors:
        return JSONResponse(error_body("validation_error", "invalid request", None), 422)
    first = errors[0]
    field = field_path(first.get("loc", ()))
    message = str(first.get("msg", "invalid value"))
    if first.get("type") == "json_invalid":
        field = "body"
        message = f"invalid JSON: {first.get('ctx', {}).get('error', message)}"
    body = error_body("validation_error", message, field)
    body["errors"] = [
        {"field": field_path(e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in errors[:20]
    ]
    return JSONResponse(body, status_code=422)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return api_error_response(exc)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    names = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    error = names.get(exc.status_code, f"http_{exc.status_code}")
    return JSONResponse(
        error_body(error, str(exc.detail), None),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return JSONResponse(
        error_body("internal_error", "internal error; see the server log", None), status_code=500
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(ProsperError, _prosper_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
