"""Checks of single values that every edge shares: country codes, dates, dates of birth.

Plain functions without pydantic, so that a path that only needs a country or a date (a screen
with ``--country``/``--dob``, a register import, a query parameter) does not import the schema.
:mod:`prosper.schema` wraps them as pydantic validators for the transaction documents.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from prosper.errors import InputError

# Codes that are not in ISO 3166-1 but appear in export-control tables and lists.
# XK: Kosovo (a row of the EAR Country Chart).
EXTRA_COUNTRY_CODES = frozenset({"XK"})


@cache
def _iso_codes() -> frozenset[str]:
    """pycountry's ISO 3166-1 alpha-2 codes, with :data:`EXTRA_COUNTRY_CODES`.

    Read from pycountry's own database file (``databases/iso3166-1.json``, the file
    ``pycountry.countries`` loads) without importing pycountry: its ``__init__`` reads its
    version through ``importlib.metadata`` (with ``email`` and ``socket``), more CPU than a
    whole ``prosper check``'s decision. Anything unexpected imports pycountry instead.
    """
    import json
    import os
    from importlib.util import find_spec

    try:
        spec = find_spec("pycountry")  # finds the package without running its __init__
        folders = list(spec.submodule_search_locations or ()) if spec is not None else []
        path = os.path.join(folders[0], "databases", "iso3166-1.json")
        with open(path, encoding="utf-8") as fh:
            codes = frozenset(entry["alpha_2"] for entry in json.load(fh)["3166-1"])
        if codes and all(isinstance(c, str) for c in codes):
            return codes | EXTRA_COUNTRY_CODES
    except (OSError, ValueError, LookupError, TypeError):
        pass
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | EXTRA_COUNTRY_CODES


def check_country(value: str) -> str:
    """Upper-case ``value`` and check it is an ISO 3166-1 alpha-2 code.

    >>> check_country("kr")
    'KR'
    """
    code = value.strip().upper()
    if code not in _iso_codes():
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2 expected)")
    return code


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DOB = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(value: object) -> date:
    """A real calendar date from ``YYYY-MM-DD`` text (or a :class:`date`); nothing else.

    >>> check_date("2026-02-28")
    datetime.date(2026, 2, 28)
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not a real date: {value!r}") from None


def parse_date(value: str | None, field: str) -> date | None:
    """:func:`check_date` for an option or query parameter: InputError naming ``field``."""
    if value is None:
        return None
    try:
        return check_date(value)
    except ValueError as exc:
        raise InputError(str(exc), field=field) from None


def check_dob(value: str) -> str:
    """A date of birth ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that exists (``1984-02-30`` not).

    >>> check_dob("1984-02")
    '1984-02'
    """
    text = value.strip()
    if not _DOB.match(text):
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ValueError(f"not a real date: {value!r}") from None
    return text
