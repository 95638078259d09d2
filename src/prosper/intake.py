"""Reading a transaction document without pydantic when it is certainly valid.

:mod:`prosper.schema` validates a transaction with pydantic models; importing pydantic and
building those models costs ~0.2–0.3 s of CPU, more than deciding the transaction, in every
``prosper check``. :func:`parse_transaction` here reads the same contract with plain checks
that only *accept*: a document whose every value is exactly of its field's type (``str``,
``int``, ``float``, ``bool``, ``list``, ``dict``), already stripped, in range and of a known
field, is built into the same :class:`~prosper.model.Transaction` by the same
:func:`~prosper.intake_model.to_model`; at the first value it is not sure of (a wrong type, an
unknown key, text with surrounding spaces, an unknown country code …) it stops and hands the
whole document to :func:`prosper.schema.parse_transaction`, so every error message (and every
value pydantic would coerce) stays pydantic's. ``tests/core/test_intake.py`` checks both
readings equal on every example and on thousands of mutated documents.

The contract lives in :mod:`prosper.schema`; :data:`_TRANSACTION` mirrors it field by field
(a field added there and not here sends every document using it to pydantic: slower, never
wrong — the tests compare the field lists).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any, Literal, get_args

from prosper import model as m
from prosper.errors import InputError
from prosper.intake_model import to_model
from prosper.limits import InputLimits
from prosper.values import check_country, check_date, check_dob

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
ECCN = r"[0-9][A-E][0-9]{3}[A-Za-z0-9.]*"  # the schema's pattern, anchored there by ^ and $


class _DoubtError(Exception):
    """A value the plain reading is not sure of: pydantic decides."""


Check = Callable[[Any], Any]
_REQUIRED = object()


def _text(min_length: int = 0, max_length: int | None = None, pattern: str | None = None) -> Check:
    # pydantic strips str values (str_strip_whitespace): only text it would keep as it is
    regex = None if pattern is None else re.compile(pattern)  # matched whole (fullmatch)

    def check(v: Any) -> str:
        if type(v) is not str or v != v.strip() or len(v) < min_length:
            raise _DoubtError
        if max_length is not None and len(v) > max_length:
            raise _DoubtError
        if regex is not None and regex.fullmatch(v) is None:
            raise _DoubtError
        return v

    return check


def _choice(*values: str) -> Check:
    def check(v: Any) -> str:
        if type(v) is not str or v not in values:
            raise _DoubtError
        return v

    return check


def _country(v: Any) -> str:
    if type(v) is not str or v != v.strip() or len(v) != 2:
        raise _DoubtError
    try:
        return check_country(v)
    except ValueError:
        raise _DoubtError from None


def _dob(v: Any) -> str:
    if type(v) is not str or v != v.strip() or len(v) > 10:
        raise _DoubtError
    try:
        return check_dob(v)
    except ValueError:
        raise _DoubtError from None


def _check_range(v: float, ge: float | None, gt: float | None, le: float | None) -> None:
    """Doubt ``v`` unless it is within the bounds given (``ge`` ≤ v, ``gt`` < v, v ≤ ``le``)."""
    if (ge is not None and v < ge) or (gt is not None and v <= gt) or (le is not None and v > le):
        raise _DoubtError


def _int(ge: int | None = None, gt: int | None = None, le: int | None = None) -> Check:
    def check(v: Any) -> int:
        if type(v) is not int:  # strict: not a bool, not a float
            raise _DoubtError
        _check_range(v, ge, gt, le)
        return v

    return check


def _float(ge: float | None = None, gt: float | None = None, le: float | None = None) -> Check:
    def check(v: Any) -> float:
        if type(v) is int and abs(v) <= 2**53:  # strict floats take ints (exactly as floats)
            v = float(v)
        if type(v) is not float or not math.isfinite(v):
            raise _DoubtError
        _check_range(v, ge, gt, le)
        return v

    return check


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise _DoubtError
    return v


def _optional(check: Check) -> Check:
    return lambda v: None if v is None else check(v)


def _list(item: Check, min_length: int = 0) -> Check:
    def check(v: Any) -> list[Any]:
        if type(v) is not list or len(v) < min_length:
            raise _DoubtError
        return [item(x) for x in v]

    return check


Field = tuple[Check, Any]  # (check, default: _REQUIRED, a value, or a factory)


FIELDS: dict[str, dict[str, Field]] = {}
"""The fields of each model read here, by the name of :mod:`prosper.schema`'s model (for the
test that compares them)."""


def _model(
    name: str, fields: dict[str, Field], after: Callable[[SimpleNamespace], None] | None = None
) -> Check:
    FIELDS[name] = fields

    def check(v: Any) -> SimpleNamespace:
        if type(v) is not dict or not fields.keys() >= v.keys():
            raise _DoubtError  # not a plain mapping, or an unknown field
        out: dict[str, Any] = {}
        for key, (field_check, default) in fields.items():
            if key in v:
                out[key] = field_check(v[key])
            elif default is _REQUIRED:
                raise _DoubtError
            else:
                out[key] = default() if callable(default) else default
        ns = SimpleNamespace(**out)
        if after is not None:
            after(ns)
        return ns

    return check


def check_shares(owners: list[Any]) -> list[Any]:
    """Refuse owners whose shares add up to more than 100 % (``ValueError``)."""
    total = sum(o.percent for o in owners)
    if total > 100.0001:
        raise ValueError(f"the owners' shares add up to {total:g} %, more than 100 %")
    return owners


def _shares(ns: SimpleNamespace) -> None:
    try:
        check_shares(ns.owners)
    except ValueError:
        raise _DoubtError from None


_NAME = _text(1, 500)
_ID = _text(1, 100)
_TYPE = (_choice("person", "organization"), "organization")
_OWNERSHIP = _model(
    "OwnershipIn", {"country": (_country, _REQUIRED), "percent": (_float(ge=0, le=100), _REQUIRED)}
)
_OWNER_FIELDS: dict[str, Field] = {
    "name": (_NAME, _REQUIRED),
    "country": (_optional(_country), None),
    "type": _TYPE,
    "percent": (_float(gt=0, le=100), _REQUIRED),
    "aliases": (_list(_NAME), list),
    "identifiers": (_list(_ID), list),
}
_OWNER = _model("OwnerIn", _OWNER_FIELDS, after=_shares)
_OWNER_FIELDS["owners"] = (_list(_OWNER), list)  # recursive: the dict is read at call time
_OWNERS = (_list(_OWNER), list)
_PARTY = _model(
    "PartyIn",
    {
        "role": (
            _choice(
                "exporter", "purchaser", "intermediate_consignee", "ultimate_consignee", "end_user"
            ),
            "end_user",
        ),
        "name": (_NAME, _REQUIRED),
        "country": (_optional(_country), None),
        "type": _TYPE,
        "headquarters_country": (_optional(_country), None),
        "parent_country": (_optional(_country), None),
        "ownership": (_list(_OWNERSHIP), list),
        "aliases": (_list(_NAME), list),
        "dob": (_optional(_dob), None),
        "identifiers": (_list(_ID), list),
        "owners": _OWNERS,
    },
    after=_shares,
)
_OPT_FLOAT_GE0 = (_optional(_float(ge=0)), None)
_OPT_BOOL = (_optional(_bool), None)
_ITEM = _model(
    "ItemIn",
    {
        "description": (_text(1, 1000), _REQUIRED),
        "kind": (
            _choice(
                "integrated_circuit",
                "computer",
                "hbm",
                "model_weights",
                "software",
                "technology",
                "other",
            ),
            _REQUIRED,
        ),
        "eccn": (_optional(_text(pattern=f"{ECCN}|EAR99")), None),
        "quantity": (_optional(_int(ge=0, le=10**12)), None),
        "us_origin": _OPT_BOOL,
        "us_content_percent": (_optional(_float(ge=0, le=100)), None),
        "made_with_us_technology": _OPT_BOOL,
        "performance": (
            _list(
                _model(
                    "PerformanceIn",
                    {"bits": (_int(gt=0, le=512), _REQUIRED), "tops": (_float(ge=0), _REQUIRED)},
                )
            ),
            list,
        ),
        "tpp": _OPT_FLOAT_GE0,
        "die_area_mm2": (_optional(_float(gt=0)), None),
        "datacenter": _OPT_BOOL,
        "dram_bandwidth_gbps": _OPT_FLOAT_GE0,
        "memory_bandwidth_density": _OPT_FLOAT_GE0,
        "training_ops": _OPT_FLOAT_GE0,
        "published": _OPT_BOOL,
        "us_technology_eccns": (_list(_text(pattern=ECCN)), list),
    },
)
_PLAIN = _text()
_END_USE_FIELDS: dict[str, Field] = {
    "description": (_optional(_PLAIN), None),
    "flags": (_list(_PLAIN), list),
}
_RECIPIENT = _model(
    "RecipientIn",
    {
        "name": (_optional(_PLAIN), None),
        "country": (_optional(_country), None),
        "ownership": (_list(_OWNERSHIP), list),
        "certifications": (_list(_PLAIN), list),
        "owners": _OWNERS,
    },
    after=_shares,
)
_ROLE = (_optional(_choice("controller", "processor")), None)
_TRANSFER = _model(
    "DataTransferIn",
    {
        "from_country": (_country, _REQUIRED),
        "to_country": (_country, _REQUIRED),
        "subjects_country": (_optional(_country), None),
        "subjects_count": (_optional(_int(ge=0, le=10**12)), None),
        "categories": (_list(_choice(*DATA_CATEGORIES), min_length=1), _REQUIRED),
        "anonymised": (_bool, False),
        "pseudonymised": (_bool, False),
        "purpose": (_optional(_PLAIN), None),
        "transaction_type": (
            _optional(
                _choice("vendor", "employment", "investment", "data_brokerage", "intra_group")
            ),
            None,
        ),
        "sector": (_optional(_PLAIN), None),
        "recipient": (_optional(_RECIPIENT), None),
        "safeguards": (_list(_PLAIN), list),
        "collection": (_optional(_choice("direct_from_subjects", "from_exporter")), None),
        "same_entity": _OPT_BOOL,
        "access": (_optional(_choice("remote", "copy")), None),
        "exporter_role": _ROLE,
        "importer_role": _ROLE,
        "onward": (
            _list(
                _model(
                    "OnwardIn",
                    {
                        "country": (_country, _REQUIRED),
                        "name": (_optional(_NAME), None),
                        "role": _ROLE,
                    },
                )
            ),
            list,
        ),
    },
)


def _as_of(v: Any) -> date | None:
    if v is None:
        return None
    try:
        out = check_date(v)  # the schema's "before" validator, then a strict date
    except ValueError:
        raise _DoubtError from None
    if type(out) is not date:
        raise _DoubtError
    return out


_TRANSACTION_FIELDS: dict[str, Field] = {
    "id": (_optional(_text(max_length=200)), None),
    "as_of": (_as_of, None),
    "origin_country": (_optional(_country), None),
    "destination_country": (_optional(_country), None),
    "parties": (_list(_PARTY), list),
    "items": (_list(_ITEM), list),
    "end_use": (
        _model("EndUseIn", _END_USE_FIELDS),
        lambda: SimpleNamespace(description=None, flags=[]),
    ),
    "data_transfers": (_list(_TRANSFER), list),
}
_TRANSACTION = _model("TransactionIn", _TRANSACTION_FIELDS)


def read_plain(raw: Mapping[str, Any]) -> SimpleNamespace | None:
    """The validated document as :mod:`prosper.schema`'s models would hold it (attributes of
    the same names and values), or None when pydantic must read it."""
    try:
        return _TRANSACTION(dict(raw))  # type: ignore[no-any-return]
    except _DoubtError:
        return None


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
    """:func:`prosper.schema.parse_transaction`, without pydantic for a document the plain
    reading is sure of (see the module's notes); the same result and the same errors.

    Raises:
        InputError: the first offending field (pydantic's message).
    """
    if isinstance(raw, Mapping):
        check_counts(raw, limits or InputLimits())
        plain = read_plain(raw)
        if plain is not None:
            return to_model(plain, today=today or date.today())
    from prosper.schema import parse_transaction as parse_strict

    return parse_strict(raw, today=today, limits=limits)
