"""Strict loading of the manifest, rule files, case files and reference tables.

Pydantic models (``extra="forbid"``) check the YAML at the edge; every error is a
:class:`~prosper.errors.RulebookError` naming the file, the rule or case id and the field,
e.g. ``us_ear.yaml: rule us-ear.746.embargo: effective_from: not a date 'yesterday'``.

YAML is read with a YAML-1.2-style boolean resolver: only ``true`` / ``false`` are booleans,
so a country code like ``NO`` (Norway) or a key like ``on`` stays a string.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from prosper.errors import RulebookError
from prosper.model import ReviewPolicy, Verdict
from prosper.rulebook.grammar import (
    OPERATORS,
    READINGS,
    REGIMES,
    STATUSES,
    AllOf,
    AnyOf,
    Case,
    CaseExpectation,
    Citation,
    Condition,
    Leaf,
    NotOf,
    Outcome,
    Rule,
    Table,
)
from prosper.rulebook.yamlcache import cached_parse

RULE_ID = r"^[a-z0-9][a-z0-9._\-]*$"


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parser when available


class _Loader(_Base):  # type: ignore[misc]
    """SafeLoader whose booleans are only ``true`` / ``false`` (YAML 1.2 core schema).

    Timestamps are not resolved either: dates arrive as strings and are checked by the models,
    so ``2026-13-01`` is an error naming the field rather than a YAML crash.
    """


_DROPPED = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _parse(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass


def read_yaml(path: Path) -> Any:
    """Parse ``path`` with the strict loader; a syntax error names the file. Inside
    :func:`prosper.rulebook.yamlcache.yaml_cache` the parsed value is cached by content."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulebookError(f"cannot read: {exc.strerror}", field=str(path)) from None
    try:
        return cached_parse(text, _parse)
    except yaml.YAMLError as exc:
        raise RulebookError(f"not valid YAML: {exc}", field=path.name) from None


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"a date without a time is expected, got {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not a date {value!r} (use YYYY-MM-DD)") from None
    raise ValueError(f"not a date {value!r} (use YYYY-MM-DD)")


StrictDate = Annotated[date, BeforeValidator(_to_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationIn(_Strict):
    source: str = Field(min_length=1)
    section: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")


class OutcomeIn(_Strict):
    verdict: Verdict
    summary: str | None = None
    review_policy: ReviewPolicy | None = None
    license_exception: str | None = None
    conditions: list[str] = Field(default_factory=list)
    basis: str | None = None
    missing_facts: list[str] = Field(default_factory=list)


class RuleIn(_Strict):
    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=1)
    regime: Literal[REGIMES]  # type: ignore[valid-type]
    citation: CitationIn
    effective_from: StrictDate
    effective_to: StrictDate | None = None
    status: Literal[tuple(STATUSES)]  # type: ignore[valid-type]
    when: Any = None
    requires: list[str] = Field(default_factory=list)
    on_unknown: Literal["review", "skip"] = "review"
    then: OutcomeIn
    rationale: str = Field(min_length=1)
    evidence: str | None = None


class RuleFileIn(_Strict):
    description: str | None = None
    definitions: dict[str, Any] | None = None  # YAML anchors shared by rules; not read
    rules: list[dict[str, Any]]


class ExpectIn(_Strict):
    rules: list[str]
    verdict: Verdict | None = None
    review_policy: ReviewPolicy | None = None
    license_exception: str | None = None
    missing_facts: list[str] = Field(default_factory=list)


class CaseIn(_Strict):
    id: str = Field(pattern=RULE_ID)
    description: str = ""
    regime: Literal[REGIMES]  # type: ignore[valid-type]
    as_of: StrictDate
    reading: Literal["enforced", "literal", "both"] = "both"
    facts: dict[str, Any]
    expect: ExpectIn


class CaseFileIn(_Strict):
    description: str | None = None
    definitions: dict[str, Any] | None = None  # YAML anchors shared by cases; not read
    cases: list[dict[str, Any]]


class ManifestIn(_Strict):
    id: str = Field(pattern=RULE_ID)
    version: str = Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")
    description: str | None = None
    rule_files: list[str] = Field(min_length=1)
    tables: dict[str, str] = Field(default_factory=dict)


class TableIn(_Strict):
    name: str
    title: str
    provenance: dict[str, Any]
    data: Any


def _pydantic_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def _where(file: str, kind: str, ident: Any) -> str:
    return f"{file}: {kind} {ident}" if ident else file


def parse_condition(raw: Any, where: str, path: str = "when") -> Condition:
    """Parse one condition tree from YAML data; errors name ``where`` and the path."""
    if not isinstance(raw, dict):
        raise RulebookError(f"{path}: a condition must be a mapping, got {raw!r}", field=where)
    keys = set(raw)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise RulebookError(f"{path}: '{combinator}' stands alone", field=where)
            items = raw[combinator]
            if not isinstance(items, list) or not items:
                raise RulebookError(f"{path}.{combinator}: a non-empty list", field=where)
            parsed = tuple(
                parse_condition(c, where, f"{path}.{combinator}[{i}]") for i, c in enumerate(items)
            )
            return AllOf(parsed) if combinator == "all" else AnyOf(parsed)
    if "not" in keys:
        if keys != {"not"}:
            raise RulebookError(f"{path}: 'not' stands alone", field=where)
        return NotOf(parse_condition(raw["not"], where, f"{path}.not"))
    if "fact" not in keys:
        raise RulebookError(
            f"{path}: expected all/any/not or fact + operator, got keys {sorted(keys)}",
            field=where,
        )
    fact = raw["fact"]
    if not isinstance(fact, str) or not fact:
        raise RulebookError(f"{path}.fact: a fact name", field=where)
    ops = keys - {"fact"}
    unknown = ops - set(OPERATORS)
    if unknown:
        raise RulebookError(f"{path}: unknown operator {sorted(unknown)[0]!r}", field=where)
    if len(ops) != 1:
        raise RulebookError(
            f"{path}: exactly one operator per leaf, got {sorted(ops)}", field=where
        )
    (op,) = ops
    value = raw[op]
    if op in ("in", "not_in", "intersects") and not isinstance(value, list):
        raise RulebookError(f"{path}.{op}: a list", field=where)
    if op in ("gt", "gte", "lt", "lte") and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise RulebookError(f"{path}.{op}: a number, got {value!r}", field=where)
    if op in ("present", "missing") and value is not True:
        raise RulebookError(f"{path}.{op}: must be true", field=where)
    if isinstance(value, list):
        value = tuple(value)
    return Leaf(fact=fact, op=op, value=value)


def parse_rule(raw: Any, file: str) -> Rule:
    """Validate one rule mapping from ``file``."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    where = _where(file, "rule", ident)
    try:
        rin = RuleIn.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(_pydantic_message(exc), field=where) from None
    if rin.effective_to is not None and rin.effective_to < rin.effective_from:
        raise RulebookError("effective_to is before effective_from", field=where)
    when = None if rin.when is None else parse_condition(rin.when, where)
    out = rin.then
    return Rule(
        id=rin.id,
        title=rin.title,
        regime=rin.regime,
        citation=Citation(rin.citation.source, rin.citation.section, rin.citation.url),
        effective_from=rin.effective_from,
        effective_to=rin.effective_to,
        status=rin.status,
        when=when,
        requires=tuple(rin.requires),
        on_unknown=rin.on_unknown,
        then=Outcome(
            verdict=out.verdict,
            summary=out.summary,
            review_policy=out.review_policy,
            license_exception=out.license_exception,
            conditions=tuple(out.conditions),
            basis=out.basis,
            missing_facts=tuple(out.missing_facts),
        ),
        rationale=rin.rationale.strip(),
        evidence=rin.evidence,
        file=file,
    )


def load_rule_file(path: Path) -> tuple[Rule, ...]:
    """All rules of one rule file, in file order."""
    raw = read_yaml(path)
    try:
        body = RuleFileIn.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(_pydantic_message(exc), field=path.name) from None
    return tuple(parse_rule(r, path.name) for r in body.rules)


def load_case_file(path: Path) -> tuple[Case, ...]:
    """All cases of one ``*.cases.yaml`` file, in file order."""
    raw = read_yaml(path)
    try:
        body = CaseFileIn.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(_pydantic_message(exc), field=path.name) from None
    cases = []
    for item in body.cases:
        ident = item.get("id") if isinstance(item, dict) else None
        try:
            cin = CaseIn.model_validate(item)
        except ValidationError as exc:
            raise RulebookError(
                _pydantic_message(exc), field=_where(path.name, "case", ident)
            ) from None
        exp = cin.expect
        readings = READINGS if cin.reading == "both" else (cin.reading,)
        cases.append(
            Case(
                id=cin.id,
                regime=cin.regime,
                as_of=cin.as_of,
                readings=readings,
                facts=dict(cin.facts),
                expect=CaseExpectation(
                    rules=tuple(exp.rules),
                    verdict=exp.verdict,
                    review_policy=exp.review_policy,
                    license_exception=exp.license_exception,
                    missing_facts=tuple(exp.missing_facts),
                ),
                description=cin.description,
                file=path.name,
            )
        )
    return tuple(cases)


def load_table(path: Path, name: str) -> Table:
    """One reference table file (``name``, ``title``, ``provenance``, ``data``)."""
    raw = read_yaml(path)
    try:
        tin = TableIn.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(_pydantic_message(exc), field=path.name) from None
    if tin.name != name:
        raise RulebookError(f"name is {tin.name!r}, the manifest says {name!r}", field=path.name)
    return Table(
        name=tin.name, title=tin.title, provenance=tin.provenance, data=tin.data, file=path.name
    )


def load_manifest(path: Path) -> ManifestIn:
    """The validated manifest at ``path``."""
    raw = read_yaml(path)
    try:
        return ManifestIn.model_validate(raw)
    except ValidationError as exc:
        raise RulebookError(_pydantic_message(exc), field=path.name) from None


def content_digest(paths: list[Path]) -> str:
    """``sha256:<hex>`` over the bytes of ``paths`` concatenated in order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return "sha256:" + h.hexdigest()
