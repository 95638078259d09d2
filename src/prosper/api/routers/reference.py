"""``GET /v1/lists`` and ``GET /v1/rules``: what the decisions are made against."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_admin, require_screener
from prosper.api.backend import Backend
from prosper.api.deps import get_backend
from prosper.api.models import ErrorBody, ListsOut, ListsUpdate, ListsUpdated, RulesOut
from prosper.keys import ApiKey

router = APIRouter(prefix="/v1", tags=["reference"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 422, 429)
}


@router.get("/lists", response_model=ListsOut, responses=_ERRORS)
async def lists(
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """The loaded list snapshots: source, publication date, content version, age in days."""
    return {"sources": await run_in_threadpool(backend.lists)}


@router.post(
    "/lists/update", response_model=ListsUpdated, responses={**_ERRORS, 404: {"model": ErrorBody}}
)
async def update_lists(
    body: ListsUpdate,
    _key: ApiKey = Depends(require_admin),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """Install newer official list files, as `prosper lists update --from` (role: admin).

    The new snapshot is validated and swapped atomically (the last good one stays on any
    failure); the engine is rebuilt on it before the response, so the next request uses it.
    """
    return await run_in_threadpool(backend.update_lists, list(body.from_))


@router.get("/rules", response_model=RulesOut, responses=_ERRORS)
async def rules(
    as_of: date | None = Query(None, description="rules in force on this date (default today)"),
    regime: str | None = Query(None, max_length=40, description="e.g. US-EAR, KR-PIPA"),
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """The rulebook's id, version and digest, and its rules in force."""
    return await run_in_threadpool(backend.rules, as_of=as_of, regime=regime)
