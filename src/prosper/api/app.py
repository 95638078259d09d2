"""The app factory: :func:`create_app` builds one FastAPI app over one :class:`Backend`.

Nothing is loaded at import or in the factory: the lists, index and rulebook are loaded by
a start-up thread (``/readyz`` turns 200 when done), so the server answers ``/healthz``
at once and the first request does not pay for the load.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from prosper import __version__
from prosper.api.backend import Backend, CoreBackend
from prosper.api.deps import AppState
from prosper.api.errors import install_error_handlers
from prosper.api.jobs import JobManager
from prosper.api.keycache import KeyCache
from prosper.api.lean import LeanRoutes
from prosper.api.limits import ApiLimits, AuthThrottle, RateLimiter
from prosper.api.metrics import Metrics
from prosper.api.middleware import RequestMiddleware
from prosper.api.refresh import ListRefresher
from prosper.api.routers import (
    admin,
    alerts,
    audit,
    cases_web,
    docs,
    documents,
    health,
    parties,
    reconcile,
    reference,
    screen,
    web,
    yente,
)
from prosper.api.routers.health import list_health
from prosper.keys import KeyStore
from prosper.settings import Settings, load_settings

DESCRIPTION = """\
Sanctions screening, export-control and data-transfer decisions, and the tamper-evident
audit log of Prosper, over HTTP. Every `/v1/` route needs an API key
(`prosper keys create --role screener|reviewer|admin`) in the `X-API-Key` header.
Errors are `{"error", "message", "field"}`; bad input is 422 and names the field.
"""


def _no_telemetry() -> dict[str, Any]:
    """``FastAPI(telemetry=…)`` turning its built-in OpenTelemetry instrumentation off, where
    this FastAPI has it (0.165 and later): Prosper serves its own metrics (``/metrics``) and
    access log, and FastAPI otherwise asks for the global OpenTelemetry providers on every
    request (issue 16: a visible share of the server's CPU per request, for nothing)."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


_NO_TELEMETRY = _no_telemetry()


def _warm(state: AppState) -> None:
    try:
        state.backend.warm()
    except Exception as exc:  # reported by /readyz; requests then fail with the same error
        state.ready_error = f"{type(exc).__name__}: {exc}"
    else:
        state.ready.set()


def create_app(
    settings: Settings | None = None,
    *,
    backend: Backend | None = None,
    key_store: KeyStore | None = None,
    limits: ApiLimits | None = None,
    refresh: bool = False,
    lean_routes: bool = True,
) -> FastAPI:
    """Build the HTTP API and web page.

    Args:
        settings: data folder, database URL, default threshold (default: from ``PROSPER_*``).
        backend: the operations to serve (default: :class:`CoreBackend` over ``settings``).
        key_store: where API keys are checked (default: the table in ``settings.db_url``).
        limits: body, batch and rate limits (default: :class:`ApiLimits`).
        refresh: refresh the lists from their official URLs every ``settings.lists_refresh``
            seconds in the background (``prosper serve`` asks for it; off by default, so that
            tests and embedded apps never download).
        lean_routes: answer ordinary ``POST /v1/screen`` and ``POST /v1/check`` requests
            without FastAPI's routing and dependency machinery (:mod:`prosper.api.lean`; the
            same answers, less CPU per request). False: every request through FastAPI.
    """
    settings = settings or load_settings()
    limits = limits or ApiLimits()
    state = AppState(
        settings=settings,
        backend=backend or CoreBackend(settings),
        keys=key_store or KeyStore.open(settings.db_url),
        limits=limits,
        limiter=RateLimiter(limits.rate_per_minute, limits.burst),
        jobs=JobManager(limits.max_jobs),
        metrics=Metrics(),
        auth_throttle=AuthThrottle(settings.security.auth_failures, settings.security.auth_window),
        key_cache=KeyCache(limits.key_cache_seconds),
    )
    if refresh:
        from prosper import casework

        casework.enable_rescreen_on_update(settings)  # an installed update re-screens the register
    if refresh and settings.lists_refresh is not None:
        state.refresher = ListRefresher(
            lambda: state.backend.update_lists([]),
            lambda: [row["source"] for row in list_health(state)],
            state.refresh_log,
            settings.lists_refresh,
        )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=_warm, args=(state,), name="prosper-warm", daemon=True).start()
        if state.refresher is not None:
            state.refresher.start()
        try:
            yield
        finally:
            if state.refresher is not None:
                state.refresher.stop()
            state.jobs.shutdown()
            close = getattr(state.backend, "close", None)
            if callable(close):
                close()  # the check workers

    app = FastAPI(
        title="Prosper",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's /docs page loads Swagger UI from a CDN; the machines here are offline.
        # Ours (routers/docs.py) serves the files from this server and needs a key; no /redoc.
        docs_url=None,
        redoc_url=None,
        **_NO_TELEMETRY,
    )
    app.state.prosper = state
    install_error_handlers(app)
    for module in (screen, documents, reference, audit, admin, health, parties, alerts, web):
        app.include_router(module.router)
    app.include_router(yente.router)  # yente-compatible /match, /search, /entities, /catalog
    app.include_router(reconcile.router)  # OpenRefine reconciliation, /reconcile/{dataset}
    app.include_router(docs.router)  # /docs: Swagger UI from the swagger-ui-bundle package, keyed
    app.include_router(cases_web.router)
    web.mount_static(app)
    if lean_routes:  # inside the request middleware: its 413, metrics and access log apply
        app.add_middleware(LeanRoutes, owner=app, state=state)
    # One layer: the body-size limit (413), request metrics and the access log's JSON line
    # (prosper.access) of every request, including those rejected as too large.
    app.add_middleware(RequestMiddleware, metrics=state.metrics, max_bytes=limits.max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the contract's transaction and item schemas added.

    ``POST /v1/check`` and ``POST /v1/classify`` read their bodies by hand (JSON or YAML), so
    their schemas come from :mod:`prosper.schema`, the validator the CLI uses too.
    """
    from prosper.schema import ItemIn, TransactionIn

    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in (TransactionIn, ItemIn):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = schema
    return doc
