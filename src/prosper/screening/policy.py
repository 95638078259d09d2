"""The screening-policy table (``rules/screening_policy.yaml``) as frozen values, read without
pydantic when it is certainly valid.

The table is packaged data read at every ``prosper check``; validating it with pydantic meant
importing pydantic (~0.1 s of CPU) for four small models. :func:`read_policy` reads it with
plain accept-only checks (each value exactly of its field's type, no unknown or missing key)
into the frozen dataclasses below; at the first value it is not sure of it hands the table to
the pydantic models of :mod:`prosper.screening.policy_schema`, whose error (or whose coerced
values) decide, as before. ``tests/screening/test_policy.py`` checks both readings equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Literal

from prosper.model import ReviewPolicy

VerdictName = Literal["prohibited", "license_required", "review"]
VERDICT_NAMES = ("prohibited", "license_required", "review")
# list code (= source) of a user's own watchlist, decided by the policy's ``custom`` row
CUSTOM_PREFIX = "custom_"


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRule:
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


@dataclass(frozen=True, slots=True, kw_only=True)
class NoMatchRule:
    """The finding for a party with no hit."""

    regime: str
    rule_id: str
    citation: str
    url: str
    effective_from: date
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Freshness:
    """How old each source may be (days) before screening against it is not a clean pass."""

    citation: str
    max_age_days: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreeningPolicy:
    """The whole table of ``screening_policy.yaml``."""

    version: str
    policy_text: dict[str, ReviewPolicy]
    lists: dict[str, ListRule]
    default: ListRule
    no_match: NoMatchRule
    freshness: Freshness
    stale: NoMatchRule
    custom: ListRule | None = None

    def rule_for(self, list_code: str) -> ListRule:
        """The rule for hits on ``list_code``: its own row; for a user's own watchlist
        (``custom_<name>``) the ``custom`` row, its rule id naming the list; else the default."""
        rule = self.lists.get(list_code)
        if rule is not None:
            return rule
        if list_code.startswith(CUSTOM_PREFIX) and self.custom is not None:
            name = list_code[len(CUSTOM_PREFIX) :]
            return replace(
                self.custom,
                rule_id=f"{self.custom.rule_id}.{name}",
                summary=f"{self.custom.summary} ({name})",
            )
        return self.default


class _DoubtError(Exception):
    """A value the plain reading is not sure of: pydantic decides."""


def _exact(kind: type) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if type(v) is not kind:  # not a subclass (bool for int, datetime for date)
            raise _DoubtError
        return v

    return check


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else check(v)


def _verdict(v: Any) -> str:
    if type(v) is not str or v not in VERDICT_NAMES:
        raise _DoubtError
    return v


def _texts(v: Any) -> tuple[str, ...]:
    if type(v) is not list or any(type(x) is not str for x in v):
        raise _DoubtError
    return tuple(v)


def _mapping(value: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    def check(v: Any) -> dict[str, Any]:
        if type(v) is not dict or any(type(k) is not str for k in v):
            raise _DoubtError
        return {k: value(x) for k, x in v.items()}

    return check


def _review_policy(v: Any) -> ReviewPolicy:
    if type(v) is not str or v not in {p.value for p in ReviewPolicy}:
        raise _DoubtError
    return ReviewPolicy(v)


_STR = _exact(str)
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "regime": _STR,
    "rule_id": _STR,
    "citation": _STR,
    "url": _STR,
    "effective_from": _exact(date),
    "effective_to": _optional(_exact(date)),
    "strong": _verdict,
    "policy_from_row": _exact(bool),
    "expires_with_row": _exact(bool),
    "conditions": _texts,
    "summary": _STR,
    "jurisdiction": _texts,
    "jurisdiction_name": _optional(_STR),
    "outside_jurisdiction": _verdict,
    "name_programs": _exact(bool),
    "max_age_days": _mapping(_exact(int)),
    "version": _STR,
    "policy_text": _mapping(_review_policy),
}


def _build(cls: type[Any], v: Any) -> Any:
    if type(v) is not dict:
        raise _DoubtError
    names = {f.name for f in fields(cls)}
    if not names >= v.keys():
        raise _DoubtError  # an unknown key
    try:
        return cls(**{k: _CHECKS[k](x) if k in _CHECKS else _NESTED[k](x) for k, x in v.items()})
    except TypeError:  # a required field missing
        raise _DoubtError from None


_NESTED: dict[str, Callable[[Any], Any]] = {
    "lists": _mapping(lambda v: _build(ListRule, v)),
    "default": lambda v: _build(ListRule, v),
    "custom": _optional(lambda v: _build(ListRule, v)),
    "no_match": lambda v: _build(NoMatchRule, v),
    "stale": lambda v: _build(NoMatchRule, v),
    "freshness": lambda v: _build(Freshness, v),
}


def read_plain(raw: Any) -> ScreeningPolicy | None:
    """The table read with plain checks, or None when pydantic must read it."""
    try:
        policy: ScreeningPolicy = _build(ScreeningPolicy, raw)
    except _DoubtError:
        return None
    return policy


def read_policy(raw: Any, where: str) -> ScreeningPolicy:
    """The validated table ``raw`` (decoded YAML).

    Raises:
        RulebookError: ``where``: pydantic's message for the first invalid value.
    """
    plain = read_plain(raw)
    if plain is not None:
        return plain
    from prosper.screening.policy_schema import validate_policy

    return from_validated(validate_policy(raw, where))


def from_validated(model: Any) -> ScreeningPolicy:
    """The frozen table from pydantic's validated model (``policy_schema.ScreeningPolicyIn``)."""

    def rule(r: Any) -> ListRule:
        return ListRule(**{f.name: getattr(r, f.name) for f in fields(ListRule)})

    def no_match(r: Any) -> NoMatchRule:
        return NoMatchRule(**{f.name: getattr(r, f.name) for f in fields(NoMatchRule)})

    return ScreeningPolicy(
        version=model.version,
        policy_text=dict(model.policy_text),
        lists={k: rule(v) for k, v in model.lists.items()},
        default=rule(model.default),
        no_match=no_match(model.no_match),
        freshness=Freshness(
            citation=model.freshness.citation, max_age_days=dict(model.freshness.max_age_days)
        ),
        stale=no_match(model.stale),
        custom=None if model.custom is None else rule(model.custom),
    )
