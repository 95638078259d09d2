"""rigour's name primitives without importing its Python packages (and normality) at start-up.

rigour does its work in one compiled module (``rigour._core``: metaphone, script detection,
the opportunistic transliteration ``maybe_ascii``, the org-type tables); its public functions
(``rigour.text.metaphone``, ``rigour.names.extract_org_types`` …) are thin Python wrappers over
it. Importing them costs ~0.2–0.25 s of CPU, more than a one-name screen: ``rigour.text``'s
package imports ``normality`` (with chardet, charset_normalizer and ICU) and ``rigour.names``
imports most of rigour, while ``rigour._core`` alone loads in ~2 ms. This module calls the
compiled functions with the arguments the public wrappers pass (``Normalize.CASEFOLD``,
``Cleanup.Noop``, ``generic=False``), so the output is theirs; ``normality`` (through
rigour's own :func:`rigour.text.translit.ascii_text`) is imported only for a text that
``maybe_ascii`` leaves outside ASCII (Han, Arabic, kana …), exactly where rigour calls it.

A rigour whose compiled module no longer has these names falls back to the public functions
(the same results, the slower start). ``tests/names/test_primitives.py`` checks every function
equal to rigour's public one on the names of the embedded lists and many scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

# rigour.text.normalize: Normalize.CASEFOLD = 1 << 2, Cleanup.Noop = 0 (the public defaults)
_CASEFOLD = 4
_NOOP = 0
_MEMO_LARGE = 2**17  # rigour.util.MEMO_LARGE, the size of rigour's own metaphone cache

_core_metaphone: Callable[[str], str]
_core_extract: Callable[..., list[tuple[str, str]]] | None
_core_remove: Callable[..., str] | None
try:
    from rigour._core import extract_org_types as _extract_core
    from rigour._core import maybe_ascii as _maybe_ascii
    from rigour._core import metaphone as _metaphone_core
    from rigour._core import remove_org_types as _remove_core
    from rigour._core import text_scripts as _text_scripts

    _core_metaphone = _metaphone_core
    _core_extract = _extract_core
    _core_remove = _remove_core
    CORE = True
except ImportError:  # pragma: no cover - a rigour whose compiled module moved
    from rigour.text import metaphone as _metaphone_public
    from rigour.text.scripts import text_scripts as _text_scripts
    from rigour.text.translit import maybe_ascii as _maybe_ascii

    _core_metaphone = _metaphone_public
    _core_extract = None
    _core_remove = None
    CORE = False


@lru_cache(maxsize=_MEMO_LARGE)
def metaphone(token: str) -> str:
    """rigour's metaphone key of ``token`` (``rigour.text.metaphone``).

    >>> metaphone("jong")
    'JNK'
    """
    return str(_core_metaphone(token))


def text_scripts(text: str) -> set[str]:
    """The real scripts of ``text`` (``rigour.text.scripts.text_scripts``).

    >>> sorted(text_scripts("Kim 김정은"))
    ['Hangul', 'Latin']
    """
    return set(_text_scripts(text))


def maybe_ascii(text: str) -> str:
    """rigour's transliteration of its admitted scripts (``rigour.text.translit.maybe_ascii``);
    other scripts pass unchanged.

    >>> maybe_ascii("Шевченко")
    'Shevchenko'
    """
    return str(_maybe_ascii(text))


def ascii_text(text: str) -> str:
    """``text`` in ASCII, as ``rigour.text.translit.ascii_text`` gives it: ``maybe_ascii``
    when that is ASCII, else rigour's function (which hands the rest to normality; imported
    only then).

    >>> ascii_text("김정은")
    'gimjeong-eun'
    """
    out = str(_maybe_ascii(text))
    if out.isascii():
        return out
    from rigour.text.translit import ascii_text as full_ascii_text

    return str(full_ascii_text(text))


def extract_org_types(name: str) -> list[tuple[str, str]]:
    """The org-type designations in ``name`` (casefolded text) with their compare forms
    (``rigour.names.extract_org_types`` with its defaults).

    >>> extract_org_types("emma llc")
    [('llc', 'llc')]
    """
    if _core_extract is None:  # pragma: no cover - see the module's notes
        from rigour.names import extract_org_types as public

        return list(public(name))
    return list(_core_extract(name, _CASEFOLD, _NOOP, False))


def remove_org_types(name: str) -> str:
    """``name`` without its org-type designations (``rigour.names.remove_org_types`` with its
    defaults).

    >>> remove_org_types("emma llc")
    'emma '
    """
    if _core_remove is None:  # pragma: no cover - see the module's notes
        from rigour.names import remove_org_types as public

        return str(public(name))
    return str(_core_remove(name, _CASEFOLD, _NOOP, ""))


def public_functions() -> dict[str, Any]:
    """rigour's public functions these stand for (by this module's names), for the tests."""
    from rigour.names import extract_org_types as extract
    from rigour.names import remove_org_types as remove
    from rigour.text import ascii_text as ascii_public
    from rigour.text import metaphone as metaphone_public
    from rigour.text.scripts import text_scripts as scripts_public
    from rigour.text.translit import maybe_ascii as maybe_public

    return {
        "metaphone": metaphone_public,
        "text_scripts": scripts_public,
        "maybe_ascii": maybe_public,
        "ascii_text": ascii_public,
        "extract_org_types": extract,
        "remove_org_types": remove,
    }
