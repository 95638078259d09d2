"""Nicknames of English given names: ``Bob`` ~ ``Robert``, ``Bill`` ~ ``William``.

The pairs come from the ``nicknames`` package (PyPI, Apache-2.0, no dependencies): a
hand-curated table of English names and their nicknames (carltonnorthern/nicknames). Two given
names agree when either is a nickname of the other or both are nicknames of one name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nicknames import NickNamer


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    # imported on first use: the package reads its version with importlib.metadata (~0.02 s
    # of CPU at start-up), and a screen whose names agree token for token never asks
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def _family(name: str) -> frozenset[str]:
    namer = _namer()
    canon = set(namer.canonicals_of(name)) | {name}
    out = set(canon)
    for c in canon:
        out |= set(namer.nicknames_of(c))
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
