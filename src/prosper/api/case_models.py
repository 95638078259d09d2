"""Request bodies of the case-management endpoints (``/v1/parties``, ``/v1/alerts``,
``/v1/webhooks``). Kept beside :mod:`prosper.api.models` so that the case routers own them;
strict like every body: unknown fields are refused (422 naming the field)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ReasonBody(_Body):
    """``POST /v1/alerts/{id}/escalate``: why (recorded in the audit log)."""

    reason: str = Field(min_length=1, max_length=2000)


class DecisionBody(_Body):
    """``POST /v1/alerts/{id}/decide``. The reviewer is the API key's holder, never a field."""

    decision: Literal["true_match", "false_positive"] = Field(alias="as")
    reason: str = Field(min_length=1, max_length=2000)

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class WebhookBody(_Body):
    """``POST /v1/webhooks``: a URL and the events it receives (default: all)."""

    url: str = Field(min_length=8, max_length=2000)
    events: list[str] = Field(default_factory=lambda: ["*"], max_length=10)
