"""Request and response bodies of the HTTP API, in the interface contract's JSON shapes.

Requests forbid unknown fields (a typo is a 422 naming the field, not a silent default) and
are strict like the transaction schema: ``true`` is not a number, ``"5"`` is not an integer;
countries and dates of birth are checked by the same functions as the CLI's.
Responses allow extra fields: the core may add keys to its JSON (the contract says *extend,
do not rename*), and the API passes them through rather than dropping them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from prosper.schema import Country
from prosper.values import check_dob

EntityTypeName = Literal["person", "organization", "vessel", "aircraft"]
Mode = Literal["enforced", "literal"]
CountryCode = Country
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class _Response(BaseModel):
    model_config = ConfigDict(extra="allow")


# --------------------------------------------------------------------------- errors


class ErrorBody(_Response):
    """Every error response: what went wrong and, for bad input, which field."""

    error: str = Field(description="kind of error, e.g. `input_error`, `unauthorized`")
    message: str
    field: str | None = Field(None, description="the offending field, e.g. `parties[0].country`")


# --------------------------------------------------------------------------- screening


class ScreenQuery(_Request):
    """One name to screen, with the qualifiers that raise or lower a match."""

    name: Name = Field(examples=["Korea Kwangson Banking Corp"])
    type: EntityTypeName | None = None
    countries: list[CountryCode] = Field(default_factory=list, max_length=20)
    dob: Annotated[str, StringConstraints(max_length=20), AfterValidator(check_dob)] | None = Field(
        None, description="date of birth, YYYY, YYYY-MM or YYYY-MM-DD"
    )
    ids: list[ShortText] = Field(default_factory=list, max_length=20)
    gender: Literal["male", "female"] | None = Field(
        None, description="a mismatch with the listed gender lowers the score"
    )
    sources: list[ShortText] = Field(
        default_factory=list, max_length=20, description="restrict to these list sources"
    )


class ScreenRequest(ScreenQuery):
    """``POST /v1/screen``: a query plus the threshold and the number of hits wanted."""

    threshold: float | None = Field(None, ge=0.0, le=1.0, description="default: server setting")
    limit: int = Field(10, ge=1, le=100)


class ListVersion(_Response):
    """A list snapshot a result was computed against."""

    source: str
    version: str | None = None
    published: str | None = None


class ExplanationItem(_Response):
    """One scored feature behind a hit."""

    feature: str
    score: float
    detail: str


class HitOut(_Response):
    """A list entity that matched, with its score and explanation."""

    entity_id: str
    source: str
    name: str
    matched_name: str | None = None
    score: float
    match: bool
    type: str | None = None
    programs: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    explanation: list[ExplanationItem] = Field(default_factory=list)


class ScreenResult(_Response):
    """The contract's screening result (``prosper screen --json``)."""

    query: dict[str, Any]
    threshold: float
    lists: list[ListVersion]
    hits: list[HitOut]


class BatchRequest(_Request):
    """``POST /v1/screen/batch``: many queries screened by a background job."""

    queries: list[ScreenQuery] = Field(min_length=1)
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(5, ge=1, le=100)


JobStatus = Literal["queued", "running", "done", "failed"]


class BatchJob(_Response):
    """A batch job: its progress and, once ``done``, one screening result per query."""

    job_id: str
    status: JobStatus
    total: int
    completed: int
    created_at: str
    finished_at: str | None = None
    error: str | None = None
    results: list[ScreenResult] | None = None


# --------------------------------------------------------------------------- match / classify


class MatchRequest(_Request):
    """``POST /v1/match``: score one pair of names."""

    name1: Name = Field(examples=["김정은"])
    name2: Name = Field(examples=["KIM Jong Un"])
    type: EntityTypeName | None = None
    threshold: float | None = Field(None, ge=0.0, le=1.0)


class MatchResult(_Response):
    """The score of a pair, whether it is a match at the threshold, and why."""

    name1: str
    name2: str
    type: str | None = None
    score: float
    match: bool
    threshold: float
    explanation: list[ExplanationItem]


class ClassifyResult(_Response):
    """``POST /v1/classify``: item parameters → TPP, density, classification per regime."""


# --------------------------------------------------------------------------- check


class FindingOut(_Response):
    """One reason in a decision, with its rule and citation."""

    area: str
    regime: str
    verdict: str
    subject: str | None = None
    rule_id: str | None = None
    citation: str | None = None
    summary: str | None = None
    review_policy: str | None = None
    conditions: list[str] = Field(default_factory=list)


class AuditRef(_Response):
    """Where a decision was recorded."""

    record_id: int | str
    hash: str


class DecisionOut(_Response):
    """The contract's decision (``prosper check --json``) with its audit record."""

    id: str | None = None
    verdict: str
    as_of: str
    mode: Mode
    findings: list[FindingOut]
    parties: list[dict[str, Any]] = Field(default_factory=list)
    items: list[dict[str, Any]] = Field(default_factory=list)
    data_transfers: list[dict[str, Any]] = Field(default_factory=list)
    divergence: dict[str, Any] | None = None
    versions: dict[str, Any] = Field(default_factory=dict)
    audit: AuditRef | None = None


# --------------------------------------------------------------------------- lists / rules / audit


class ListSource(_Response):
    """One installed list snapshot and how old it is."""

    source: str
    label: str | None = None
    published: str | None = None
    version: str | None = None
    entity_count: int | None = None
    age_days: int | None = Field(None, description="days since `published`")
    refresh: dict[str, Any] | None = Field(
        None, description="the last update of this source: `{at, result, ok, message}`"
    )


class ListsOut(_Response):
    """``GET /v1/lists``."""

    sources: list[ListSource]


class ListsUpdate(_Request):
    """``POST /v1/lists/update`` (admin): official files to install, as on the command line."""

    from_: list[Annotated[str, StringConstraints(min_length=1, max_length=2000)]] = Field(
        default_factory=list,
        alias="from",
        max_length=20,
        description="folders, files or URLs of official list files (`lists update --from`); "
        "empty or absent: every source from its official URL",
    )
    allow_older: bool = Field(False, description="`--allow-older`: older or undated data")
    allow_shrink: bool = Field(False, description="`--allow-shrink`: drops more entities")
    allow_duplicates: bool = Field(False, description="`--allow-duplicates`: a repeated id")
    allow_partial: bool = Field(False, description="`--allow-partial`: e.g. sdn.csv alone")


class ListsUpdated(_Response):
    """What an update installed: new versions, per-source deltas and skipped rows."""

    snapshot: str | None
    installed: bool = True
    updated: list[str]
    skipped: list[str] = Field(default_factory=list)
    refused: list[str] = Field(
        default_factory=list, description="official refresh: sources refused, one line each"
    )
    failed: list[str] = Field(
        default_factory=list, description="official refresh: sources not obtained, one line each"
    )
    versions: dict[str, str]
    problem_counts: dict[str, int] = Field(default_factory=dict)
    delta: list[dict[str, Any]] = Field(default_factory=list)


class RulesOut(_Response):
    """``GET /v1/rules``: the rulebook's identity and its rules in force."""

    id: str
    version: str
    digest: str
    as_of: str | None = None
    rules: list[dict[str, Any]] = Field(default_factory=list)


class AuditRecordOut(_Response):
    """One audit record: inputs, decision, versions and its place in the hash chain."""

    id: int | str


class AuditPage(_Response):
    """``GET /v1/audit``: newest records first."""

    records: list[AuditRecordOut]
    limit: int
    offset: int
    integrity: dict[str, Any] | None = Field(
        None, description="{ok, problems}: the page and the log's tail check out (else a banner)"
    )


class VerifyProblem(_Response):
    """Where the chain breaks: a record (None for the log as a whole) and what is wrong."""

    record_id: int | None = None
    reason: str


class VerifyOut(_Response):
    """``POST /v1/audit/verify``: does the hash chain hold?"""

    ok: bool
    checked: int
    signed: int = 0
    unsigned: int = Field(0, description="records written before signing existed (legacy)")
    problems: list[VerifyProblem] = Field(default_factory=list)
    head: dict[str, Any] | None = Field(
        None, description="the head checkpoint {id, hash}: copy it elsewhere to prove no rewrite"
    )


# --------------------------------------------------------------------------- keys


class KeyCreate(_Request):
    """``POST /v1/keys`` (admin)."""

    role: Literal["screener", "reviewer", "admin"]
    name: Annotated[str, StringConstraints(max_length=200)] | None = None


class KeyOut(_Response):
    """A stored key (never its secret)."""

    id: str
    name: str
    role: str
    created_at: str
    revoked_at: str | None = None


class KeyCreated(KeyOut):
    """A new key: ``key`` is shown once."""

    key: str


class WhoAmI(_Response):
    """``GET /v1/whoami``: the key a request was made with."""

    id: str
    name: str
    role: str


__all__ = [
    "AuditPage",
    "AuditRecordOut",
    "AuditRef",
    "BatchJob",
    "BatchRequest",
    "ClassifyResult",
    "DecisionOut",
    "ErrorBody",
    "FindingOut",
    "HitOut",
    "KeyCreate",
    "KeyCreated",
    "KeyOut",
    "ListSource",
    "ListsOut",
    "ListsUpdate",
    "ListsUpdated",
    "MatchRequest",
    "MatchResult",
    "RulesOut",
    "ScreenQuery",
    "ScreenRequest",
    "ScreenResult",
    "VerifyOut",
    "VerifyProblem",
    "WhoAmI",
]
