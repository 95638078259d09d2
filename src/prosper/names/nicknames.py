"""Nicknames of English given names: ``Bob`` ~ ``Robert``, ``Bill`` ~ ``William``.

The pairs come from the ``nicknames`` package (PyPI, Apache-2.0, no dependencies): a
hand-curated table of English names and their nicknames (carltonnorthern/nicknames). Two given
names agree when either is a nickname of the other or both are nicknames of one name.

The table is read from the package's ``names.csv`` as its ``NickNamer`` reads it (the
``has_nickname`` rows, names lower-cased and stripped), located without importing the package:
its ``__init__`` reads its version through ``importlib.metadata`` (~0.03–0.05 s of CPU at
start-up, more than the table). Where the file cannot be found that way, ``NickNamer`` itself
is used. ``tests/names/test_nicknames.py`` checks both give the same names for every name of
the table.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

Lookup = dict[str, set[str]]


def _csv_path() -> Path | None:
    spec = find_spec("nicknames")  # a top-level package: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "names.csv"
    return path if path.is_file() else None


def read_tables(path: Path) -> tuple[Lookup, Lookup]:
    """``(nicknames of a name, canonical names of a nickname)`` from a ``names.csv`` file, as
    ``nicknames.NickNamer()`` builds them."""
    nicknames_of: Lookup = {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)  # the header
        for canonical, relationship, nickname in rows:
            if relationship == "has_nickname":
                nicknames_of.setdefault(canonical.lower().strip(), set()).add(
                    nickname.lower().strip()
                )
    canonicals_of: Lookup = {}
    for name, nicks in nicknames_of.items():
        for nick in nicks:
            canonicals_of.setdefault(nick, set()).add(name)
    return nicknames_of, canonicals_of


@lru_cache(maxsize=1)
def _tables() -> tuple[Lookup, Lookup]:
    path = _csv_path()
    if path is not None:
        try:
            return read_tables(path)
        except (OSError, ValueError, UnicodeDecodeError):
            pass  # a file of another layout: the package's own reader
    from nicknames import NickNamer

    namer = NickNamer()
    return namer.nickname_lookup, namer.canonical_lookup


@lru_cache(maxsize=65536)
def _family(name: str) -> frozenset[str]:
    nicknames_of, canonicals_of = _tables()
    key = name.lower().strip()
    canon = set(canonicals_of.get(key, ())) | {name}
    out = set(canon)
    for c in canon:
        out |= nicknames_of.get(c.lower().strip(), set())
    return frozenset(out)


def are_nicknames(a: str, b: str) -> bool:
    """``a`` and ``b`` (folded given names) are one name and its nickname, or two nicknames of
    one name.

    >>> are_nicknames("bob", "robert"), are_nicknames("bill", "william")
    (True, True)
    >>> are_nicknames("bob", "john")
    False
    """
    if a == b or min(len(a), len(b)) < 2:
        return a == b
    return b in _family(a)
