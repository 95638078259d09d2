"""The transaction schema of the interface contract, validated at the edge with pydantic.

:func:`parse_transaction` turns outside input (a mapping read from YAML / JSON or an HTTP
body) into the frozen :class:`prosper.model.Transaction`, or raises
:class:`~prosper.errors.InputError` naming the first offending field, for example
``parties[1].country: unknown country code 'XX'``. Unknown fields, wrong types, unknown
country codes and impossible values are rejected; facts that are merely *missing* are not —
the rules turn those into ``review`` findings that name them.

Types are strict: a boolean is not a number (``die_area_mm2: true`` is refused), text is not
a number, numbers must be finite, dates are real ``YYYY-MM-DD`` dates (``2026-02-30`` and
``0`` are refused). Documents are read by :mod:`prosper.reader` (YAML 1.2, limits) first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from prosper import model as m
from prosper.errors import InputError
from prosper.intake import DATA_CATEGORIES as DATA_CATEGORIES
from prosper.intake import DataCategory as DataCategory
from prosper.intake import check_counts as check_counts
from prosper.intake import check_shares as _check_shares
from prosper.intake_model import to_model as to_model
from prosper.reader import InputLimits
from prosper.values import (
    check_country,
    check_date,
    check_dob,
)

# An ISO 3166-1 alpha-2 code, upper-cased and checked (``kr`` → ``KR``; ``XX`` is an error).
Country = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(check_country)]

Dob = Annotated[str, Field(max_length=10), AfterValidator(check_dob)]
# A count: quantities and numbers of data subjects (10^12 is beyond any shipment or population).
Count = Annotated[int, Field(ge=0, le=10**12)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )


class OwnershipIn(_Strict):
    country: Country
    percent: float = Field(ge=0, le=100)


class OwnerIn(_Strict):
    """An owner of a party (or of another owner), screened like a party; recursive."""

    name: str = Field(min_length=1, max_length=500)
    country: Country | None = None
    type: Literal["person", "organization"] = "organization"
    percent: float = Field(gt=0, le=100)
    owners: list[OwnerIn] = Field(default_factory=list)
    aliases: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list)
    identifiers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list
    )

    @field_validator("owners")
    @classmethod
    def _shares(cls, v: list[OwnerIn]) -> list[OwnerIn]:
        return _check_shares(v)


class PartyIn(_Strict):
    role: Literal[
        "exporter", "purchaser", "intermediate_consignee", "ultimate_consignee", "end_user"
    ] = "end_user"
    name: str = Field(min_length=1, max_length=500)
    country: Country | None = None
    type: Literal["person", "organization"] = "organization"
    headquarters_country: Country | None = None
    parent_country: Country | None = None
    ownership: list[OwnershipIn] = Field(default_factory=list)
    aliases: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list)
    dob: Dob | None = None
    identifiers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list
    )
    owners: list[OwnerIn] = Field(default_factory=list)

    @field_validator("owners")
    @classmethod
    def _shares(cls, v: list[OwnerIn]) -> list[OwnerIn]:
        return _check_shares(v)


class PerformanceIn(_Strict):
    bits: int = Field(gt=0, le=512)
    tops: float = Field(ge=0)


class ItemIn(_Strict):
    description: str = Field(min_length=1, max_length=1000)
    kind: Literal[
        "integrated_circuit", "computer", "hbm", "model_weights", "software", "technology", "other"
    ]
    eccn: str | None = Field(default=None, pattern=r"^[0-9][A-E][0-9]{3}[A-Za-z0-9.]*$|^EAR99$")
    quantity: Count | None = None
    us_origin: bool | None = None
    us_content_percent: float | None = Field(default=None, ge=0, le=100)
    made_with_us_technology: bool | None = None
    performance: list[PerformanceIn] = Field(default_factory=list)
    tpp: float | None = Field(default=None, ge=0)
    die_area_mm2: float | None = Field(default=None, gt=0)
    datacenter: bool | None = None
    dram_bandwidth_gbps: float | None = Field(default=None, ge=0)
    memory_bandwidth_density: float | None = Field(default=None, ge=0)
    training_ops: float | None = Field(default=None, ge=0)
    published: bool | None = None
    # the US software / technology (or plant) the item is a direct product of (§734.9 FDP rules)
    us_technology_eccns: list[
        Annotated[str, Field(pattern=r"^[0-9][A-E][0-9]{3}[A-Za-z0-9.]*$")]
    ] = Field(default_factory=list)


class EndUseIn(_Strict):
    description: str | None = None
    flags: list[str] = Field(default_factory=list)


class RecipientIn(_Strict):
    name: str | None = None
    country: Country | None = None
    ownership: list[OwnershipIn] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    owners: list[OwnerIn] = Field(default_factory=list)

    @field_validator("owners")
    @classmethod
    def _shares(cls, v: list[OwnerIn]) -> list[OwnerIn]:
        return _check_shares(v)


# The transfer test (docs/data_transfers.md): who exports to whom.
DataRole = Literal["controller", "processor"]


class OnwardIn(_Strict):
    country: Country
    name: str | None = Field(default=None, min_length=1, max_length=500)
    role: DataRole | None = None


class DataTransferIn(_Strict):
    from_country: Country
    to_country: Country
    subjects_country: Country | None = None
    subjects_count: Count | None = None
    categories: list[DataCategory] = Field(min_length=1)
    anonymised: bool = False
    pseudonymised: bool = False
    purpose: str | None = None
    transaction_type: (
        Literal["vendor", "employment", "investment", "data_brokerage", "intra_group"] | None
    ) = None
    sector: str | None = None
    recipient: RecipientIn | None = None
    safeguards: list[str] = Field(default_factory=list)
    collection: Literal["direct_from_subjects", "from_exporter"] | None = None
    same_entity: bool | None = None
    access: Literal["remote", "copy"] | None = None
    exporter_role: DataRole | None = None
    importer_role: DataRole | None = None
    onward: list[OnwardIn] = Field(default_factory=list)


class TransactionIn(_Strict):
    id: str | None = Field(default=None, max_length=200)
    as_of: date | None = None
    origin_country: Country | None = None
    destination_country: Country | None = None
    parties: list[PartyIn] = Field(default_factory=list)
    items: list[ItemIn] = Field(default_factory=list)
    end_use: EndUseIn = Field(default_factory=EndUseIn)
    data_transfers: list[DataTransferIn] = Field(default_factory=list)

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: Any) -> Any:
        # Text (YAML 1.2 and JSON both give text) that is a real ISO date; never a number.
        return None if v is None else check_date(v)


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("function-") or part in {"literal", "list", "str", "date"}:
            continue  # pydantic adds validator names to the location of union branches
        else:
            path += f".{part}" if path else part
    return path or "transaction"


def validation_error(exc: ValidationError) -> InputError:
    """Turn the first pydantic error into an :class:`InputError` naming its field."""
    err = exc.errors(include_url=False)[0]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    return InputError(msg, field=_field_path(tuple(err["loc"])))


def parse_transaction(
    raw: Any, *, today: date | None = None, limits: InputLimits | None = None
) -> m.Transaction:
    """Validate ``raw`` against the contract and build a :class:`~prosper.model.Transaction`.

    Args:
        raw: the decoded YAML / JSON document (:func:`prosper.reader.parse_document`).
        today: the date used when the document has no ``as_of``.
        limits: most parties, items and transfers (default :class:`InputLimits`).

    Raises:
        InputError: the first offending field, e.g. ``items[0].tpp: Input should be >= 0``.
    """
    if not isinstance(raw, Mapping):
        raise InputError(
            "a transaction must be a mapping (YAML / JSON object)", field="transaction"
        )
    check_counts(raw, limits or InputLimits())
    try:
        tx = TransactionIn.model_validate(dict(raw))
    except ValidationError as exc:
        raise validation_error(exc) from None
    return to_model(tx, today=today or date.today())
