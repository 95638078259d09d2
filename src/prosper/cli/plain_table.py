"""The hits table of ``prosper screen NAME`` as plain text, without importing rich.

Importing rich (its console, text, style and table modules) costs ~0.1 s of CPU, a third of a
warm one-name screen. When the table goes to something that is not a terminal (a pipe, a file,
a program reading the output) rich writes no colours or styles: the table is box characters and
text laid out by rich's rules. :func:`render_plain` lays it out by the same rules — column
widths (``Table._calculate_column_widths`` with ``expand=True``: measure, collapse the widest
wrappable columns, reduce evenly, spread the rest), word wrapping with ``overflow="fold"``
(``rich._wrap.divide_line``), cell padding, top-aligned rows and bottom-aligned headers, the
``HEAVY_HEAD`` box — for the one table and the one or two lines :func:`prosper.cli.screen_name.
render_hits` prints, so the bytes written are rich's.

It only answers where that is certain, and returns None otherwise (rich then prints, as before):

* the output is a terminal, or rich would treat it as one (``FORCE_COLOR``, ``TTY_COMPATIBLE``),
  or runs under Jupyter / IDLE / Windows, or its encoding is not UTF-8 (rich draws an ASCII box);
* any character of a name, id, list code, programme or explanation is outside rich's
  single-cell ranges (``rich.cells._SINGLE_CELL_UNICODE_RANGES``: Latin, Latin-1, Greek,
  Cyrillic …; so Hangul, Han, Arabic and control characters go to rich), or the text holds
  what rich's markup or emoji codes would read (``[``, ``\\``, ``:…:``);
* the console is narrower than :data:`MIN_WIDTH` or a column would be narrower than
  :data:`MIN_COLUMN` (rich's corner cases of tiny widths).

``tests/cli/test_plain_table.py`` compares :func:`render_plain` with rich's output byte for
byte on real screens and on generated tables (long words, many spaces, every width from
:data:`MIN_WIDTH` to 200), and the console checks with rich's ``Console``.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from collections.abc import Mapping, Sequence
from itertools import pairwise
from math import ceil
from typing import Any

MIN_WIDTH = 40
"""Narrower consoles are left to rich (e.g. ``COLUMNS=12``)."""
MIN_COLUMN = 4
"""A column (padding included) narrower than this is left to rich: 2 cells of text or more."""
COLUMNS = ("score", "match", "list", "entity", "matched name", "why")
# rich.box.HEAVY_HEAD: top, head row, the rule under the header, body rows, bottom
_TOP = ("┏", "━", "┳", "┓")
_HEAD = ("┃", "┃", "┃")
_RULE = ("┡", "━", "╇", "┩")
_BODY = ("│", "│", "│")
_BOTTOM = ("└", "─", "┴", "┘")
_SINGLE_CELL_RANGES = (  # rich.cells._SINGLE_CELL_UNICODE_RANGES (a test keeps them equal)
    (0x20, 0x7E),
    (0xA0, 0xAC),
    (0xAE, 0x2FF),
    (0x370, 0x482),
    (0x2500, 0x25FC),
    (0x2800, 0x28FF),
)
_SINGLE_CELLS = frozenset(chr(c) for lo, hi in _SINGLE_CELL_RANGES for c in range(lo, hi + 1))
_NARROW_PUNCTUATION = "—–‘’“”…≈→•"
"""Outside those ranges but one cell in rich too (a test checks): the heading's dash, the
explanations' ``≈``, typographic quotes in list names."""
_PLAIN = _SINGLE_CELLS | set(_NARROW_PUNCTUATION)
_MARKUP_LIKE = re.compile(r"[\[\\]|:\S*?:")  # a markup tag or escape, an emoji code
_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap.re_word
_TRAILING_SPACE = re.compile(r"\s+$")  # rich.text._re_whitespace


def console_width(environ: Mapping[str, str] | None = None) -> int | None:
    """The width rich's ``Console()`` would use for ``sys.stdout`` when it is certainly not a
    terminal and takes UTF-8; None when rich must decide (see the module's notes)."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    out = sys.stdout
    encoding = (getattr(out, "encoding", "utf-8") or "utf-8").lower()
    if not encoding.startswith("utf"):
        return None
    tty_compatible = env.get("TTY_COMPATIBLE", "")
    if tty_compatible == "1":
        return None
    if tty_compatible != "0":
        force_color = env.get("FORCE_COLOR")
        if force_color is not None:
            if force_color != "":
                return None
        else:
            isatty = getattr(out, "isatty", None)
            try:
                if isatty is not None and isatty():
                    return None
            except ValueError:  # a closed file: rich says "not a terminal" too
                pass
    columns = env.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = 0
    for fd in (0, 1, 2):  # rich.console._STD_STREAMS
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def render_plain(doc: Mapping[str, Any], width: int) -> str | None:
    """What ``render_hits(doc, Console())`` writes on a non-terminal console ``width`` cells
    wide, or None when rich must render it (see the module's notes)."""
    if width < MIN_WIDTH:
        return None
    hits = doc["hits"]
    heading = f"{doc['query']['name']} — {len(hits)} hit(s) at threshold {doc['threshold']:.2f}"
    if not _plain(doc["query"]["name"]) or not _plain(heading):
        return None
    out = [_wrap_text(heading, width)]
    if not hits:
        return out[0] + "no match\n"
    try:
        rows = [_row(h) for h in hits]
    except (KeyError, TypeError):  # a field missing or of another type: rich says what it says
        return None
    if any(not isinstance(cell, str) or not _plain(cell) for row in rows for cell in row):
        return None
    table = _table([COLUMNS, *rows], width)
    if table is None:
        return None
    return out[0] + table


def _plain(text: str) -> bool:
    return _PLAIN.issuperset(text.replace("\n", "")) and _MARKUP_LIKE.search(text) is None


def _row(h: Mapping[str, Any]) -> tuple[str, ...]:
    """The six cells of a hit, as ``render_hits`` builds them, with the markup taken out (the
    styles print nothing on a non-terminal console)."""
    return (
        f"{h['score']:.3f}",
        "MATCH" if h["match"] else "below",
        hit_lists(h),
        f"{h['name']}\n{h['entity_id']} {', '.join(h['programs'])}"
        + "".join(_policy_lines(x) for x in h.get("listings") or []),
        h["matched_name"],
        hit_why(h),
    )


def hit_why(h: Mapping[str, Any]) -> str:
    """The table's "why" cell of a hit: the name match's detail, then every other feature's
    score (the OFAC-style score left out: it is for comparison only)."""
    return "; ".join(
        f"{e['feature']} {e['score']:+.2f}" if e["feature"] != "name_match" else e["detail"]
        for e in h["explanation"]
        if e["feature"] != "ofac_score"
    )


def hit_lists(h: Mapping[str, Any]) -> str:
    """The table's "list" cell of a hit: one line per list of its party, or its own list."""
    listings = h.get("listings") or []
    return "\n".join(f"{x['source']} {x['list_code']}" for x in listings) or (
        f"{h['source']} {h['list_code']}"
    )


def policy_text(listing: Mapping[str, Any]) -> str:
    """An Entity List / MEU listing's licence requirement, review policy and footnotes, as one
    line (empty when the listing states neither): the plain table prints it as is,
    ``screen_name`` inside rich's ``[cyan]`` markup."""
    policy = listing.get("policy")
    if not policy or not (policy.get("license_requirement") or policy.get("license_policy")):
        return ""
    parts = [
        f"{listing['list_code']}: licence {policy.get('license_requirement') or '(not stated)'}",
        f"policy {policy.get('license_policy') or '(not stated)'}",
    ]
    if policy.get("footnotes"):
        parts.append(f"footnote {', '.join(policy['footnotes'])}")
    return " · ".join(parts)


def _policy_lines(listing: Mapping[str, Any]) -> str:
    text = policy_text(listing)
    return "\n" + text if text else ""


# --- rich's text layout, for single-cell characters (cell length = len) -----------------


def _divide_line(text: str, width: int) -> list[int]:
    """``rich._wrap.divide_line(text, width, fold=True)``."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        word_length = len(word.rstrip())
        if width - offset >= word_length:
            offset += len(word)
        elif word_length > width:
            chunks = [word[i : i + width] for i in range(0, len(word), width)]
            for n, chunk in enumerate(chunks):
                if start:
                    breaks.append(start)
                if n == len(chunks) - 1:
                    offset = len(chunk)
                else:
                    start += len(chunk)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _wrap(text: str, width: int) -> list[str]:
    """``Text(text).wrap(console, width, overflow="fold")`` for single-cell text: each line cut
    at the break offsets, trailing space beyond the width cropped, then cropped to the width."""
    lines: list[str] = []
    for line in text.split("\n"):
        cuts = [0, *_divide_line(line, width), len(line)]
        for a, b in pairwise(cuts):
            piece = line[a:b]
            if len(piece) > width:
                space = _TRAILING_SPACE.search(piece)
                if space is not None:
                    piece = piece[: len(piece) - min(len(space.group(0)), len(piece) - width)]
            lines.append(piece[:width])
    return lines


def _wrap_text(text: str, width: int) -> str:
    """``Console.print(text)``: wrapped lines, each ended by a newline."""
    return "".join(line + "\n" for line in _wrap(text, width))


def _measure(text: str) -> tuple[int, int]:
    """``Text.__rich_measure__``: (longest word, longest line)."""
    lines = text.splitlines()
    longest = max((len(line) for line in lines), default=0)
    words = text.split()
    return (max((len(w) for w in words), default=longest), longest)


def _normalize(low: int, high: int) -> tuple[int, int]:
    """``Measurement.normalize``."""
    low = min(max(0, low), high)
    return (max(0, low), max(0, max(low, high)))


def _measure_cell(text: str, max_width: int) -> tuple[int, int]:
    """``Measurement.get`` of ``Padding(text, (0, 1))`` within ``max_width``."""
    if max_width < 1:
        return (0, 0)
    if max_width - 2 < 1:  # Padding.__rich_measure__
        low, high = max_width, max_width
    else:
        low, high = _normalize(*_measure(text))  # Measurement.get of the text
        low, high = min(low, max_width), min(high, max_width)
        low, high = (0, 0) if high < 1 else _normalize(low, high)
        low, high = min(low + 2, max_width), min(high + 2, max_width)
    low, high = _normalize(low, high)  # Measurement.get of the padding
    low, high = min(low, max_width), min(high, max_width)
    return (0, 0) if high < 1 else _normalize(low, high)


def _measure_column(cells: Sequence[str], max_width: int) -> tuple[int, int]:
    """``Table._measure_column`` (no fixed, minimum or maximum width)."""
    if max_width < 1:
        return (0, 0)
    ranges = [_measure_cell(c, max_width) for c in cells]
    low = max(r[0] for r in ranges)
    high = max(r[1] for r in ranges)
    return (min(low, max_width), min(high, max_width))


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """``rich._ratio.ratio_reduce``."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result: list[int] = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _ratio_distribute(total: int, ratios: list[int]) -> list[int]:
    """``rich._ratio.ratio_distribute`` without minimums."""
    total_ratio = sum(ratios)
    remaining = total
    result: list[int] = []
    for ratio in ratios:
        distributed = ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        result.append(distributed)
        total_ratio -= ratio
        remaining -= distributed
    return result


def _collapse(widths: list[int], max_width: int) -> list[int]:
    """``Table._collapse_widths`` with every column wrappable."""
    total = sum(widths)
    excess = total - max_width
    while total and excess > 0:
        widest = max(widths)
        second = max(w if w != widest else 0 for w in widths)
        difference = widest - second
        ratios = [1 if w == widest else 0 for w in widths]
        if not any(ratios) or not difference:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths


def _column_widths(columns: list[list[str]], max_width: int) -> list[int]:
    """``Table._calculate_column_widths`` for ``Table(expand=True)`` without ratios."""
    widths = [_measure_column(c, max_width)[1] or 1 for c in columns]
    table_width = sum(widths)
    if table_width > max_width:
        widths = _collapse(widths, max_width)
        table_width = sum(widths)
        if table_width > max_width:
            widths = _ratio_reduce(table_width - max_width, [1] * len(widths), widths, widths)
            table_width = sum(widths)
        widths = [_measure_column(c, w)[1] or 0 for c, w in zip(columns, widths, strict=True)]
    if table_width < max_width:
        pads = _ratio_distribute(max_width - table_width, widths)
        widths = [w + p for w, p in zip(widths, pads, strict=True)]
    return widths


def _cell_lines(text: str, width: int) -> list[str]:
    """A cell's lines: ``Padding(text, (0, 1))`` rendered ``width`` cells wide, left-justified."""
    inner = width - 2
    return [f" {line.ljust(inner)[:inner]} " for line in _wrap(text, inner)]


def _table(rows: list[tuple[str, ...]], width: int) -> str | None:
    """The table of ``rows`` (the header first) on a console ``width`` cells wide."""
    columns = [list(col) for col in zip(*rows, strict=True)]
    widths = _column_widths(columns, width - (len(columns) + 1))
    if min(widths) < MIN_COLUMN or sum(widths) + len(columns) + 1 != width:
        return None
    out = [_rule(_TOP, widths)]
    for n, row in enumerate(rows):
        cells = [_cell_lines(text, w) for text, w in zip(row, widths, strict=True)]
        height = max(len(c) for c in cells)
        if n == 0:  # the header row: bottom-aligned
            cells = [[" " * w] * (height - len(c)) + c for c, w in zip(cells, widths, strict=True)]
        else:
            cells = [c + [" " * w] * (height - len(c)) for c, w in zip(cells, widths, strict=True)]
        left, divider, right = _HEAD if n == 0 else _BODY
        for i in range(height):
            out.append(left + divider.join(c[i] for c in cells) + right + "\n")
        if n == 0:
            out.append(_rule(_RULE, widths))
    out.append(_rule(_BOTTOM, widths))
    return "".join(out)


def _rule(box: tuple[str, str, str, str], widths: list[int]) -> str:
    left, horizontal, cross, right = box
    return left + cross.join(horizontal * w for w in widths) + right + "\n"
