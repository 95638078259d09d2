"""OpenRefine reconciliation (Reconciliation Service API v0.2): ``/reconcile/{dataset}``.

* ``GET /reconcile/{dataset}`` without parameters: the service manifest (no key needed, as the
  protocol asks);
* ``GET /reconcile/{dataset}?queries=…`` or ``POST`` with the form field ``queries`` (or a
  JSON body ``{"queries": …}``): a reconciliation result batch;
* ``GET …/suggest/entity|type|property?prefix=…&cursor=…``: suggest responses;
* ``GET …/preview?id=…``: a small HTML summary of an entity.

``dataset`` is ``default`` (every loaded list) or a source id; ``/reconcile`` is ``default``.
Everything but the manifest needs a screener key: ``X-API-Key``, ``Authorization: Bearer`` /
``ApiKey``, or — what OpenRefine can send, declared in the manifest's ``authentication`` —
the query parameter ``api_key`` (the access log never records query strings). Responses carry
``Access-Control-Allow-Origin: *`` (the protocol requires CORS).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Query, Request, Security
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import api_key_header, bearer
from prosper.api.deps import AppState, get_state
from prosper.api.errors import ApiError
from prosper.api.models import ErrorBody
from prosper.api.routers.yente import (
    authorization_header,
    find_entity,
    get_engine,
    require_key,
    screen_names,
)
from prosper.engine import Engine
from prosper.keys import ApiKey

router = APIRouter(tags=["reconciliation"])

_CORS = {"Access-Control-Allow-Origin": "*"}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 413, 422, 429)
}
_api_key_query = APIKeyQuery(
    name="api_key", auto_error=False, description="OpenRefine: the API key as a query parameter."
)


def reconcile_key(
    request: Request,
    state: AppState = Depends(get_state),
    header_key: str | None = Security(api_key_header),
    bearer_key: HTTPAuthorizationCredentials | None = Security(bearer),
    authorization: str | None = Security(authorization_header),
    query_key: str | None = Security(_api_key_query),
) -> ApiKey:
    """The screener check of the yente routes, also reading ``?api_key=``."""
    return require_key(request, state, header_key or query_key, bearer_key, authorization)


def _base(request: Request, dataset: str) -> str:
    return str(request.base_url).rstrip("/") + f"/reconcile/{dataset}"


def _json(doc: Any) -> JSONResponse:
    return JSONResponse(doc, headers=_CORS)


def _parse_batch(text: str) -> dict[str, Any]:
    try:
        batch = json.loads(text)
    except ValueError as exc:
        raise ApiError(422, "invalid", f"not JSON: {exc}", field="queries") from None
    if not isinstance(batch, dict):
        raise ApiError(422, "invalid", "must be an object of queries", field="queries")
    return batch


def _reconcile(engine: Engine, dataset: str, batch: dict[str, Any]) -> dict[str, Any]:
    from prosper.interop.reconcile import MAX_QUERIES, candidates, read_query
    from prosper.interop.yente import dataset_sources

    if len(batch) > MAX_QUERIES:
        raise ApiError(413, "too_large", f"at most {MAX_QUERIES} queries", field="queries")
    sources = dataset_sources(dataset, engine.snapshot.sources)
    read = {key: read_query(key, raw) for key, raw in batch.items()}
    out: dict[str, Any] = {}
    for key, (example, limit) in read.items():
        query = replace(example.query, sources=sources)
        hits = screen_names(engine, example.names, query, min(engine.threshold, 0.5))
        out[key] = {"result": candidates(hits, limit, engine.threshold)}
    return out


@router.get("/reconcile", responses=_ERRORS, include_in_schema=False)
async def reconcile_default(
    request: Request, queries: str | None = Query(None, max_length=200_000)
) -> JSONResponse:
    """``/reconcile`` is ``/reconcile/default``."""
    if queries is None:
        from prosper.interop.reconcile import manifest

        return _json(manifest(_base(request, "default"), "Prosper restricted-party lists"))
    _key_of(request)
    engine = _engine_of(request)
    return _json(await run_in_threadpool(_reconcile, engine, "default", _parse_batch(queries)))


def _key_of(request: Request) -> ApiKey:
    """Run the key check for a route that must answer the manifest without one."""
    state: AppState = request.app.state.prosper
    header = request.headers.get("x-api-key") or request.query_params.get("api_key")
    auth = request.headers.get("authorization")
    bearer_cred = None
    if auth is not None and auth.lower().startswith("bearer "):
        bearer_cred = HTTPAuthorizationCredentials(scheme="Bearer", credentials=auth[7:].strip())
    return require_key(request, state, header, bearer_cred, auth)


def _engine_of(request: Request) -> Engine:
    override = request.app.dependency_overrides.get(get_engine)
    if override is not None:
        engine: Engine = override()
        return engine
    return get_engine(request.app.state.prosper)


@router.get("/reconcile/{dataset}", responses=_ERRORS)
async def reconcile_get(
    request: Request,
    dataset: str = Path(..., description="`default` (every list) or a source id"),
    queries: str | None = Query(None, max_length=200_000, description="a query batch (JSON)"),
) -> JSONResponse:
    """The service manifest (no parameters; no key needed) or the results of ``queries``."""
    from prosper.interop.reconcile import manifest
    from prosper.interop.yente import dataset_sources

    if queries is None:
        engine = _engine_of(request)
        dataset_sources(dataset, engine.snapshot.sources)  # 404 for an unknown dataset
        return _json(manifest(_base(request, dataset), f"Prosper lists: {dataset}"))
    _key_of(request)
    engine = _engine_of(request)
    return _json(await run_in_threadpool(_reconcile, engine, dataset, _parse_batch(queries)))


@router.post("/reconcile/{dataset}", responses=_ERRORS)
async def reconcile_post(
    request: Request,
    dataset: str = Path(..., description="`default` (every list) or a source id"),
    key: ApiKey = Depends(reconcile_key),
    engine: Engine = Depends(get_engine),
) -> JSONResponse:
    """A reconciliation query batch in the form field ``queries``
    (``application/x-www-form-urlencoded``, as OpenRefine sends it) or as a JSON body
    ``{"queries": {...}}`` → the result batch."""
    del key
    body = (await request.body()).decode("utf-8", errors="replace")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        doc = _parse_batch(body)
        batch = doc.get("queries", doc)
        if not isinstance(batch, dict):
            raise ApiError(422, "invalid", "must be an object of queries", field="queries")
    else:
        fields = parse_qs(body, keep_blank_values=True)
        if "queries" not in fields:
            raise ApiError(422, "invalid", "the form field queries is missing", field="queries")
        batch = _parse_batch(fields["queries"][0])
    return _json(await run_in_threadpool(_reconcile, engine, dataset, batch))


@router.get("/reconcile/{dataset}/suggest/entity", responses=_ERRORS)
def suggest_entity(
    dataset: str = Path(...),
    prefix: str = Query(..., max_length=300),
    cursor: int = Query(0, ge=0, le=10_000),
    key: ApiKey = Depends(reconcile_key),
    engine: Engine = Depends(get_engine),
) -> JSONResponse:
    """Entities whose name starts with ``prefix`` (or whose id it is)."""
    from prosper.interop.reconcile import suggest_entities
    from prosper.interop.yente import dataset_sources

    del key
    sources = set(dataset_sources(dataset, engine.snapshot.sources))
    entities = (e for e in engine.snapshot.entities if e.source in sources)
    return _json({"result": suggest_entities(entities, prefix, cursor)})


@router.get("/reconcile/{dataset}/suggest/type", responses=_ERRORS)
def suggest_type(
    dataset: str = Path(...),
    prefix: str = Query("", max_length=300),
    key: ApiKey = Depends(reconcile_key),
) -> JSONResponse:
    """Types (FtM schemata) whose name starts with ``prefix``."""
    from prosper.interop.reconcile import suggest_types

    del key, dataset
    return _json({"result": suggest_types(prefix)})


@router.get("/reconcile/{dataset}/suggest/property", responses=_ERRORS)
def suggest_property(
    dataset: str = Path(...),
    prefix: str = Query("", max_length=300),
    key: ApiKey = Depends(reconcile_key),
) -> JSONResponse:
    """Property ids (country, birthDate, registrationNumber …) starting with ``prefix``."""
    from prosper.interop.reconcile import suggest_properties

    del key, dataset
    return _json({"result": suggest_properties(prefix)})


@router.get("/reconcile/{dataset}/preview", response_class=HTMLResponse, responses=_ERRORS)
def preview(
    dataset: str = Path(...),
    id: str = Query(..., max_length=300, description="an entity id from a candidate"),
    key: ApiKey = Depends(reconcile_key),
    engine: Engine = Depends(get_engine),
) -> HTMLResponse:
    """A small HTML summary of the entity, for OpenRefine's preview pane."""
    from prosper.interop.reconcile import preview_html

    del key, dataset
    entity = find_entity(engine, id)
    info = engine.snapshot.source(entity.source)
    label = entity.source if info is None else info.label
    return HTMLResponse(preview_html(entity, label), headers=_CORS)
