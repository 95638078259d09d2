"""``/healthz`` (the process answers), ``/readyz`` (lists loaded), ``/metrics`` (Prometheus)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from prosper.api.deps import AppState, get_state

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(state: AppState = Depends(get_state)) -> dict[str, Any]:
    """Liveness: 200 while the process serves requests; once the lists are loaded, each list's
    publication date, age in days and last update outcome."""
    return {"status": "ok", "lists": list_health(state)}


def list_health(state: AppState) -> list[dict[str, Any]]:
    """Each loaded source: ``{source, published, age_days, refresh}`` (empty while loading)."""
    if not state.ready.is_set():
        return []
    try:
        rows = state.backend.lists()
    except Exception:  # a liveness probe must answer even if the engine is in trouble
        return []
    outcomes = state.refresh_log.snapshot()
    return [
        {
            "source": row["source"],
            "published": row.get("published"),
            "age_days": row.get("age_days"),
            "refresh": None if row["source"] not in outcomes else outcomes[row["source"]].to_dict(),
        }
        for row in rows
    ]


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
    for row in list_health(state):
        age = row["age_days"]
        state.metrics.list_age.labels(row["source"]).set(-1 if age is None else age)
    for source, outcome in state.refresh_log.snapshot().items():
        state.metrics.list_refresh_ok.labels(source).set(1 if outcome.ok else 0)
        state.metrics.list_refresh_time.labels(source).set(outcome.at.timestamp())
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
