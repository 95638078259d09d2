"""API-key authentication and role checks for the ``/v1/`` routes.

A request presents its key as ``X-API-Key: psk_…`` or ``Authorization: Bearer psk_…``.
:func:`require` builds the dependency a route declares: it answers 401 without a key or
with an unknown or revoked one, 403 when the key's role is too low, and 429 when the key has
used up its rate limit; otherwise it hands the route the :class:`~prosper.keys.ApiKey`.

A client (by address) that presents ``PROSPER_AUTH_FAILURES`` wrong keys within
``PROSPER_AUTH_WINDOW`` seconds gets 429 with ``Retry-After`` for every key it presents until
the window has moved on: guessing keys is throttled, and a right guess is not accepted either
while throttled.

A key found in the table is trusted for ``ApiLimits.key_cache_seconds`` (2 s by default) by
the server process that checked it (:mod:`prosper.api.keycache`): the requests of a busy
client do not each query the table. A key revoked through this server
(``DELETE /v1/keys/{id}``) is forgotten at once; one revoked elsewhere (``prosper keys
revoke``, another server process) stops working within that time. ``0`` looks every
request's key up.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from prosper.api.deps import AppState, get_state
from prosper.api.errors import ApiError
from prosper.keys import ApiKey, Role

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="An API key from `prosper keys create --role screener|reviewer|admin`.",
)
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="prosper"'}


def _presented(header_key: str | None, bearer_key: HTTPAuthorizationCredentials | None) -> str:
    presented = header_key or (None if bearer_key is None else bearer_key.credentials)
    if not presented:
        raise ApiError(
            401, "unauthorized", "an API key is required (X-API-Key header)", headers=_CHALLENGE
        )
    return presented.strip()


def _retry_after(seconds: float) -> dict[str, str]:
    """The ``Retry-After`` header of a 429: whole seconds, at least one."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _client(request: Request, state: AppState) -> str:
    """The caller's address, refused with 429 while it is throttled for failed keys."""
    client = request.client.host if request.client is not None else "unknown"
    throttled = state.auth_throttle.wait(client)
    if throttled is not None:
        raise ApiError(
            429,
            "too_many_failures",
            f"too many failed authentications from {client}; retry in {throttled:.0f} s",
            headers=_retry_after(throttled),
        )
    return client


def _admit(
    request: Request, state: AppState, key: ApiKey | None, role: Role, client: str
) -> ApiKey:
    """401 for no key, 403 for a low role, 429 past the key's rate limit; else ``key``."""
    if key is None:
        state.auth_throttle.fail(client)
        raise ApiError(401, "unauthorized", "unknown or revoked API key", headers=_CHALLENGE)
    request.state.api_key = key  # the access log names the holder (never the secret)
    if not key.role.allows(role):
        raise ApiError(
            403,
            "forbidden",
            f"this needs the {role.value} role; key {key.id} has {key.role.value}",
        )
    refused = spend_rate(state, key)
    if refused is not None:
        raise refused
    return key


def spend_rate(state: AppState, key: ApiKey) -> ApiError | None:
    """Take one request from ``key``'s rate limit: None, or the 429 refusing it."""
    wait = state.limiter.hit(key.id)
    if wait is None:
        return None
    return ApiError(
        429,
        "rate_limited",
        f"rate limit of key {key.id} reached; retry in {wait:.1f} s",
        headers=_retry_after(wait),
    )


def _lookup(state: AppState, presented: str) -> ApiKey | None:
    """The key table's answer for ``presented`` (a database query), remembered if active."""
    key = state.keys.authenticate(presented)
    if key is not None:
        state.key_cache.put(presented, key)
    return key


def check_key(
    role: Role,
    request: Request,
    state: AppState,
    header_key: str | None,
    bearer_key: HTTPAuthorizationCredentials | None,
) -> ApiKey:
    """The check of :func:`require`, for code already off the event loop (a plain ``def``
    route or dependency): the key admitted, or the :class:`ApiError` refusing it."""
    presented = _presented(header_key, bearer_key)
    client = _client(request, state)
    key = state.key_cache.get(presented) or _lookup(state, presented)
    return _admit(request, state, key, role, client)


def require(role: Role) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency admitting keys of ``role`` or higher.

    It runs on the event loop: a key checked a moment ago (:mod:`prosper.api.keycache`) costs
    no thread hop; any other is looked up in the table in the thread pool (a database query).
    """

    async def dependency(
        request: Request,
        state: AppState = Depends(get_state),
        header_key: str | None = Security(api_key_header),
        bearer_key: HTTPAuthorizationCredentials | None = Security(bearer),
    ) -> ApiKey:
        presented = _presented(header_key, bearer_key)
        client = _client(request, state)
        key = state.key_cache.get(presented)
        if key is None:
            key = await run_in_threadpool(_lookup, state, presented)
        return _admit(request, state, key, role, client)

    dependency.__name__ = f"require_{role.value}"
    return dependency


require_screener = require(Role.SCREENER)
require_reviewer = require(Role.REVIEWER)
require_admin = require(Role.ADMIN)
