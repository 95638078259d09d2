"""``/v1/alerts`` (queue, one alert, escalate, decide, report) and ``/v1/webhooks``.

Roles: screener reads; reviewer escalates and decides; admin manages webhooks. The reviewer
recorded is the API key's holder (``key:<id>:<name>``) — never a field of the request — so a
reviewer cannot confirm their own four-eyes proposal under another name.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from prosper import casework
from prosper.api.auth import require_admin, require_reviewer, require_screener
from prosper.api.case_models import DecisionBody, ReasonBody, WebhookBody
from prosper.api.deps import get_settings
from prosper.api.models import ErrorBody
from prosper.errors import InputError
from prosper.keys import ApiKey
from prosper.settings import Settings

router = APIRouter(tags=["alerts"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422, 429)
}
STATES = ("open", "escalated", "pending", "true_match", "false_positive", "closed")


@router.get("/v1/alerts", responses=_ERRORS)
async def list_alerts(
    state: str | None = Query(None, description="open, escalated, pending, true_match, …"),
    source: str | None = Query(None, alias="list", max_length=40),
    min_score: float | None = Query(None, ge=0.0, le=1.5),
    older_than_days: int | None = Query(None, ge=0, le=36500),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**9),
    _key: ApiKey = Depends(require_screener),
    settings: Settings = Depends(get_settings),
) -> list[dict[str, Any]]:
    """The alert queue, newest first (role: screener)."""
    from prosper.cases.model import AlertState
    from prosper.cases.store import AlertFilter

    if state is not None and state not in STATES:
        raise InputError(f"unknown state {state!r} ({', '.join(STATES)})", field="state")
    older = None
    if older_than_days is not None:
        older = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
    where = AlertFilter(
        state=None if state is None else AlertState(state),
        source=source,
        min_score=min_score,
        older_than=older,
        limit=limit,
        offset=offset,
    )

    def work() -> list[dict[str, Any]]:
        return [a.to_dict() for a in casework.case_store(settings).alerts(where)]

    return await run_in_threadpool(work)


@router.get("/v1/alerts/report", responses=_ERRORS, response_model=None)
async def alerts_report(
    start: str | None = Query(None, alias="from", description="ISO date (default 30 days ago)"),
    end: str | None = Query(None, alias="to", description="ISO date, exclusive (default now)"),
    format: str = Query("json", description="json or csv"),
    _key: ApiKey = Depends(require_reviewer),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any] | PlainTextResponse:
    """Counts by state, list and reviewer; time to decision; open by age (role: reviewer)."""
    from prosper.cases.reports import build_report, report_csv

    if format not in ("json", "csv"):
        raise InputError("must be json or csv", field="format")
    today = datetime.now(UTC)
    lo = _when(start, "from", today - timedelta(days=30))
    hi = _when(end, "to", today + timedelta(seconds=1))

    def work() -> dict[str, Any]:
        store = casework.case_store(settings)
        return build_report(store.all_alerts(), store.events(), lo, hi, today)

    report = await run_in_threadpool(work)
    if format == "csv":
        return PlainTextResponse(report_csv(report), media_type="text/csv")
    return report


def _when(value: str | None, field: str, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"not an ISO date or time: {value!r}", field=field) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@router.get("/v1/alerts/{alert_id}", responses=_ERRORS)
async def show_alert(
    alert_id: int = Path(..., ge=1, le=2**62),
    _key: ApiKey = Depends(require_screener),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """One alert: party beside list entry, explanation, decision history (role: screener)."""
    return await run_in_threadpool(casework.alert_detail, alert_id, settings)


@router.post("/v1/alerts/{alert_id}/escalate", responses=_ERRORS)
async def escalate_alert(
    body: ReasonBody,
    alert_id: int = Path(..., ge=1, le=2**62),
    key: ApiKey = Depends(require_reviewer),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """``open`` → ``escalated`` (role: reviewer)."""
    return await run_in_threadpool(
        lambda: casework.escalate_alert(
            alert_id, reason=body.reason, actor=key.actor, settings=settings
        )
    )


@router.post("/v1/alerts/{alert_id}/decide", responses=_ERRORS)
async def decide_alert(
    body: DecisionBody,
    alert_id: int = Path(..., ge=1, le=2**62),
    key: ApiKey = Depends(require_reviewer),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """Decide ``true_match`` / ``false_positive`` (role: reviewer; four-eyes: a true match and
    the clearing of a sanctions-list alert need a second key holder)."""
    return await run_in_threadpool(
        lambda: casework.decide_alert(
            alert_id,
            decision=body.decision,
            reason=body.reason,
            actor=key.actor,
            settings=settings,
        )
    )


@router.get("/v1/webhooks", responses=_ERRORS)
async def list_webhooks(
    _key: ApiKey = Depends(require_admin), settings: Settings = Depends(get_settings)
) -> list[dict[str, Any]]:
    """Subscriptions, secrets hidden (role: admin)."""
    hooks = await run_in_threadpool(casework.case_store(settings).webhooks)
    return [{k: v for k, v in h.items() if k != "secret"} for h in hooks]


@router.post("/v1/webhooks", responses=_ERRORS, status_code=201)
async def add_webhook(
    body: WebhookBody,
    _key: ApiKey = Depends(require_admin),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """Subscribe a URL; the answer holds its signing secret, shown once (role: admin)."""
    from prosper.cases.webhooks import check_events, check_url, new_secret

    url, events, secret = check_url(body.url), check_events(body.events), new_secret()
    hook_id = await run_in_threadpool(
        casework.case_store(settings).add_webhook, url, events, secret
    )
    return {"id": hook_id, "url": url, "events": events, "secret": secret}


@router.post("/v1/webhooks/{hook_id}/test", responses=_ERRORS)
async def send_test_webhook(
    hook_id: int = Path(..., ge=1, le=2**62),
    _key: ApiKey = Depends(require_admin),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """Send a signed ``webhook.test`` event now (role: admin)."""
    from prosper.cases.webhooks import TEST_EVENT, Dispatcher
    from prosper.errors import NotFoundError

    store = casework.case_store(settings)
    hooks = [h for h in store.webhooks() if h["id"] == hook_id]
    if not hooks:
        raise NotFoundError(f"no webhook {hook_id}", field="hook_id")
    out = await run_in_threadpool(Dispatcher(store).deliver, hooks[0], TEST_EVENT, {"sample": True})
    return out.to_dict()
