"""Common names: the population frequency of name tokens in the matcher.

Two uses of the population name-frequency table (:mod:`prosper.names.frequency`):

* :func:`population_weights` — the token weights of the lists (IDF) with the table, so that in
  a person's name a very common token (``smith``, ``john``, ``mohammed``) weighs less than a
  rare one (:meth:`prosper.names.weights.TokenWeights.population_factor`).
* :func:`common_name_match` — a person hit that rests only on common tokens: screening caps it
  at :data:`~prosper.matching.config.COMMON_NAME_CAP` unless a date of birth or a document
  agrees (``John Smith`` does not alert on a bare ``SMITH, John``; ``Kim Jong Un`` does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from prosper.matching import config as cfg
from prosper.matching.names import NameScore
from prosper.names.frequency import (
    merge_tables,
    patronymic_surnames,
    population_table,
    world_given_names_table,
)
from prosper.names.normalize import NameForm
from prosper.names.weights import TokenWeights, default_weights


def _patronymic_rules() -> list[tuple[str, str]]:
    """:data:`~prosper.matching.config.PATRONYMIC_SURNAMES` as ``(ending, suffix)`` pairs."""
    rules = [tuple(rule.split(":")) for rule in cfg.PATRONYMIC_SURNAMES.split()]
    return [(ending, suffix) for ending, suffix in rules]


def build_matcher_population() -> dict[str, float]:
    """Every token of :func:`matcher_population`, computed at once (what it answers token by
    token): the US table merged with the world's first names and their patronymic surnames."""
    world = world_given_names_table()
    surnames = patronymic_surnames(
        world,
        _patronymic_rules(),
        cfg.PATRONYMIC_SURNAME_SHARE,
        cfg.PATRONYMIC_GIVEN_MIN_PER_100K,
    )
    table = merge_tables(population_table(), world, cfg.WORLD_GIVEN_NAME_SHARE)
    return merge_tables(table, surnames)


class MatcherPopulation(Mapping[str, float]):
    """:func:`build_matcher_population`'s table, each token worked out when it is asked for.

    Building the whole table (~76,000 tokens, most of them patronymic surnames) costs ~0.1 s
    of CPU at the start of every command, while one screen asks for a few tokens. A token's
    value is the same maximum :func:`~prosper.names.frequency.merge_tables` takes, of the
    same products: its US value; its world first-name value × ``WORLD_GIVEN_NAME_SHARE`` when
    larger; the largest patronymic value when larger — the first names it can be made from
    (``ivanov`` ← ``ivan`` + ``ov``: the token without the suffix, plus the rule's ending),
    each borne by at least ``PATRONYMIC_GIVEN_MIN_PER_100K`` and leaving a stem of at least two
    letters, × ``PATRONYMIC_SURNAME_SHARE``. Iterating or sizing it builds the whole table.
    """

    def __init__(self) -> None:
        # the tables are read on the first question (a screen of organisations, or of names
        # written syllable by syllable, never asks: common_name_match)
        self._tables: tuple[Mapping[str, float], Mapping[str, float]] | None = None
        self._rules = _patronymic_rules()
        self._memo: dict[str, float | None] = {}
        self._full: dict[str, float] | None = None

    def _read(self) -> tuple[Mapping[str, float], Mapping[str, float]]:
        if self._tables is None:
            self._tables = (population_table(), world_given_names_table())
        return self._tables

    @property
    def _us(self) -> Mapping[str, float]:
        return self._read()[0]

    @property
    def _world(self) -> Mapping[str, float]:
        return self._read()[1]

    def _value(self, token: str) -> float | None:
        value = self._us.get(token)
        found = value is not None
        best = 0.0 if value is None else value
        given = self._world.get(token)
        if given is not None:
            scaled = given * cfg.WORLD_GIVEN_NAME_SHARE
            if scaled > best:
                best, found = scaled, True
        patronymic = 0.0
        for ending, suffix in self._rules:
            if not token.endswith(suffix):
                continue
            stem = token[: len(token) - len(suffix)]
            if len(stem) < 2:
                continue
            freq = self._world.get(stem + ending)
            if freq is None or freq < cfg.PATRONYMIC_GIVEN_MIN_PER_100K:
                continue
            patronymic = max(patronymic, freq * cfg.PATRONYMIC_SURNAME_SHARE)
        if patronymic > best:
            best, found = patronymic, True
        return best if found else None

    def __getitem__(self, token: str) -> float:
        if self._full is not None:
            return self._full[token]
        if token in self._memo:
            value = self._memo[token]
        else:
            value = self._memo[token] = self._value(token)
        if value is None:
            raise KeyError(token)
        return value

    def _table(self) -> dict[str, float]:
        if self._full is None:
            self._full = build_matcher_population()
        return self._full

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __bool__(self) -> bool:
        return bool(self._us) or bool(self._table())


@lru_cache(maxsize=1)
def matcher_population() -> Mapping[str, float]:
    """The population table the matcher uses: the US surnames and first names, the world's
    first names (× :data:`~prosper.matching.config.WORLD_GIVEN_NAME_SHARE`) and the patronymic
    surnames made from them (:data:`~prosper.matching.config.PATRONYMIC_SURNAMES`), each where
    it says a token is more common (:func:`prosper.names.frequency.merge_tables`); answered
    token by token (:class:`MatcherPopulation`).

    >>> table = matcher_population()
    >>> table["oleksandr"] > 100 and table["ivanov"] > 5 and table["hosseini"] > 5
    True
    >>> "habbash" in table
    False
    """
    return MatcherPopulation()


@lru_cache(maxsize=1)
def population_weights() -> TokenWeights:
    """The shipped list IDF weights with the population tables, at the matcher's settings
    (:data:`~prosper.matching.config.POPULATION_WEIGHT`, ``COMMON_TOKEN_PER_100K``): which
    names are common (the cap) by :func:`matcher_population`; the weights by the same table or
    by the US table alone (:data:`~prosper.matching.config.WORLD_NAMES_IN_WEIGHTS`)."""
    weighting = matcher_population() if cfg.WORLD_NAMES_IN_WEIGHTS else population_table()
    return default_weights().with_population(
        weighting, cfg.POPULATION_WEIGHT, cfg.COMMON_TOKEN_PER_100K, matcher_population()
    )


def _syllabic(form: NameForm) -> bool:
    """Han or Hangul script, or romanized Korean syllable by syllable (``Kim Yong Su``)."""
    if form.scripts & {"han", "hangul"}:
        return True
    return len(form.tokens) >= 2 and all(k is not None for k in form.korean)


# the particles as a set, split once (a hit asked ``cfg.PARTICLES.split()`` per token)
_PARTICLES = frozenset(cfg.PARTICLES.split())


def _minor(token: str) -> bool:
    """An initial or a particle: neither common nor rare, it identifies nobody."""
    return len(token) == 1 or token in _PARTICLES


def common_name_match(
    result: NameScore,
    weights: TokenWeights,
    query: NameForm | None = None,
    candidate: NameForm | None = None,
) -> bool:
    """At most :data:`~prosper.matching.config.COMMON_NAME_MAX_WORDS` words of the query are
    aligned, and every aligned word of the match, on both sides, is a common name among people
    (:meth:`~prosper.names.weights.TokenWeights.is_common`; initials and particles do not
    count either way) — or, with :data:`~prosper.matching.config.COMMON_NAME_QUERY_SPELLING`,
    every aligned pair's query word is common, whatever the list's spelling — and at least one
    word is aligned. Never for a name written syllable by
    syllable (Han, Hangul, romanized Korean or Chinese; ``query`` / ``candidate`` when given):
    a capped exact ``KIM, Song`` fell under a partial ``KIM SONG II`` (Korean top-1 0.982 →
    0.976 when tried), and the short ones are already thin names
    (:data:`~prosper.matching.config.THIN_NAME_CAP`).

    >>> from prosper.matching.names import score_name
    >>> from prosper.names.normalize import prepare_name
    >>> w = population_weights()
    >>> def match(a: str, b: str) -> NameScore:
    ...     return score_name(prepare_name(a), prepare_name(b), w)
    >>> common_name_match(match("John Smith", "SMITH, John"), w)
    True
    >>> common_name_match(match("Kim Jong Un", "KIM Jong Un"), w)
    False
    >>> common_name_match(match("Kelly Smith", "SMYTH, Kelly"), w)  # a spelling of Smith
    True
    >>> common_name_match(match("Roberto Carlos Garcia", "Roberto Carlos GARCIA"), w)
    False
    >>> yu_jin = prepare_name("Yu Jin")
    >>> common_name_match(match("Yu Jin", "YU, Jin"), w, yu_jin, prepare_name("YU, Jin"))
    False
    """
    if any(form is not None and _syllabic(form) for form in (query, candidate)):
        return False
    # across Arabic script, a word's reading is the Latin side's: "aly" (علي) is "Ali"
    q_abjad, c_abjad = (
        form is not None and "arabic" in form.scripts for form in (query, candidate)
    )
    query_words = {
        token for q, _, _, _ in result.aligned for token in q.split() if not _minor(token)
    }
    if not 0 < len(query_words) <= cfg.COMMON_NAME_MAX_WORDS:
        return False  # a full name of three or more words is rare together (config.py)
    # the words each aligned pair brings, on both sides (the Latin side's only across scripts)
    pair_words = [
        [
            token
            for token in (
                *([] if q_abjad and not c_abjad else q.split()),
                *([] if c_abjad and not q_abjad else c.split()),
            )
            if not _minor(token)
        ]
        for q, c, _, _ in result.aligned
    ]
    if cfg.COMMON_NAME_QUERY_SPELLING:
        # the screened party bears a common name however the list spells it ("Kelly Smith" /
        # "SMYTH"); a typo of the query ("Jonh Smith") is no common word and is never capped
        # (an Arabic-script query word is read by its Latin partner, as above)
        return all(
            any(weights.is_common(t) for t in (c if q_abjad and not c_abjad else q).split())
            for (q, c, _, _), words in zip(result.aligned, pair_words, strict=True)
            if words
        )
    return all(weights.is_common(t) for words in pair_words for t in words)
