"""``POST /v1/screen``, ``POST /v1/screen/batch`` (+ status), ``POST /v1/match``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response, status
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_screener
from prosper.api.backend import Backend
from prosper.api.deps import AppState, get_backend, get_state
from prosper.api.errors import ApiError
from prosper.api.models import (
    BatchJob,
    BatchRequest,
    ErrorBody,
    MatchRequest,
    MatchResult,
    ScreenRequest,
    ScreenResult,
)
from prosper.keys import ApiKey, Role

router = APIRouter(prefix="/v1", tags=["screening"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 413, 422, 429)
}


def _record(state: AppState, result: dict[str, Any]) -> None:
    matched = any(h.get("match") for h in result.get("hits", []))
    state.metrics.screen_hits.labels("true" if matched else "false").inc()


@router.post("/screen", response_model=ScreenResult, responses=_ERRORS)
async def screen(
    body: ScreenRequest,
    response: Response,
    dry_run: bool = Query(False, description="a what-if: not recorded in the audit log"),
    key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Screen one name against the loaded lists (role: screener). Recorded in the audit log
    (query, result digest, list versions, the key's holder; record id in the
    ``X-Prosper-Audit-Record`` header) unless ``?dry_run=true`` (``X-Prosper-Dry-Run: true``)."""
    # One hop to the thread pool for the screening and its audit write. A plain ``def``
    # endpoint would take a second one: FastAPI validates a sync endpoint's response in the
    # pool too (issue 16: each hop is a thread hand-off under the GIL on a busy server).
    return await run_in_threadpool(screen_and_record, body, response, dry_run, key, backend, state)


def screen_and_record(
    body: ScreenRequest,
    response: Response,
    dry_run: bool,
    key: ApiKey,
    backend: Backend,
    state: AppState,
) -> dict[str, Any]:
    """Screen ``body`` with ``backend`` and record it (unless ``dry_run``): the result."""
    query = body.model_dump(exclude={"threshold", "limit"})
    result = backend.screen(query, threshold=body.threshold, limit=body.limit)
    _record(state, result)
    _on_record(state, result, key, response, dry_run)
    return result


async def screen_and_record_async(
    body: ScreenRequest,
    response: Response,
    dry_run: bool,
    key: ApiKey,
    backend: Backend,
    state: AppState,
) -> dict[str, Any]:
    """:func:`screen_and_record` for the lean route: the screening (and its record's canonical
    texts) in the thread pool, the record appended through the backend's event-loop recorder
    (batched with the other requests' records, :mod:`prosper.api.recorder`); answered once the
    record is committed. The same record as :func:`casework.record_screening` writes. Without
    a recorder, or for a dry run, :func:`screen_and_record` as before."""
    recorder = getattr(backend, "recorder", None)
    if dry_run or recorder is None:
        return await run_in_threadpool(
            screen_and_record, body, response, dry_run, key, backend, state
        )
    result, prepared = await run_in_threadpool(_screen_prepared, body, key, backend, state)
    record = await recorder.append(prepared)
    response.headers["X-Prosper-Audit-Record"] = str(record.id)
    return result


def _screen_prepared(
    body: ScreenRequest, key: ApiKey, backend: Backend, state: AppState
) -> tuple[dict[str, Any], Any]:
    """Screen ``body``; the result and its audit record serialised (``Prepared``)."""
    from prosper import casework
    from prosper.audit.prepared import Prepared

    query = body.model_dump(exclude={"threshold", "limit"})
    result = backend.screen(query, threshold=body.threshold, limit=body.limit)
    _record(state, result)
    entry = casework.screening_entry(result, channel="api")
    prepared = Prepared.of(
        entry["kind"], key.actor, entry["input"], entry["output"], entry["versions"]
    )
    return result, prepared


def _on_record(
    state: AppState, result: dict[str, Any], key: ApiKey, response: Response | None, dry_run: bool
) -> None:
    """Every screening on the record (:func:`prosper.casework.record_screening`)."""
    from prosper import casework

    if dry_run:
        if response is not None:
            response.headers["X-Prosper-Dry-Run"] = "true"
        return
    record = casework.record_screening(
        result, settings=state.settings, actor=key.actor, channel="api"
    )
    if response is not None:
        response.headers["X-Prosper-Audit-Record"] = str(record["record_id"])


@router.post(
    "/screen/batch",
    response_model=BatchJob,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_ERRORS,
)
def screen_batch(
    body: BatchRequest,
    response: Response,
    key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Queue many queries as a background job; poll ``GET /v1/screen/batch/{job_id}``."""
    if len(body.queries) > state.limits.max_batch:
        raise ApiError(
            413,
            "batch_too_large",
            f"{len(body.queries)} queries; at most {state.limits.max_batch} per batch",
            field="queries",
        )
    threshold, limit = body.threshold, body.limit

    def screen_one(query: dict[str, Any]) -> dict[str, Any]:
        result = backend.screen(query, threshold=threshold, limit=limit)
        _record(state, result)
        _on_record(state, result, key, None, False)
        return result

    queries = [q.model_dump() for q in body.queries]
    job = state.jobs.submit(key.id, queries, screen_one)
    response.headers["Location"] = f"/v1/screen/batch/{job.id}"
    return state.jobs.snapshot(job)


@router.get(
    "/screen/batch/{job_id}",
    response_model=BatchJob,
    responses={**_ERRORS, 404: {"model": ErrorBody}},
)
def batch_status(
    job_id: str,
    key: ApiKey = Depends(require_screener),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """A batch job's status, and its results once ``done`` (only its creator or an admin)."""
    owner = None if key.role.allows(Role.ADMIN) else key.id
    return state.jobs.snapshot(state.jobs.get(job_id, owner=owner))


@router.post("/match", response_model=MatchResult, responses=_ERRORS)
def match(
    body: MatchRequest,
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Score one pair of names, with the explanation (role: screener)."""
    scored = backend.match(body.name1, body.name2, type=body.type)
    threshold = state.settings.threshold if body.threshold is None else body.threshold
    score = float(scored["score"])
    return {
        "name1": body.name1,
        "name2": body.name2,
        "type": body.type,
        "score": score,
        "match": score >= threshold,
        "threshold": threshold,
        "explanation": scored.get("explanation", []),
    }
