"""``/v1/keys`` (role: admin) and ``GET /v1/whoami`` (any key)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, status
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_admin, require_screener
from prosper.api.deps import AppState, get_state
from prosper.api.models import ErrorBody, KeyCreate, KeyCreated, KeyOut, WhoAmI
from prosper.keys import ApiKey, Role

router = APIRouter(prefix="/v1", tags=["access"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 422, 429)
}


def key_to_dict(key: ApiKey) -> dict[str, Any]:
    """A key's public fields."""
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role.value,
        "created_at": key.created_at.isoformat(),
        "revoked_at": None if key.revoked_at is None else key.revoked_at.isoformat(),
    }


@router.get("/whoami", response_model=WhoAmI, responses=_ERRORS)
def whoami(key: ApiKey = Depends(require_screener)) -> dict[str, Any]:
    """The key this request was made with (the web page's log-in check)."""
    return {"id": key.id, "name": key.name, "role": key.role.value}


@router.get("/keys", response_model=list[KeyOut], responses=_ERRORS)
async def list_keys(
    _key: ApiKey = Depends(require_admin), state: AppState = Depends(get_state)
) -> list[dict[str, Any]]:
    """Every key (never its secret)."""
    return [key_to_dict(k) for k in await run_in_threadpool(state.keys.list)]


@router.post(
    "/keys", response_model=KeyCreated, status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
async def create_key(
    body: KeyCreate, _key: ApiKey = Depends(require_admin), state: AppState = Depends(get_state)
) -> dict[str, Any]:
    """Create a key; the response holds it once (it is stored only as a hash)."""
    new = await run_in_threadpool(state.keys.create, Role(body.role), body.name)
    return {**key_to_dict(new.key), "key": new.secret}


@router.delete(
    "/keys/{key_id}",
    response_model=KeyOut,
    responses={**_ERRORS, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def revoke_key(
    key_id: str = Path(min_length=1, max_length=16),
    _key: ApiKey = Depends(require_admin),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Revoke a key: it gets 401 from then on. 409 for the last active admin key."""
    revoked = await run_in_threadpool(state.keys.revoke, key_id)
    state.key_cache.forget(key_id)  # this server refuses it from the next request on
    return key_to_dict(revoked)
