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
from typing import Annotated, Any, Literal, get_args

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


def _check_shares(owners: list[OwnerIn]) -> list[OwnerIn]:
    total = sum(o.percent for o in owners)
    if total > 100.0001:
        raise ValueError(f"the owners' shares add up to {total:g} %, more than 100 %")
    return owners


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


DataCategory = Literal[
    "contact",
    "identifiers",
    "precise_geolocation",
    "biometric",
    "genomic",
    "health",
    "emr",
    "financial",
    "credit_info",
    "resident_registration_number",
    "map_survey",
    "government_related",
    "other_personal",
]
DATA_CATEGORIES: tuple[str, ...] = get_args(DataCategory)


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


def check_counts(raw: Mapping[str, Any], limits: InputLimits) -> None:
    """Refuse more parties, items or data transfers than ``limits`` allow (before validating)."""
    for key, most, setting in (
        ("parties", limits.max_parties, "PROSPER_MAX_PARTIES"),
        ("items", limits.max_items, "PROSPER_MAX_ITEMS"),
        ("data_transfers", limits.max_transfers, "PROSPER_MAX_TRANSFERS"),
    ):
        value = raw.get(key)
        if isinstance(value, list) and len(value) > most:
            raise InputError(
                f"{len(value):,} entries; at most {most:,} per transaction ({setting})", field=key
            )


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


def _ownership(rows: list[OwnershipIn]) -> tuple[m.Ownership, ...]:
    return tuple(m.Ownership(country=o.country, percent=o.percent) for o in rows)


def _owners(rows: list[OwnerIn]) -> tuple[m.Owner, ...]:
    return tuple(
        m.Owner(
            name=o.name,
            percent=o.percent,
            country=o.country,
            type=m.EntityType(o.type),
            owners=_owners(o.owners),
            aliases=tuple(o.aliases),
            identifiers=tuple(o.identifiers),
        )
        for o in rows
    )


def to_model(tx: TransactionIn, *, today: date) -> m.Transaction:
    """Convert a validated :class:`TransactionIn` into the frozen core model."""
    return m.Transaction(
        as_of=tx.as_of or today,
        id=tx.id,
        origin_country=tx.origin_country,
        destination_country=tx.destination_country,
        parties=tuple(
            m.Party(
                name=p.name,
                role=m.PartyRole(p.role),
                country=p.country,
                type=m.EntityType(p.type),
                headquarters_country=p.headquarters_country,
                parent_country=p.parent_country,
                ownership=_ownership(p.ownership),
                aliases=tuple(p.aliases),
                dob=p.dob,
                identifiers=tuple(p.identifiers),
                owners=_owners(p.owners),
            )
            for p in tx.parties
        ),
        items=tuple(
            m.Item(
                description=i.description,
                kind=m.ItemKind(i.kind),
                eccn=i.eccn,
                quantity=i.quantity,
                us_origin=i.us_origin,
                us_content_percent=i.us_content_percent,
                made_with_us_technology=i.made_with_us_technology,
                performance=tuple(m.Performance(bits=p.bits, tops=p.tops) for p in i.performance),
                tpp=i.tpp,
                die_area_mm2=i.die_area_mm2,
                datacenter=i.datacenter,
                dram_bandwidth_gbps=i.dram_bandwidth_gbps,
                memory_bandwidth_density=i.memory_bandwidth_density,
                training_ops=i.training_ops,
                published=i.published,
                us_technology_eccns=tuple(e.upper() for e in i.us_technology_eccns),
            )
            for i in tx.items
        ),
        end_use=m.EndUse(description=tx.end_use.description, flags=tuple(tx.end_use.flags)),
        data_transfers=tuple(
            m.DataTransfer(
                from_country=d.from_country,
                to_country=d.to_country,
                categories=tuple(d.categories),
                subjects_country=d.subjects_country,
                subjects_count=d.subjects_count,
                anonymised=d.anonymised,
                pseudonymised=d.pseudonymised,
                purpose=d.purpose,
                transaction_type=d.transaction_type,
                sector=d.sector,
                recipient=None
                if d.recipient is None
                else m.Recipient(
                    name=d.recipient.name,
                    country=d.recipient.country,
                    ownership=_ownership(d.recipient.ownership),
                    certifications=tuple(d.recipient.certifications),
                    owners=_owners(d.recipient.owners),
                ),
                safeguards=tuple(d.safeguards),
                collection=d.collection,
                same_entity=d.same_entity,
                access=d.access,
                exporter_role=d.exporter_role,
                importer_role=d.importer_role,
                onward=tuple(
                    m.OnwardTransfer(country=o.country, name=o.name, role=o.role) for o in d.onward
                ),
            )
            for d in tx.data_transfers
        ),
    )
