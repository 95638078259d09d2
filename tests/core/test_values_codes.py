"""Country codes read from pycountry's database file without importing pycountry
(:func:`prosper.values._iso_codes`): the same codes as ``pycountry.countries``."""

from __future__ import annotations

from collections.abc import Callable

import pycountry
import pytest

from prosper import values


def test_the_codes_are_pycountrys() -> None:
    values._iso_codes.cache_clear()
    try:
        codes = values._iso_codes()
    finally:
        values._iso_codes.cache_clear()
    expected = frozenset(c.alpha_2 for c in pycountry.countries) | values.EXTRA_COUNTRY_CODES
    assert codes == expected
    assert {"KR", "VN", "XK", "US"} <= codes
    assert "ZZ" not in codes


def test_without_the_database_file_pycountry_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    values._iso_codes.cache_clear()
    try:
        codes = values._iso_codes()
    finally:
        values._iso_codes.cache_clear()
    assert codes == frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def test_checking_a_country_imports_no_pycountry(fresh_python: Callable[[str], list[str]]) -> None:
    code = (
        "import sys\n"
        "from prosper.values import check_country\n"
        "print(check_country('vn'))\n"
        "print(sorted(m for m in ('pycountry', 'importlib.metadata') if m in sys.modules))\n"
    )
    assert fresh_python(code) == ["VN", "[]"]
