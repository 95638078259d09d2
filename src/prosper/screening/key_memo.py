"""The names of a query key with its weight, kept across the queries of one index.

Retrieval (:mod:`prosper.screening.retrieval`) makes each key's posting into a dictionary
``name → the key's weight`` (``dict.fromkeys``, in C) and merges the dictionaries of a query's
keys with dictionary operations. A common word's dictionary ("de": 1,806 of the embedded lists'
names) is the same for every query of an index — the weight is a function of the key and the
posting's length — so the long ones are made once and kept (a C copy of a kept dictionary is
several times cheaper than ``dict.fromkeys`` over the mapped posting, which makes an int object
per entry). The evidence of a group of long keys — each name's best weight among a query
token's keys, "de" with its Korean reading "te": 4,769 names — is kept the same way, keyed by
the group's keys with their weights and posting lengths.
"""

from __future__ import annotations

from collections.abc import Sequence

MEMO_MIN = 200  # a key's names are kept when its posting has this many (shorter: made per query)
MEMO_NAMES = 500_000  # ... until the kept keys hold this many names (~100 bytes each: ~50 MB)


class KeyMemo:
    """The names of the long keys of one index with their weights, made on first use.

    At most ``most`` names (:data:`MEMO_NAMES`) are kept; beyond, a key's dictionary is made
    per query (the same dictionary: results never depend on what is kept)."""

    def __init__(self, most: int = MEMO_NAMES) -> None:
        self._kept: dict[str, tuple[float, dict[int, float]]] = {}
        self._groups: dict[tuple[str, ...], tuple[tuple[tuple[float, int], ...], dict[int, float]]]
        self._groups = {}
        self._left = most

    def names(self, key: str, weight: float, posting: Sequence[int]) -> dict[int, float]:
        """``dict.fromkeys(posting, weight)``, the names of ``key`` in posting order (the
        caller must not change it: it may be the kept one)."""
        found = self._kept.get(key)
        if found is not None and found[0] == weight and len(found[1]) == len(posting):
            return found[1]
        made = dict.fromkeys(posting, weight)
        if MEMO_MIN <= len(posting) <= self._left and found is None:
            self._kept[key] = (weight, made)
            self._left -= len(posting)
        return made

    def group(
        self, keys: tuple[str, ...], shape: tuple[tuple[float, int], ...]
    ) -> dict[int, float] | None:
        """The kept evidence of a group of keys (each name's best weight among them, in the
        order the keys meet the names), when kept for the same weights and posting lengths
        (``shape``); else None. The caller must not change it."""
        found = self._groups.get(keys)
        if found is not None and found[0] == shape:
            return found[1]
        return None

    def keep_group(
        self,
        keys: tuple[str, ...],
        shape: tuple[tuple[float, int], ...],
        evidence: dict[int, float],
    ) -> None:
        """Keep a group's evidence (see :meth:`group`) when it holds at least
        :data:`MEMO_MIN` names and the cap allows."""
        if MEMO_MIN <= len(evidence) <= self._left and keys not in self._groups:
            self._groups[keys] = (shape, evidence)
            self._left -= len(evidence)

    @property
    def kept(self) -> int:
        """How many names the kept keys and groups hold."""
        return sum(len(names) for _, names in self._kept.values()) + sum(
            len(names) for _, names in self._groups.values()
        )
