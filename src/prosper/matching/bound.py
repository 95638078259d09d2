"""An upper bound of :func:`prosper.matching.names.score_name`, cheaper than the score.

The screening index scores every retrieved candidate name, though most cannot reach the
reporting floor. :func:`name_bound` is never below the true score (it is *admissible*): a
candidate whose bound is under the floor can be left unscored without changing any result.

The bound takes the token agreements (:func:`~prosper.matching.tokens.token_agreement`, the
same memoised rows the scorer reads) and keeps, for each token of either name, its best
agreement with any token of the other (or the score of a one-word / two-word merge when one is
possible; across Arabic script only two words whose consonants are the word's). It skips the
alignment, the minor-word and common-name rules and, unless needed, the comparison without
spaces. The token score is a weighted mean of the agreements of the aligned tokens over the
weights of all tokens, unaligned ones counted at ``extra`` of their weight; the bound is the
largest such ratio over the choices, per token, of aligned at its best agreement (at its
largest or its smallest weight: the population factor) or unaligned (at its smallest weight,
a minor word's share) — :func:`_best_ratio`. ``extra`` is the scorer's smallest share, unless
the scorer must use a larger one (one word against several, a name written syllable by
syllable, or a never-minor word unaligned on each side: then every never-minor word of one
name is aligned, or the larger share applies). The fixed scores a rule can give instead
(brand, acronym) count when the rule may apply, and the comparison without spaces
(:func:`~prosper.matching.compact.compact_score`) exactly.
"""

from __future__ import annotations

from typing import Final

from prosper.matching import config as cfg
from prosper.matching.bound_tokens import (
    ListName,
    ListTokens,
    _facts,
    _initials,
    _ListToken,
    _may_agree,
    _may_be_minor,
    _mergeable,
    pair_skeletons,
)
from prosper.matching.compact import compact_score
from prosper.matching.names import _syllabic
from prosper.matching.tokens import token_agreement
from prosper.model import EntityType
from prosper.names.nicknames import _family as _nickname_family
from prosper.names.normalize import NameForm, with_compounds_joined
from prosper.names.weights import TokenWeights

__all__ = ["ListName", "ListTokens", "QueryBound", "name_bound"]

# the smallest share of its weight an unaligned token counts with when one name has one word
# and the other more, when each name leaves a word that is not minor unaligned, or when
# either is written syllable by syllable (the scorer's SINGLE, CONFLICT and SYLLABIC rules:
# "Colton Adams" / "Ryan Adams", "Kim Dong-chul" / "Kim Tong Ho")
_EXTRA_HARD: Final = min(
    cfg.EXTRA_TOKEN_SINGLE,
    cfg.EXTRA_TOKEN_CONFLICT,
    cfg.EXTRA_TOKEN_SYLLABIC,
)
# … and otherwise (whatever rule applies)
_EXTRA_MIN_PERSON: Final = min(cfg.EXTRA_TOKEN_PERSON, _EXTRA_HARD)
_EXTRA_MIN_OTHER: Final = min(cfg.EXTRA_TOKEN_ORG, _EXTRA_HARD)
_MERGED = cfg.EXACT * cfg.COMPACT_FACTOR
_MERGED_ABJAD = max(_MERGED, cfg.TRANSLITERATED)
# the tuning constants the hot loops read, bound once (a compiled module reads its own
# globals directly, another module's attributes by a dictionary lookup each time)
_ACRONYM_MIN_LETTERS: Final = cfg.ACRONYM_MIN_LETTERS
_ACRONYM_SCORE: Final = cfg.ACRONYM_SCORE
_BRAND_SCORE: Final = cfg.BRAND_SCORE
_COMPACT_MIN_LENGTH: Final = cfg.COMPACT_MIN_LENGTH
_COMPACT_MIN_SIMILARITY: Final = cfg.COMPACT_MIN_SIMILARITY
_MERGED_MIN_LENGTH: Final = cfg.MERGED_MIN_LENGTH
_PHONETIC: Final = cfg.PHONETIC
_POPULATION_MIN_AGREEMENT: Final = cfg.POPULATION_MIN_AGREEMENT


def name_bound(
    query: NameForm,
    candidate: NameForm,
    weights: TokenWeights,
    type: EntityType | None = None,
    floor: float = float("inf"),
) -> float:
    """An upper bound of ``score_name(query, candidate, weights, type).score`` (one pair:
    :class:`QueryBound` keeps the work that depends on the query only).

    ``floor``: the bound may stop refining once it reaches ``floor``: a value at least
    ``floor`` only says "may reach the floor" (the comparison without spaces is then not
    computed)."""
    return QueryBound(query, weights, type).bound(candidate, floor)


# a list token's agreement with each query token, the best of them, its largest and smallest
# weights aligned, its smallest unaligned and whether it is never minor (see _row)
_Row = tuple[list[float], float, float, float, float, bool]
# a token for _best_ratio: best agreement, largest and smallest weights aligned, smallest
# unaligned, and whose never-minor token it is (0: may be minor, 1: the query's, 2: the list's)
_Token = tuple[float, float, float, float, int]
# the refinements of _best_ratio before it gives up and says 1.0 (each one raises the ratio
# to that of a choice of the tokens; it converges in a few: the ratios of a finite set)
_RATIO_ROUNDS: Final = 64


class QueryBound:
    """The bound of one prepared query against list names, for one entity ``type`` (as given
    to the scorer): the query's weights, merge keys and each list token's agreements are
    computed once. ``tokens``: the list tokens' features remembered across queries (for the
    same ``weights``; a fresh one when not given)."""

    def __init__(
        self,
        query: NameForm,
        weights: TokenWeights,
        type: EntityType | None,
        tokens: ListTokens | None = None,
    ) -> None:
        self.query = query
        self.weights = weights
        if tokens is None or tokens.weights is not weights:
            tokens = ListTokens(weights)
        self.tokens = tokens
        self.type = type
        self.person = type is EntityType.PERSON or type is None
        self.org = type is not EntityType.PERSON
        self.extra = _EXTRA_MIN_PERSON if type is EntityType.PERSON else _EXTRA_MIN_OTHER
        self.arabic = "arabic" in query.scripts
        qt = query.tokens
        self.q_tokens = qt
        self.q_weights = [self._weights(t) for t in qt]
        # the query tokens that are never minor (an unaligned one is a conflict's half)
        self.q_major = [not _may_be_minor(t, self.org) for t in qt]
        self.syllabic = _syllabic(query)
        # the smallest weight a query token can count with aligned: the population factor
        # lowers a person's agreeing word (only when the scorer applies it)
        self.q_low = [
            weights.weight(t, True) if self.person else w
            for t, (w, _) in zip(qt, self.q_weights, strict=True)
        ]
        self.q_facts = [
            _facts(*keys)
            for keys in zip(qt, query.phonetic, query.korean, query.variant, strict=True)
        ]
        self.q_nicknames = [
            _nickname_family(t) if self.person and len(t) >= 2 else frozenset() for t in qt
        ]
        # a query word that may be two list words: its prefixes and the rest of it
        self.prefixes: dict[str, list[tuple[int, str]]] = {}
        for i, word in enumerate(qt):
            if len(word) >= _MERGED_MIN_LENGTH:
                for k in range(1, len(word)):
                    self.prefixes.setdefault(word[:k], []).append((i, word[k:]))
        # two query words that may be one list word
        self.pairs: dict[str, list[tuple[int, int]]] = {}
        for j, first in enumerate(qt):
            for k, second in enumerate(qt):
                if j != k:
                    self.pairs.setdefault(first + second, []).append((j, k))
        self.lengths = (sum(map(len, qt)), sum(map(len, query.full)))
        self.word_lengths = sorted(map(len, qt))
        self.n_full = len(query.full)
        self.one_word = qt[0] if len(qt) == 1 else ""
        self.initials = _initials(query.full)
        self.korean = all(k is not None for k in query.korean)
        # list token → its agreement with each query token, best of them, weights (one
        # table for names in the query's script family, one across Arabic script)
        self.rows: dict[str, _Row] = {}
        self.rows_abjad: dict[str, _Row] = {}
        # each query token's remembered agreements (ListTokens.agreements_of), looked up
        # on the first row built
        self._memos: list[dict[str, float]] | None = None
        self._memos_abjad: list[dict[str, float]] | None = None
        self._joined: QueryBound | None = None  # the query with its compounds joined
        self._joined_done = False
        self._joins: dict[str, set[int]] | None = None  # pair_skeletons of the query tokens

    def _weights(self, token: str) -> tuple[float, float]:
        """The largest weight of ``token`` aligned (the population factor only lowers it) and
        the smallest unaligned (a minor word's share)."""
        w = self.weights.weight(token, False)
        return w, w * (cfg.MINOR_TOKEN if _may_be_minor(token, self.org) else 1.0)

    def bound(self, candidate: NameForm, floor: float = float("inf")) -> float:
        """An upper bound of the score of ``candidate`` (see :func:`name_bound`)."""
        listed = self.tokens.name(candidate)
        bound = self._token_bound(listed, floor)
        if self.arabic != listed.arabic and bound < floor:
            if not self._joined_done:
                jq = with_compounds_joined(self.query)
                if jq is not None:
                    self._joined = QueryBound(jq, self.weights, self.type, self.tokens)
                self._joined_done = True
            jc = listed.joined(self.tokens)  # remembered with the list name
            if self._joined is not None or jc is not None:
                joined = self if self._joined is None else self._joined
                other = listed if jc is None else jc
                bound = max(bound, joined._token_bound(other, floor))
        return bound

    def _row(self, c: str, feature: _ListToken, abjad: bool) -> _Row:
        mine, hi, low, lo_org, lo_person, major_org, major_person = feature
        cp, ck, cv = mine[1], mine[2], mine[3]
        person = self.person
        tokens = self.tokens
        memos = self._memos_abjad if abjad else self._memos
        if memos is None:
            memos = [tokens.agreements_of(q, person, abjad) for q in self.q_tokens]
            if abjad:
                self._memos_abjad = memos
            else:
                self._memos = memos
        row: list[float] = []
        best = 0.0
        for i, memo in enumerate(memos):
            agreement = memo.get(c)
            if agreement is None:
                q = self.q_facts[i]
                agreement = (
                    token_agreement(q[0], q[1], q[2], c, cp, ck, person, abjad, q[3], cv)[0]
                    if _may_agree(q, self.q_nicknames[i], mine, person, abjad)
                    else 0.0
                )
                if tokens.agreements_count < tokens.agreements_max:
                    memo[c] = agreement
                    tokens.agreements_count += 1
            row.append(agreement)
            if agreement > best:
                best = agreement
        known = (
            row,
            best,
            hi,
            low if self.person else hi,
            lo_org if self.org else lo_person,
            major_org if self.org else major_person,
        )
        if abjad:
            self.rows_abjad[c] = known
        else:
            self.rows[c] = known
        return known

    def _merges(self, ct: tuple[str, ...]) -> tuple[set[int], set[int]]:
        """Query and list tokens that may be in a one-word / two-word merge
        (:func:`~prosper.matching.compact.merge_split_tokens`, any tokens free)."""
        q_merge: set[int] = set()
        c_merge: set[int] = set()
        prefixes = self.prefixes
        if len(ct) >= 2 and prefixes and not prefixes.keys().isdisjoint(ct):
            where: dict[str, list[int]] = {}
            for j, tok in enumerate(ct):
                where.setdefault(tok, []).append(j)
            for j, first in enumerate(ct):
                for i, rest in self.prefixes.get(first, ()):
                    others = [k for k in where.get(rest, ()) if k != j]
                    if others:
                        q_merge.add(i)
                        c_merge.add(j)
                        c_merge.update(others)
        if self.pairs:
            for j, word in enumerate(ct):
                if len(word) >= _MERGED_MIN_LENGTH:
                    for a, b in self.pairs.get(word, ()):
                        c_merge.add(j)
                        q_merge.update((a, b))
        return q_merge, c_merge

    def _token_bound(self, listed: ListName, floor: float) -> float:
        query = self.query
        abjad = self.arabic != listed.arabic
        qt, ct = self.q_tokens, listed.tokens
        if not qt or not ct:
            return 1.0  # nothing to bound by (the index holds no such name)
        if abjad:
            if self._joins is None:
                self._joins = pair_skeletons(qt)
            q_one, c_two = _mergeable(qt, ct, True, listed.joins())
            c_one, q_two = _mergeable(ct, qt, True, self._joins)
            q_merge, c_merge = q_one | q_two, c_one | c_two
            merged = _MERGED_ABJAD
        else:
            q_merge, c_merge = self._merges(ct)
            merged = _MERGED
        rows_get = (self.rows_abjad if abjad else self.rows).get
        features = listed.features
        entries = [rows_get(c) or self._row(c, features[j], abjad) for j, c in enumerate(ct)]
        # each query token's best agreement with any list token
        best_q = entries[0][0]
        if len(entries) > 1:
            best_q = best_q[:]
            n_q = len(best_q)
            for entry in entries[1:]:
                row = entry[0]
                for i in range(n_q):
                    if row[i] > best_q[i]:
                        best_q[i] = row[i]
        # every token that agrees with some token of the other name (_Token); the smallest
        # weights of those that agree with none, and whether one of them is never minor
        alignable: list[_Token] = []
        missing = 0.0
        lost_q = lost_c = False
        for j, (_, m, hi, low, lo, major) in enumerate(entries):
            if c_merge and j in c_merge and merged > m:
                m = merged
            if m > 0.0:
                low = low if m >= _POPULATION_MIN_AGREEMENT else hi
                alignable.append((m, hi, low, lo, 2 if major else 0))
            else:
                missing += lo
                lost_c = lost_c or major
        q_low, q_major = self.q_low, self.q_major
        for i, (hi, lo) in enumerate(self.q_weights):
            m = best_q[i]
            if q_merge and i in q_merge and merged > m:
                m = merged
            if m > 0.0:
                low = q_low[i] if m >= _POPULATION_MIN_AGREEMENT else hi
                alignable.append((m, hi, low, lo, 1 if q_major[i] else 0))
            else:
                missing += lo
                lost_q = lost_q or q_major[i]
        # the scorer's extra share: at least _EXTRA_HARD for one word against more, a name
        # written syllable by syllable, or a never-minor word unaligned on each side; else a
        # name keeps all its never-minor words aligned (a side with one lost cannot)
        bound = _best_ratio(alignable, _EXTRA_HARD, missing, 0, 0.0, floor)
        if bound < floor and not (
            (len(qt) == 1) != (len(ct) == 1) or self.syllabic or listed.syllabic
        ):
            if not lost_q:
                bound = _best_ratio(alignable, self.extra, missing, 1, bound, floor)
            if not lost_c and bound < floor:
                bound = _best_ratio(alignable, self.extra, missing, 2, bound, floor)
        org = self.org
        if org and len(ct) > len(qt) and bound < _BRAND_SCORE:
            brand = True
            for i in range(len(qt)):
                if best_q[i] < _PHONETIC and i not in q_merge:
                    brand = False
                    break
            if brand:
                bound = _BRAND_SCORE  # the brand rule may apply
        if org and bound < _ACRONYM_SCORE and self._acronym(listed):
            bound = _ACRONYM_SCORE
        if bound < floor and self._compact_may_count(listed, abjad):
            bound = max(bound, compact_score(query, listed.form, abjad))
        return min(1.0, bound)

    def _acronym(self, listed: ListName) -> bool:
        """:func:`~prosper.matching.names._whole_acronym` of the query and ``listed``: one
        is a single word of enough letters that is the initials of the other's words."""
        least = _ACRONYM_MIN_LETTERS
        if (
            len(self.one_word) >= least
            and listed.n_full >= least
            and self.one_word == listed.initials
        ):
            return True
        return (
            len(listed.one_word) >= least
            and self.n_full >= least
            and listed.one_word == self.initials
        )

    def _compact_may_count(self, listed: ListName, abjad: bool) -> bool:
        """:func:`~prosper.matching.compact.compact_score` may be above 0 (cheap tests of
        its own conditions: the token counts and a moved space, the lengths without spaces,
        the Korean keys)."""
        if abjad:
            return True
        if (
            self.n_full == listed.n_full
            and len(self.q_tokens) == len(listed.tokens)
            # compact.space_moved: as many letters in words of other lengths
            and not (self.lengths[0] == listed.letters and self.word_lengths != listed.word_lengths)
        ):
            return False
        if self.korean and listed.korean:
            return True
        slack = 1.0 - _COMPACT_MIN_SIMILARITY  # the smallest similarity it ever accepts
        least = _COMPACT_MIN_LENGTH
        for lq in self.lengths:
            if lq < least:
                continue
            for lc in (listed.letters, listed.letters_full):
                if lc >= least and abs(lq - lc) <= slack * max(lq, lc):
                    return True
        return False


def _best_ratio(
    tokens: list[_Token], extra: float, missing: float, kept: int, start: float, floor: float
) -> float:
    """The largest token score the tokens allow (Dinkelbach's iteration for a largest ratio).

    ``tokens``: each token that agrees with some token of the other name (:data:`_Token`: ``m``
    its best agreement, ``hi`` and ``low`` its largest and smallest weight aligned, ``lo`` its
    smallest weight unaligned); ``missing``: the smallest weights of the tokens that agree with
    none, summed; ``extra``: the smallest share an unaligned token counts with; ``kept``: 1 or
    2 when every never-minor token of the query (1) or of the list name (2) is aligned.
    Returns the larger of ``start`` and that largest ratio, or, as soon as a ratio reaches
    ``floor``, that ratio (it says "may reach the floor").

    The scorer's score is ``num / den`` where an aligned token adds ``s·w`` to ``num`` and ``w``
    to ``den`` (``s ≤ m``, ``low ≤ w ≤ hi``) and an unaligned one ``x·w'`` to ``den`` (``x ≥
    extra``, ``w' ≥ lo``). The ratio is largest with ``s = m`` and ``w`` at an end, so it is at
    most the largest ratio over the choices, per token, of aligned at ``hi``, aligned at
    ``low`` or unaligned at ``lo``. From ``t = 0``, each round picks per token the choice that
    adds most to ``num − t·den`` and takes its ratio; a round that does not raise ``t`` ends
    at that largest ratio. A token that agrees less than the answer counts at its cheapest
    (aligned at ``m`` or unaligned), not as if it could be left out free."""
    t = start
    extra_missing = extra * missing
    for _ in range(_RATIO_ROUNDS):
        num = 0.0
        den = extra_missing
        for m, hi, low, lo, major in tokens:
            if m >= t:
                num += m * hi  # (m − t)·hi: the most, never below the other two
                den += hi
            elif (kept and major == kept) or (m - t) * low >= -t * extra * lo:
                num += m * low
                den += low
            else:
                den += extra * lo
        ratio = num / den if den > 0.0 else 0.0
        if ratio <= t:
            return t
        t = ratio
        if t >= floor:
            return t
    return 1.0
