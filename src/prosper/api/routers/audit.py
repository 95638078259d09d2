"""``GET /v1/audit``, ``GET /v1/audit/{id}``, ``POST /v1/audit/verify`` (role: reviewer).

Every read checks what it hands out: ``GET /v1/audit/{id}`` answers 409 for a record that was
edited, forged or cut from its chain; ``GET /v1/audit`` flags each record (``integrity``) and
the page (a deleted tail), so the web page can show a red banner.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_reviewer
from prosper.api.backend import Backend
from prosper.api.deps import get_backend
from prosper.api.models import AuditPage, AuditRecordOut, ErrorBody, VerifyOut
from prosper.keys import ApiKey

router = APIRouter(prefix="/v1/audit", tags=["audit"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 422, 429)
}


@router.get("", response_model=AuditPage, responses=_ERRORS)
async def audit_list(
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**12),
    _key: ApiKey = Depends(require_reviewer),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """Audit records, newest first, each with ``integrity: {ok, signed, problems}``."""
    page = await run_in_threadpool(backend.audit_page, limit=limit, offset=offset)
    return {**page, "limit": limit, "offset": offset}


@router.post("/verify", response_model=VerifyOut, responses={**_ERRORS, 409: {"model": ErrorBody}})
async def audit_verify(
    _key: ApiKey = Depends(require_reviewer),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """Walk the whole hash chain; ``ok`` is false with the problems when it is broken."""
    return await run_in_threadpool(backend.audit_verify)


@router.get(
    "/{record_id}",
    response_model=AuditRecordOut,
    responses={**_ERRORS, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def audit_get(
    record_id: int = Path(ge=1, le=2**62),
    _key: ApiKey = Depends(require_reviewer),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """One audit record: the input, the decision, the versions, its hashes and signature.

    409 when the record, its link to the one before or its witnesses do not check out.
    """
    return await run_in_threadpool(backend.audit_get, record_id)
