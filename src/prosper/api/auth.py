"""API-key authentication and role checks for the ``/v1/`` routes.

A request presents its key as ``X-API-Key: psk_…`` or ``Authorization: Bearer psk_…``.
:func:`require` builds the dependency a route declares: it answers 401 without a key or
with an unknown or revoked one, 403 when the key's role is too low, and 429 when the key has
used up its rate limit; otherwise it hands the route the :class:`~prosper.keys.ApiKey`.

A client (by address) that presents ``PROSPER_AUTH_FAILURES`` wrong keys within
``PROSPER_AUTH_WINDOW`` seconds gets 429 with ``Retry-After`` for every key it presents until
the window has moved on: guessing keys is throttled, and a right guess is not accepted either
while throttled.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

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


def require(role: Role) -> Callable[..., ApiKey]:
    """A dependency admitting keys of ``role`` or higher."""

    def dependency(
        request: Request,
        state: AppState = Depends(get_state),
        header_key: str | None = Security(api_key_header),
        bearer_key: HTTPAuthorizationCredentials | None = Security(bearer),
    ) -> ApiKey:
        presented = header_key or (None if bearer_key is None else bearer_key.credentials)
        if not presented:
            raise ApiError(
                401, "unauthorized", "an API key is required (X-API-Key header)", headers=_CHALLENGE
            )
        client = request.client.host if request.client is not None else "unknown"
        throttled = state.auth_throttle.wait(client)
        if throttled is not None:
            raise ApiError(
                429,
                "too_many_failures",
                f"too many failed authentications from {client}; retry in {throttled:.0f} s",
                headers={"Retry-After": str(max(1, math.ceil(throttled)))},
            )
        key = state.keys.authenticate(presented.strip())
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
        wait = state.limiter.hit(key.id)
        if wait is not None:
            raise ApiError(
                429,
                "rate_limited",
                f"rate limit of key {key.id} reached; retry in {wait:.1f} s",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        return key

    dependency.__name__ = f"require_{role.value}"
    return dependency


require_screener = require(Role.SCREENER)
require_reviewer = require(Role.REVIEWER)
require_admin = require(Role.ADMIN)
