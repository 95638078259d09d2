"""``/v1/parties``: the counterparty register (import, list, show, export, screen).

Roles: screener reads the register and screens registered parties; reviewer imports.
``POST /v1/parties/import?format=csv|jsonl|xlsx|parquet`` takes the file as the request body
(no multipart): every row is checked, nothing is written when any row is bad (422 with the
row-level report in ``rows``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from prosper import casework
from prosper.api.auth import require_reviewer, require_screener
from prosper.api.deps import get_settings
from prosper.api.models import ErrorBody
from prosper.errors import InputError
from prosper.keys import ApiKey
from prosper.settings import Settings

router = APIRouter(prefix="/v1/parties", tags=["register"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 413, 422, 429)
}
_SUFFIX = {"csv": ".csv", "jsonl": ".jsonl", "xlsx": ".xlsx", "parquet": ".parquet"}


@router.post("/import", responses=_ERRORS)
async def import_parties(
    request: Request,
    format: str = Query("csv", description="csv (delimiter sniffed), jsonl, xlsx or parquet"),
    screen: bool = Query(True, description="screen the new and changed parties now"),
    dry_run: bool = Query(False, description="check every row, write nothing"),
    key: ApiKey = Depends(require_reviewer),
    settings: Settings = Depends(get_settings),
) -> Any:
    """Import a register file (upsert by id); all rows or none (role: reviewer)."""
    suffix = _SUFFIX.get(format)
    if suffix is None:
        raise InputError("must be csv, jsonl, xlsx or parquet", field="format")
    body = await request.body()
    if not body:
        raise InputError("the request body is the register file; it is empty", field="body")

    def work() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="prosper-import-") as folder:
            path = FilePath(folder) / f"upload{suffix}"
            path.write_bytes(body)
            return casework.import_parties(
                path, settings=settings, actor=key.actor, screen=screen, dry_run=dry_run
            )

    out = await run_in_threadpool(work)
    if out["error_count"]:
        first = out["errors"][0]
        return JSONResponse(
            status_code=422,
            content={
                "error": "input_error",
                "message": f"nothing imported: {out['error_count']} of {out['rows']} rows have "
                f"errors; first: row {first['row']}: {first['field']}: {first['message']}",
                "field": first["field"],
                "rows": out["errors"],
            },
        )
    return out


@router.get("", responses=_ERRORS)
async def list_parties(
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**9),
    tag: str | None = Query(None, max_length=200),
    _key: ApiKey = Depends(require_screener),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """A page of the register, by id (role: screener)."""

    def work() -> dict[str, Any]:
        store = casework.case_store(settings)
        parties = store.parties(limit=limit, offset=offset, tag=tag)
        return {"total": store.party_count(), "parties": [p.to_dict() for p in parties]}

    return await run_in_threadpool(work)


@router.get("/export", responses=_ERRORS)
async def export_parties(
    _key: ApiKey = Depends(require_screener),
    settings: Settings = Depends(get_settings),
) -> PlainTextResponse:
    """The whole register as JSONL (re-importable; role: screener)."""
    import json

    def work() -> str:
        lines = []
        for party in casework.case_store(settings).iter_parties():
            data = party.to_dict()
            data.pop("fingerprint")
            lines.append(json.dumps(data, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)

    return PlainTextResponse(await run_in_threadpool(work), media_type="application/x-ndjson")


@router.get("/{party_id}", responses=_ERRORS)
async def show_party(
    party_id: str = Path(..., max_length=200),
    _key: ApiKey = Depends(require_screener),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """One party and its alerts (role: screener)."""
    from prosper.cases.store import AlertFilter

    def work() -> dict[str, Any]:
        store = casework.case_store(settings)
        party = store.party(party_id).to_dict()
        alerts = store.alerts(AlertFilter(party_id=party_id, limit=1000))
        return {**party, "alerts": [a.to_dict() for a in alerts]}

    return await run_in_threadpool(work)


@router.post("/{party_id}/screen", responses=_ERRORS)
async def screen_party(
    party_id: str = Path(..., max_length=200),
    key: ApiKey = Depends(require_screener),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """Screen one registered party now; its hits become (or stay) alerts (role: screener)."""

    def work() -> dict[str, Any]:
        casework.case_store(settings).party(party_id)
        return casework.screen_registered([party_id], settings=settings, actor=key.actor)

    return await run_in_threadpool(work)
