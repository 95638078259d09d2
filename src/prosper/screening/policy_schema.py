"""The strict pydantic models of the screening-policy table: what decides (and words the
error) when :func:`prosper.screening.policy.read_plain` is not sure of a value."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from prosper.errors import RulebookError
from prosper.model import ReviewPolicy
from prosper.screening.policy import VerdictName


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListRuleIn(_Strict):
    """How a hit on one list is decided."""

    regime: str
    rule_id: str
    citation: str
    url: str
    effective_from: date
    effective_to: date | None = None
    strong: VerdictName = "review"
    policy_from_row: bool = False
    expires_with_row: bool = False
    conditions: tuple[str, ...] = ()
    summary: str
    jurisdiction: tuple[str, ...] = ()
    jurisdiction_name: str | None = None
    outside_jurisdiction: VerdictName = "review"
    name_programs: bool = False


class NoMatchRuleIn(_Strict):
    """The finding for a party with no hit."""

    regime: str
    rule_id: str
    citation: str
    url: str
    effective_from: date
    summary: str


class FreshnessIn(_Strict):
    """How old each source may be (days) before screening against it is not a clean pass."""

    citation: str
    max_age_days: dict[str, int]


class ScreeningPolicyIn(_Strict):
    """The whole table of ``screening_policy.yaml``."""

    version: str
    policy_text: dict[str, ReviewPolicy]
    lists: dict[str, ListRuleIn]
    default: ListRuleIn
    no_match: NoMatchRuleIn
    freshness: FreshnessIn
    stale: NoMatchRuleIn
    custom: ListRuleIn | None = None


def validate_policy(raw: Any, where: str) -> ScreeningPolicyIn:
    """``raw`` validated strictly (unknown keys fail).

    Raises:
        RulebookError: ``where: <pydantic's message for the first error>``.
    """
    try:
        return ScreeningPolicyIn.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(f"{where}: {exc.errors()[0]['msg']}") from None
