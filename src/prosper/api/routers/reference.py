"""``GET /v1/lists`` and ``GET /v1/rules``: what the decisions are made against."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_admin, require_screener
from prosper.api.backend import Backend
from prosper.api.deps import AppState, get_backend, get_state
from prosper.api.models import ErrorBody, ListsOut, ListsUpdate, ListsUpdated, RulesOut
from prosper.api.refresh import RefreshLog
from prosper.errors import ProsperError
from prosper.keys import ApiKey
from prosper.values import parse_date

router = APIRouter(prefix="/v1", tags=["reference"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 422, 429)
}


@router.get("/lists", response_model=ListsOut, responses=_ERRORS)
async def lists(
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """The loaded list snapshots: source, publication date, content version, age in days, and
    what the last update (scheduled or not) did to each."""
    rows = await run_in_threadpool(backend.lists)
    return {"sources": with_refresh(rows, state.refresh_log)}


@router.post(
    "/lists/update",
    response_model=ListsUpdated,
    responses={**_ERRORS, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def update_lists(
    body: ListsUpdate,
    _key: ApiKey = Depends(require_admin),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Install newer official list files, as `prosper lists update [--from …]` (role: admin).

    Without `from`, every source is downloaded from its official URL. Refusals (older data,
    too many entities dropped, a repeated id, a partial set) are 422 naming the source, unless
    the matching `allow_*` flag is set; another update running is 409. The new snapshot is
    validated and swapped atomically (the last good one stays on any failure); a new engine is
    built beside the old one and swapped in before the response — requests meanwhile are
    served by the old one.
    """
    flags = {
        "allow_older": body.allow_older,
        "allow_shrink": body.allow_shrink,
        "allow_duplicates": body.allow_duplicates,
        "allow_partial": body.allow_partial,
    }
    try:
        result = await run_in_threadpool(backend.update_lists, list(body.from_), flags)
    except ProsperError as exc:
        state.refresh_log.record_error(exc, [s["source"] for s in _loaded(backend, state)])
        raise
    state.refresh_log.record_result(result, ())
    return result


def _loaded(backend: Backend, state: AppState) -> list[dict[str, Any]]:
    return backend.lists() if state.ready.is_set() else []


def with_refresh(rows: list[dict[str, Any]], refresh_log: RefreshLog) -> list[dict[str, Any]]:
    """``rows`` of :meth:`Backend.lists` with each source's last update outcome."""
    outcomes = refresh_log.snapshot()
    return [
        {
            **row,
            "refresh": None if row["source"] not in outcomes else outcomes[row["source"]].to_dict(),
        }
        for row in rows
    ]


@router.get("/rules", response_model=RulesOut, responses=_ERRORS)
async def rules(
    as_of: str | None = Query(
        None, description="rules in force on this date, YYYY-MM-DD (default today)", max_length=10
    ),
    regime: str | None = Query(None, max_length=40, description="e.g. US-EAR, KR-PIPA"),
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """The rulebook's id, version and digest, and its rules in force."""
    when = parse_date(as_of, "as_of")  # the one date check of every edge: ?as_of=0 is refused
    return await run_in_threadpool(backend.rules, as_of=when, regime=regime)
