"""``POST /v1/check`` and ``POST /v1/classify``: YAML or JSON documents in, decisions out.

The bodies are read by hand rather than declared as pydantic parameters so that the same
validator as the CLI's (:mod:`prosper.schema`) names the offending field, and so that a
YAML file can be posted as it is (``Content-Type: application/yaml``). The OpenAPI document
still describes them with the contract's schema. The body is read by :mod:`prosper.reader`,
the reader of the CLI too (YAML 1.2, no aliases, depth and size limits; a ``charset`` in the
``Content-Type`` names a body that is not UTF-8).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_screener
from prosper.api.backend import Backend
from prosper.api.bodies import parse_body
from prosper.api.deps import AppState, get_backend, get_state
from prosper.api.models import ClassifyResult, DecisionOut, ErrorBody
from prosper.keys import ApiKey
from prosper.reader import InputLimits
from prosper.values import parse_date

router = APIRouter(prefix="/v1", tags=["decisions"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 413, 422, 429, 503)
}
_AS_OF = "decide under the rules in force on this date (YYYY-MM-DD)"


def _body_schema(ref: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}},
                "application/yaml": {"schema": {"type": "string"}},
            },
        }
    }


async def read_document(request: Request, what: str, limits: InputLimits) -> dict[str, Any]:
    """The request body as a mapping, from JSON or (by content type) YAML."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "application/json")
    # Off the event loop: a 1 MiB YAML document takes a while to read.
    return await run_in_threadpool(parse_body, raw, content_type, what, limits)


@router.post(
    "/check",
    response_model=DecisionOut,
    responses=_ERRORS,
    openapi_extra=_body_schema("TransactionIn"),
)
async def check(
    request: Request,
    mode: Literal["enforced", "literal"] = Query("enforced", description="reading of the law"),
    as_of: str | None = Query(None, description=_AS_OF, max_length=10),
    key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Decide a transaction and record it in the audit log as made by this key (screener)."""
    when = parse_date(as_of, "as_of")
    check_body = getattr(backend, "check_body", None)
    if callable(check_body):  # the body read, sized and decided in a check worker if any
        raw = await request.body()
        content_type = request.headers.get("content-type", "application/json")
        result: dict[str, Any] = await run_in_threadpool(
            check_body, raw, content_type, mode=mode, as_of=when, actor=key.actor
        )
    else:
        from prosper.service import check_size  # the core is imported on first use

        doc = await read_document(request, "transaction", state.settings.input_limits)
        check_size(doc, state.settings.api_max_parties)
        result = await run_in_threadpool(backend.check, doc, mode=mode, as_of=when, actor=key.actor)
    state.metrics.decisions.labels(str(result.get("verdict")), mode).inc()
    return result


@router.post(
    "/classify",
    response_model=ClassifyResult,
    responses=_ERRORS,
    openapi_extra=_body_schema("ItemIn"),
)
async def classify(
    request: Request,
    as_of: str | None = Query(None, description=_AS_OF, max_length=10),
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Classify one item: TPP, performance density, 3A090/4A090/.z/4E091 (role: screener)."""
    when = parse_date(as_of, "as_of")
    doc = await read_document(request, "item", state.settings.input_limits)
    return await run_in_threadpool(backend.classify, doc, as_of=when)
