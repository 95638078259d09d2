"""A screening query from the fields of a row or a request: type, countries, dob, gender.

One parser per field, each raising :class:`~prosper.errors.InputError` naming the field, so
that batch rows, the CLI and the API validate a query the same way: countries and dates of
birth with the transaction schema's own checks (:func:`prosper.values.check_country`,
:func:`prosper.values.check_dob`), so ``XX`` and ``1984-02-30`` are refused everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from prosper.errors import InputError
from prosper.model import EntityType, Identifier
from prosper.screening.query import Query, normalize_gender, parse_identifier
from prosper.values import check_country, check_dob

_COLUMNS = ("name", "type", "country", "dob", "gender", "identifiers")
_TYPE_ALIASES = {"individual": "person", "entity": "organization", "organisation": "organization"}
_COUNTRY_SEPARATORS = re.compile(r"[;,]")


def parse_type(value: str | None, field: str = "type") -> EntityType | None:
    """``person``/``organization``/``vessel``/``aircraft`` (or empty) → :class:`EntityType`."""
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    try:
        return EntityType(_TYPE_ALIASES.get(text, text))
    except ValueError:
        names = ", ".join(t.value for t in EntityType)
        raise InputError(f"unknown type {value!r} (one of {names})", field=field) from None


def parse_dob(value: str | None, field: str = "dob") -> str | None:
    """Validate a date of birth: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a real date)."""
    if value is None or not value.strip():
        return None
    try:
        return check_dob(value)
    except ValueError as exc:
        raise InputError(str(exc), field=field) from None


def parse_gender(value: str | None, field: str = "gender") -> str | None:
    """``male`` / ``female`` (``M`` / ``F`` accepted, any case), None when empty."""
    if value is None or not value.strip():
        return None
    gender = normalize_gender(value)
    if gender is None:
        raise InputError(f"expected male or female, got {value!r}", field=field)
    return gender


def parse_countries(values: Sequence[str], field: str = "country") -> tuple[str, ...]:
    """ISO 3166 alpha-2 codes, upper-cased; ``;`` or ``,`` separate several in one value."""
    out: list[str] = []
    for value in values:
        for part in _COUNTRY_SEPARATORS.split(value):
            if not part.strip():
                continue
            try:
                out.append(check_country(part))
            except ValueError as exc:
                raise InputError(str(exc), field=field) from None
    return tuple(out)


def parse_identifiers(value: str, field: str = "identifiers") -> tuple[Identifier, ...]:
    """``TYPE:VALUE[:CC]`` entries separated by ``;`` (``passport:PD123456:KP;lei:529900…``)."""
    out: list[Identifier] = []
    for part in value.split(";"):
        if part.strip():
            try:
                out.append(parse_identifier(part))
            except ValueError as exc:
                raise InputError(str(exc), field=field) from None
    return tuple(out)


def row_query(row: dict[str, Any]) -> Query:
    """The :class:`Query` of one input row (columns ``name``, ``type``, ``country``, ``dob``,
    ``gender``, ``identifiers``); raises :class:`InputError` naming the bad column. The
    ``id`` column is the user's record id: echoed in the output, never screened."""
    for column in _COLUMNS:
        if isinstance(row.get(column), dict | list | tuple | set):
            raise InputError("must be a single value, not a list or mapping", field=column)
    name = str(row.get("name") or "").strip()
    if not name:
        raise InputError("empty name", field="name")
    return Query(
        name=name,
        type=parse_type(text_or_none(row.get("type"))),
        countries=parse_countries([str(row.get("country") or "")]),
        dob=parse_dob(text_or_none(row.get("dob"))),
        identifiers=parse_identifiers(str(row.get("identifiers") or "")),
        gender=parse_gender(text_or_none(row.get("gender"))),
    )


def text_or_none(value: Any) -> str | None:
    """``str(value)``, None staying None (a cell of any type as text)."""
    return None if value is None else str(value)
