"""``/healthz`` (the process answers), ``/readyz`` (lists loaded), ``/metrics`` (Prometheus,
behind a reviewer key unless ``PROSPER_METRICS_PUBLIC=1``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from prosper.api.auth import api_key_header, bearer, check_key
from prosper.api.deps import AppState, get_state
from prosper.api.models import ErrorBody
from prosper.keys import Role

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


@router.get(
    "/metrics",
    response_class=Response,
    responses={code: {"model": ErrorBody} for code in (401, 403, 429)},
)
def metrics(
    request: Request,
    state: AppState = Depends(get_state),
    header_key: str | None = Security(api_key_header),
    bearer_key: HTTPAuthorizationCredentials | None = Security(bearer),
) -> Response:
    """Request counts and latencies, batch jobs, readiness, list ages; decisions by verdict and
    screening matches too (text format). Needs a reviewer key, unless
    ``PROSPER_METRICS_PUBLIC=1``: then anybody gets the operational series, and only a
    reviewer key the business ones."""
    full = bool(header_key or bearer_key) or not state.settings.security.metrics_public
    if full:
        check_key(Role.REVIEWER, request, state, header_key, bearer_key)  # 401 / 403 / 429
    for name, count in state.jobs.counts().items():
        state.metrics.jobs.labels(name).set(count)
    state.metrics.ready.set(1 if state.ready.is_set() else 0)
    for row in list_health(state):
        age = row["age_days"]
        state.metrics.list_age.labels(row["source"]).set(-1 if age is None else age)
    for source, outcome in state.refresh_log.snapshot().items():
        state.metrics.list_refresh_ok.labels(source).set(1 if outcome.ok else 0)
        state.metrics.list_refresh_time.labels(source).set(outcome.at.timestamp())
    body = generate_latest(state.metrics.registry)
    if full:
        body += generate_latest(state.metrics.business)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
