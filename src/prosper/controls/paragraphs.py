"""Which paragraphs of an ECCN a Country Chart control names, read from the CCL table's text.

The CCL states paragraph-specific controls in words: ``NS applies to 3B001.a.1 to a.3, b, e,
f.2 to f.4, g to j``; some prose rows add a destination scope (``Worldwide control``, ``To or
within Macau or a destination specified in Country Group D:5``). This module reads the simple
forms only — paragraph lists and ranges, the two scopes — and says ``None`` for anything else,
so the rules keep asking for a review instead of guessing. Pure.
"""

from __future__ import annotations

import re

_PATH = r"[a-z0-9]+(?:\.[a-z0-9]+)*"
_TOKEN = re.compile(rf"^\.?({_PATH})(?:\s+to\s+\.?({_PATH}))?$")
_APPLIES = re.compile(r"^\s*[A-Z]{2}\s+(?:\d\s+)?applies\s+to\s+(.*)$")
_WORLDWIDE = re.compile(r"^worldwide control\b", re.IGNORECASE)
_D5 = re.compile(
    r"^to or within macau or a destination specified in country group d:5\b", re.IGNORECASE
)


def paragraph_of(eccn: str) -> tuple[str, ...]:
    """``3B001.f.3`` → ``("f", "3")``; ``3B001`` → ``()``."""
    parts = eccn.strip().lower().split(".")
    return tuple(p for p in parts[1:] if p)


def _key(part: str) -> tuple[int, int | str]:
    return (0, int(part)) if part.isdigit() else (1, part)


def _covers_token(
    low: tuple[str, ...], high: tuple[str, ...], para: tuple[str, ...]
) -> bool | None:
    """Whether paragraph ``para`` lies in ``low`` (to ``high``); None: ``para`` is too coarse."""
    depth = len(low)
    if len(high) != depth or low[:-1] != high[:-1]:
        return None  # a range we do not read (different prefixes or depths)
    if len(para) < depth:
        # the declared paragraph is coarser than the control: it covers it only partly
        inside = para == low[: len(para)] or para == high[: len(para)]
        return None if inside or low[: len(para)] <= para <= high[: len(para)] else False
    if para[: depth - 1] != low[:-1]:
        return False
    return _key(low[-1]) <= _key(para[depth - 1]) <= _key(high[-1])


def controlled_paragraphs(
    text: str, base: str
) -> list[tuple[tuple[str, ...], tuple[str, ...]]] | None:
    """The paragraph ranges a control names, or None when the text is not a simple list.

    >>> controlled_paragraphs("NS applies to 3B001.a.1 to a.3, b, g to j", "3B001")
    [(('a', '1'), ('a', '3')), (('b',), ('b',)), (('g',), ('j',))]
    """
    head = text.split(":", 1)[0]
    m = _APPLIES.match(head)
    if m is None:
        return None
    body = m.group(1).strip().rstrip(".")
    body = re.sub(rf"\b{re.escape(base)}\b", "", body, flags=re.IGNORECASE)
    tokens = [t.strip() for t in re.split(r",\s*(?:and\s+)?|\s+and\s+", body) if t.strip()]
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for token in tokens:
        tm = _TOKEN.match(token.lower())
        if tm is None:
            return None
        low = tuple(tm.group(1).split("."))
        high = tuple((tm.group(2) or tm.group(1)).split("."))
        out.append((low, high))
    return out or None


def covers(text: str, base: str, paragraph: tuple[str, ...]) -> bool | None:
    """Whether the control ``text`` reaches the declared ``paragraph`` (None: cannot tell)."""
    if not paragraph:
        return None
    ranges = controlled_paragraphs(text, base)
    if ranges is None:
        return None
    answers = [_covers_token(low, high, paragraph) for low, high in ranges]
    if any(a is True for a in answers):
        return True
    if any(a is None for a in answers):
        return None
    return False


def prose_scope(text: str) -> str | None:
    """The destination scope a prose control states: ``worldwide``, ``macau_d5`` or None."""
    tail = text.split(":", 1)[1].strip() if ":" in text else ""
    if _WORLDWIDE.match(tail):
        return "worldwide"
    if _D5.match(tail):
        return "macau_d5"
    return None
