"""Lean routes: ``POST /v1/screen`` and ``POST /v1/check`` answered without FastAPI's routing,
dependency solving and body handling, when the request is an ordinary one.

FastAPI spends about 1–1.5 ms of CPU per request on routing, solving the dependencies of a
route (state, backend, the two key headers, the role check), reading and validating the body
and validating the response (issue 16, deliver 6). :class:`LeanRoutes` is an ASGI layer in
front of the FastAPI app that answers the two busiest routes itself — but only the *ordinary*
request: an ``X-API-Key`` checked a moment ago by this process (:mod:`prosper.api.keycache`)
with the role, a client not throttled, a JSON body that validates, no query parameter
other than the route's own (each once, with a valid value). Every other request — no key, an
unknown key, a bearer token, bad JSON, a field that does not validate, an unexpected query —
is handed to FastAPI unchanged (the body bytes already read are replayed), so every refusal is
FastAPI's own answer. The answer to an ordinary request is made with FastAPI's own pieces:
the route's body field validates the body, the route's response field validates and
serialises the result, the same function screens and records, the same errors render the same
JSON. The per-key rate limit is spent exactly once per request either way (here only after
every other check passed, and the request is then never handed on).

Off when the app has dependency overrides (tests replacing the backend or the key check go
through FastAPI) or with ``create_app(lean_routes=False)`` / ``prosper serve --no-lean-routes``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute, APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prosper.api.auth import spend_rate
from prosper.api.deps import AppState
from prosper.api.errors import api_error_response, prosper_error_response
from prosper.api.metrics import Metrics
from prosper.errors import ProsperError
from prosper.keys import ApiKey, Role
from prosper.values import parse_date

_SCREEN = "/v1/screen"
_CHECK = "/v1/check"
_DRY_RUN = {b"": False, b"dry_run=false": False, b"dry_run=true": True}
"""The query strings of ``POST /v1/screen`` answered here (any other goes to FastAPI)."""
_MODES = ("enforced", "literal")


def _json_type(content_type: str | None) -> bool:
    """Whether FastAPI reads a body with this Content-Type as JSON (none, ``application/json``,
    ``application/…+json``); the lean route hands any other to FastAPI."""
    if content_type is None:
        return True
    main = content_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or (
        main.startswith("application/") and main.endswith("+json")
    )


def _header(scope: Scope, name: bytes) -> str | None:
    """The value of header ``name`` if it is there exactly once (else None: not ordinary)."""
    found = [v for k, v in scope.get("headers", ()) if k == name]
    return found[0].decode("latin-1") if len(found) == 1 else None


def _check_query(raw: bytes) -> tuple[str, str | None] | None:
    """``mode`` and ``as_of`` of a ``POST /v1/check`` query string, or None when it is not an
    ordinary one (an unknown or repeated parameter, an invalid value: FastAPI answers it)."""
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, strict_parsing=False)
    except ValueError:
        return None
    params = dict(pairs)
    if len(params) != len(pairs) or not set(params) <= {"mode", "as_of"}:
        return None
    mode = params.get("mode", "enforced")
    as_of = params.get("as_of")
    if mode not in _MODES or (as_of is not None and not 0 < len(as_of) <= 10):
        return None
    return mode, as_of


async def _read_body(receive: Receive, messages: list[Message]) -> bytes | None:
    """The request body (every message kept in ``messages``), or None when the client went
    (or the body-size limit answered 413 and the middleware reports a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` again, then whatever ``receive`` gives."""
    pending = list(messages)

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again


def _route(router: APIRouter, path: str) -> APIRoute:
    """The ``POST`` route of ``router`` at ``path`` (its body and response fields are the ones
    FastAPI validates with)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path == path and "POST" in (route.methods or ()):
            return route
    raise LookupError(f"no POST {path} route")


class LeanRoutes:
    """The ASGI layer answering ordinary ``POST /v1/screen`` and ``POST /v1/check`` requests
    (see the module docstring); everything else goes to ``app``."""

    def __init__(self, app: ASGIApp, *, owner: FastAPI, state: AppState) -> None:
        """Sit in front of ``app`` (the rest of ``owner``'s stack), serving ``state``."""
        self.app = app
        self.owner = owner
        self.state = state
        self._routes: tuple[APIRoute, APIRoute] | None = None
        self.answered = 0
        """Requests answered here rather than by FastAPI (for tests)."""

    def _known(self) -> tuple[APIRoute, APIRoute]:
        if self._routes is None:
            from prosper.api.routers import documents, screen

            self._routes = (_route(screen.router, _SCREEN), _route(documents.router, _CHECK))
        return self._routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer an ordinary request of the two routes, hand anything else to the app."""
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path") not in (_SCREEN, _CHECK)
            or scope.get("root_path")
            or self.owner.dependency_overrides
        ):
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        screen_route, check_route = self._known()
        messages: list[Message] = []
        if scope["path"] == _SCREEN:
            done = await self._screen(screen_route, key, scope, receive, send, messages)
        else:
            done = await self._check(check_route, key, scope, receive, send, messages)
        if not done:
            await self.app(scope, _replay(messages, receive), send)

    def _key(self, scope: Scope) -> ApiKey | None:
        """The screener key of an ordinary request: presented in ``X-API-Key``, checked a
        moment ago, with the role, from a client not throttled; else None."""
        presented = _header(scope, b"x-api-key")
        if not presented:
            return None
        client = scope.get("client")
        if self.state.auth_throttle.wait(client[0] if client else "unknown") is not None:
            return None
        key = self.state.key_cache.get(presented.strip())
        if key is None or not key.role.allows(Role.SCREENER):
            return None
        return key

    def _admit(self, key: ApiKey, route: APIRoute, scope: Scope) -> Response | None:
        """Spend the key's rate limit (the request is this layer's from here on): the 429, or
        None. The access log and metrics see the key and the route, as through FastAPI."""
        self.answered += 1
        scope.setdefault("state", {})["api_key"] = key
        scope["route"] = route
        refused = spend_rate(self.state, key)
        return None if refused is None else api_error_response(refused)

    async def _screen(
        self,
        route: APIRoute,
        key: ApiKey,
        scope: Scope,
        receive: Receive,
        send: Send,
        messages: list[Message],
    ) -> bool:
        from prosper.api.routers.screen import screen_and_record_async

        dry_run = _DRY_RUN.get(scope.get("query_string", b""))
        if dry_run is None or not _json_type(_header_or_none(scope, b"content-type")):
            return False
        raw = await _read_body(receive, messages)
        if not raw:
            return False
        try:
            doc = json.loads(raw)
        except ValueError:
            return False
        assert route.body_field is not None
        body, errors = route.body_field.validate(doc, {}, loc=("body",))
        if errors:
            return False
        response = self._admit(key, route, scope)
        if response is None:
            headers = Response()  # what FastAPI hands an endpoint's ``response`` parameter
            del headers.headers["content-length"]
            state = self.state
            response = await self._answer(
                route,
                headers,
                screen_and_record_async,
                body,
                headers,
                dry_run,
                key,
                state.backend,
                state,
            )
        await response(scope, receive, send)
        return True

    async def _check(
        self,
        route: APIRoute,
        key: ApiKey,
        scope: Scope,
        receive: Receive,
        send: Send,
        messages: list[Message],
    ) -> bool:
        query = _check_query(scope.get("query_string", b""))
        backend = self.state.backend
        check_body = getattr(backend, "check_body", None)
        if query is None or not callable(check_body):
            return False
        # on the event loop when the backend can (decision awaited from a check worker, the
        # record batched by one writer thread: :mod:`prosper.api.recorder`)
        check_async = getattr(backend, "check_body_async", None)
        mode, as_of = query
        try:
            when = parse_date(as_of, "as_of")
        except ProsperError:
            return False
        content_type = _header_or_none(scope, b"content-type")
        raw = await _read_body(receive, messages)
        if raw is None:
            return False
        response = self._admit(key, route, scope)
        if response is None:
            response = await self._answer(
                route,
                None,
                check_async if callable(check_async) else check_body,
                raw,
                "application/json" if content_type is None else content_type,
                mode=mode,
                as_of=when,
                actor=key.actor,
                verdicts=(self.state.metrics, mode),
            )
        await response(scope, receive, send)
        return True

    async def _answer(
        self,
        route: APIRoute,
        headers: Response | None,
        work: Callable[..., Any],
        *args: Any,
        verdicts: tuple[Metrics, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        """``work(*args, **kwargs)`` in the thread pool (awaited, if it is a coroutine
        function); its result validated and serialised
        by the route's response field (as FastAPI does), or the error's response. With
        ``verdicts`` (metrics, mode) the decision is counted, as the check route does."""
        try:
            if inspect.iscoroutinefunction(work):
                result = await work(*args, **kwargs)
            else:
                result = await run_in_threadpool(work, *args, **kwargs)
        except ProsperError as exc:
            return prosper_error_response(exc)
        if verdicts is not None:
            metrics, mode = verdicts
            metrics.decisions.labels(str(result.get("verdict")), mode).inc()
        field = route.response_field
        assert field is not None
        value, errors = field.validate(result, {}, loc=("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=result)
        content = field.serialize_json(value, by_alias=True)
        response = Response(content=content, media_type="application/json")
        if headers is not None:
            response.headers.raw.extend(headers.headers.raw)
        return response


def _header_or_none(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (as Starlette's ``headers.get``), or None."""
    for k, v in scope.get("headers", ()):
        if k == name:
            value: str = v.decode("latin-1")
            return value
    return None
