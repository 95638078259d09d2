"""Token weights: rare name tokens say more than common ones.

``George`` is on the lists many times and ``Habbash`` once, so sharing ``george`` says little
("George Bush" is not "George Habbash", watchman #115). The weight of a token is its inverse
document frequency over every name of the official lists, times a length factor (initials and
two-letter tokens carry little).

The document frequencies ship as ``data/token_df.tsv`` — computed with
:func:`count_token_frequencies` over every primary name and alias of the embedded snapshot
(105,736 names of 41,549 entities: OFAC SDN and non-SDN, UN, BIS DPL, the 2026 CSL incl. the
Entity List, EU FSF, DFAT, SEMA, METI; regenerated 2026-12-06 after the snapshot gained the
EU/AU/CA/JP lists and the matcher its abbreviations ``intl``/``dprk``).
:func:`prosper.matching.match_names` and the screening index use the same table, so a pair
scores the same in ``prosper match`` and ``prosper screen``.
Regenerate it with :func:`count_token_frequencies` and :func:`format_token_stats` when the
embedded lists change a lot.

The lists alone do not know which names are common among people: ``Smith`` is rare on them.
:meth:`TokenWeights.with_population` adds a population name-frequency table
(:mod:`prosper.names.frequency`): for a person's name, a token borne by more than
``common_per_100k`` people in 100,000 has its weight divided by
``1 + population_weight × log2(frequency / common_per_100k)`` (``smith``, 830 per 100,000, at
the matcher's settings ×0.48), so a rare surname beside it carries the score. The matcher's
settings are :data:`prosper.matching.config.POPULATION_WEIGHT` and ``COMMON_TOKEN_PER_100K``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from prosper.cachefile import cached_table
from prosper.model import EntityType
from prosper.names.normalize import prepare_name
from prosper.packagedata import read_text

# Length factors: an initial ("j") or a two-letter token ("un", "al") identifies little.
INITIAL_FACTOR = 0.35  # "J" in "J. Smith"
SHORT_FACTOR = 0.7  # "Un" in "Kim Jong Un", "al" in "Ali al Hassan"
DIGIT_FACTOR = 0.8  # "11420" in "11420 CORP."
MIN_IDF = 1.0  # the most common tokens ("mohammad", "trading") still count a little


@dataclass(frozen=True, slots=True)
class TokenWeights:
    """Inverse-document-frequency weights over a corpus of names."""

    df: Mapping[str, int]
    total: int
    _memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    population: Mapping[str, float] = field(default_factory=dict)  # people per 100,000
    population_weight: float = 0.0  # 0: the population table is not used
    common_per_100k: float = 0.0
    _person_memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    # the table that says which names are common (is_common); None: ``population``
    common_population: Mapping[str, float] | None = None

    def weight(self, token: str, person: bool = False) -> float:
        """The weight of ``token``: IDF × length factor, and for a person's name
        (``person``) × the population factor (:meth:`population_factor`).

        >>> w = TokenWeights({"george": 40}, 50_000)
        >>> w.weight("george") < w.weight("habbash")
        True
        """
        memo = self._person_memo if person and self.population_weight else self._memo
        known = memo.get(token)
        if known is not None:
            return known
        value = self._weight(token)
        if memo is self._person_memo:
            value *= self.population_factor(token)
        if len(memo) < 500_000:
            memo[token] = value
        return value

    def population_factor(self, token: str) -> float:
        """1 for a token that is not common among people; for a common one (borne by more
        than ``common_per_100k`` in 100,000), ``1 / (1 + population_weight × log2(frequency /
        common_per_100k))``.

        >>> w = TokenWeights({}, 1, population={"smith": 800.0}, population_weight=0.5,
        ...                  common_per_100k=100.0)
        >>> w.population_factor("smith"), w.population_factor("habbash")
        (0.4, 1.0)
        """
        freq = self.population.get(token, 0.0)
        if not self.population_weight or freq <= self.common_per_100k:
            return 1.0
        return 1.0 / (1.0 + self.population_weight * math.log2(freq / self.common_per_100k))

    def is_common(self, token: str) -> bool:
        """Borne by more than ``common_per_100k`` people in 100,000 (false without a table),
        by ``common_population`` where given, else by ``population``."""
        table = self.population if self.common_population is None else self.common_population
        return bool(table) and table.get(token, 0.0) > self.common_per_100k

    def with_population(
        self,
        population: Mapping[str, float],
        weight: float,
        common_per_100k: float,
        common_population: Mapping[str, float] | None = None,
    ) -> TokenWeights:
        """These weights with a population name-frequency table (a new object, new memos);
        ``common_population``, when given, is the table :meth:`is_common` reads instead."""
        return TokenWeights(
            self.df,
            self.total,
            population=population,
            population_weight=weight,
            common_per_100k=common_per_100k,
            common_population=common_population,
        )

    def idf(self, token: str) -> float:
        """The inverse document frequency of ``token`` alone, without the length factor."""
        return max(MIN_IDF, math.log((self.total + 1) / (self.df.get(token, 0) + 1)))

    def _weight(self, token: str) -> float:
        idf = self.idf(token)
        n = len(token)
        if token.isdigit():
            return idf * DIGIT_FACTOR
        if n == 1:
            return idf * INITIAL_FACTOR
        if n == 2:
            return idf * SHORT_FACTOR
        return idf


def count_token_frequencies(names: Iterable[tuple[str, EntityType | None]]) -> Counter[str]:
    """Document frequency of every prepared token over ``names`` (name, type) pairs."""
    df: Counter[str] = Counter()
    for name, type_ in names:
        df.update(set(prepare_name(name, type_).tokens))
    return df


def format_token_stats(df: Counter[str], total: int, min_df: int = 3) -> str:
    """The TSV text of ``data/token_df.tsv`` (first line ``#total<TAB>N``)."""
    lines = [f"#total\t{total}"]
    lines += [f"{tok}\t{n}" for tok, n in sorted(df.items()) if n >= min_df]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def default_weights() -> TokenWeights:
    """Token weights from the frequencies shipped with Prosper (``data/token_df.tsv``)."""
    text = read_text("prosper.names", "data/token_df.tsv")
    table = cached_table("token-df", text, parse_token_stats)  # parsed once per text
    return TokenWeights(table["df"], table["total"])


def parse_token_stats(text: str) -> dict[str, Any]:
    """``{"total": N, "df": {token: count}}`` from the text of ``data/token_df.tsv``.

    >>> parse_token_stats("#total\\t10\\nkim\\t3\\n")
    {'total': 10, 'df': {'kim': 3}}
    """
    total = 1
    df: dict[str, int] = {}
    for line in text.splitlines():
        key, _, value = line.partition("\t")
        if key == "#total":
            total = int(value)
        elif key:
            df[key] = int(value)
    return {"total": total, "df": df}
