"""``POST /v1/check`` and ``POST /v1/classify``: YAML or JSON documents in, decisions out.

The bodies are read by hand rather than declared as pydantic parameters so that the same
validator as the CLI's (:mod:`prosper.schema`) names the offending field, and so that a
YAML file can be posted as it is (``Content-Type: application/yaml``). The OpenAPI document
still describes them with the contract's schema.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

import yaml
from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from prosper.api.auth import require_screener
from prosper.api.backend import Backend
from prosper.api.deps import AppState, get_backend, get_state
from prosper.api.models import ClassifyResult, DecisionOut, ErrorBody
from prosper.errors import InputError
from prosper.keys import ApiKey

router = APIRouter(prefix="/v1", tags=["decisions"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 413, 422, 429)
}
_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


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


async def read_document(request: Request, what: str) -> dict[str, Any]:
    """The request body as a mapping, from JSON or (by content type) YAML."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if not raw.strip():
        raise InputError(f"empty body: send the {what} as JSON or YAML", field="body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("body is not UTF-8 text", field="body") from None
    try:
        is_yaml = content_type.lower() in _YAML_TYPES
        doc = yaml.safe_load(text) if is_yaml else json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc}", field="body") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise InputError(f"invalid YAML: {first}", field="body") from None
    if not isinstance(doc, dict):
        raise InputError(f"the {what} must be a JSON object / YAML mapping", field="body")
    return doc


@router.post(
    "/check",
    response_model=DecisionOut,
    responses=_ERRORS,
    openapi_extra=_body_schema("TransactionIn"),
)
async def check(
    request: Request,
    mode: Literal["enforced", "literal"] = Query("enforced", description="reading of the law"),
    as_of: date | None = Query(None, description="decide under the rules in force on this date"),
    key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
    state: AppState = Depends(get_state),
) -> dict[str, Any]:
    """Decide a transaction and record it in the audit log as made by this key (screener)."""
    doc = await read_document(request, "transaction")
    result = await run_in_threadpool(backend.check, doc, mode=mode, as_of=as_of, actor=key.actor)
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
    as_of: date | None = Query(None, description="classify under the rules of this date"),
    _key: ApiKey = Depends(require_screener),
    backend: Backend = Depends(get_backend),
) -> dict[str, Any]:
    """Classify one item: TPP, performance density, 3A090/4A090/.z/4E091 (role: screener)."""
    doc = await read_document(request, "item")
    return await run_in_threadpool(backend.classify, doc, as_of=as_of)
