"""An upper bound of :func:`prosper.matching.names.score_name`, cheaper than the score.

The screening index scores every retrieved candidate name, though most cannot reach the
reporting floor. :func:`name_bound` is never below the true score (it is *admissible*): a
candidate whose bound is under the floor can be left unscored without changing any result.

The bound takes the token agreements (:func:`~prosper.matching.tokens.token_agreement`, the
same memoised rows the scorer reads) and keeps, for each token of either name, its best
agreement with any token of the other (or the score of a one-word / two-word merge when one is
possible). It skips the alignment, the minor-word and common-name rules and, unless needed, the
comparison without spaces. The token score is a weighted mean of the agreements of the aligned
tokens over the weights of all tokens, unaligned ones counted at ``extra`` of their weight; so,
with ``m`` the best agreement of a token, ``hi`` the largest weight it can count with when
aligned and ``lo`` the smallest when not (a minor word's weight × ``MINOR_TOKEN``), the score
``t`` satisfies ``Σ_{m > t} (m − t)·hi ≥ t · extra_min · Σ_{m = 0} lo``, whose root is the
largest ``Σ m·hi / (Σ hi + extra_min · Σ lo)`` over the tokens taken best agreement first.
The fixed scores a rule can give instead (brand, acronym) count when the rule may apply, and the
comparison without spaces (:func:`~prosper.matching.compact.compact_score`) exactly.
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
)
from prosper.matching.compact import compact_score
from prosper.matching.tokens import token_agreement
from prosper.model import EntityType
from prosper.names.nicknames import _family as _nickname_family
from prosper.names.normalize import NameForm, with_compounds_joined
from prosper.names.weights import TokenWeights

__all__ = ["ListName", "ListTokens", "QueryBound", "name_bound"]

# the smallest share of its weight an unaligned token can count with (whatever rule applies)
_EXTRA_MIN_PERSON = min(
    cfg.EXTRA_TOKEN_PERSON,
    cfg.EXTRA_TOKEN_SINGLE,
    cfg.EXTRA_TOKEN_CONFLICT,
    cfg.EXTRA_TOKEN_SYLLABIC,
)
_EXTRA_MIN_OTHER = min(
    cfg.EXTRA_TOKEN_ORG,
    cfg.EXTRA_TOKEN_SINGLE,
    cfg.EXTRA_TOKEN_CONFLICT,
    cfg.EXTRA_TOKEN_SYLLABIC,
)
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


# a list token's agreement with each query token, the best of them, its weights (see _row)
_Row = tuple[list[float], float, float, float]


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
            jc = with_compounds_joined(candidate)
            if self._joined is not None or jc is not None:
                joined = self if self._joined is None else self._joined
                # a joined list name is made per call: not remembered
                other = listed if jc is None else ListName(jc, self.tokens)
                bound = max(bound, joined._token_bound(other, floor))
        return bound

    def _row(self, c: str, feature: _ListToken, abjad: bool) -> _Row:
        mine, hi, lo_org, lo_person = feature
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
        known = (row, best, hi, lo_org if self.org else lo_person)
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
            q_one, c_two = _mergeable(qt, ct, True)
            c_one, q_two = _mergeable(ct, qt, True)
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
        alignable: list[tuple[float, float]] = []  # (best agreement, largest weight)
        missing = 0.0  # smallest weight of the tokens that cannot be aligned
        for j, (_, m, hi, lo) in enumerate(entries):
            if c_merge and j in c_merge and merged > m:
                m = merged
            if m > 0.0:
                alignable.append((m, hi))
            else:
                missing += lo
        for i, (hi, lo) in enumerate(self.q_weights):
            m = best_q[i]
            if q_merge and i in q_merge and merged > m:
                m = merged
            if m > 0.0:
                alignable.append((m, hi))
            else:
                missing += lo
        den = self.extra * missing
        num = bound = 0.0
        alignable.sort(reverse=True)
        for m, w in alignable:
            num += m * w
            den += w
            if den > 0.0 and num / den > bound:
                bound = num / den
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
