"""``/healthz`` (the process answers), ``/readyz`` (lists loaded), ``/metrics`` (Prometheus)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from prosper.api.deps import AppState, get_state

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, Any]:
    """Liveness: 200 while the process serves requests."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "still loading, or loading failed"}})
def readyz(state: AppState = Depends(get_state)) -> JSONResponse:
    """Readiness: 200 once lists, screening index and rulebook are loaded, else 503."""
    if state.ready.is_set():
        return JSONResponse({"status": "ready"})
    if state.ready_error is not None:
        return JSONResponse({"status": "failed", "error": state.ready_error}, status_code=503)
    return JSONResponse({"status": "loading"}, status_code=503)


@router.get("/metrics", response_class=Response)
def metrics(state: AppState = Depends(get_state)) -> Response:
    """Request counts and latencies, decisions by verdict, batch jobs (text format)."""
    for name, count in state.jobs.counts().items():
        state.metrics.jobs.labels(name).set(count)
    state.metrics.ready.set(1 if state.ready.is_set() else 0)
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
