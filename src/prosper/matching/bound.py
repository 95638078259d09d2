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

from functools import lru_cache
from typing import Final

from prosper.matching import config as cfg
from prosper.matching.compact import compact_score
from prosper.matching.skeleton import consonant_skeleton
from prosper.matching.tokens import _PARTICLE_CANON, _swapped, minor, token_agreement
from prosper.model import EntityType
from prosper.names.given_names import given_name_family
from prosper.names.nicknames import _family as _nickname_family
from prosper.names.normalize import NameForm, with_compounds_joined
from prosper.names.orgs import is_generic_word
from prosper.names.variants import spelling_skeletons
from prosper.names.weights import TokenWeights

__all__ = ["ListTokens", "QueryBound", "name_bound"]

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
_FUZZY_CHARS_PER_EDIT: Final = cfg.FUZZY_CHARS_PER_EDIT
_FUZZY_MIN_LENGTH: Final = cfg.FUZZY_MIN_LENGTH
_FUZZY_SHORT_SAME_FIRST: Final = cfg.FUZZY_SHORT_SAME_FIRST
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


# a list token's features that do not depend on the query: its facts (see _facts), its
# largest weight aligned and its smallest unaligned, for an organisation and for a person
_ListToken = tuple["_Facts", float, float, float]
# a list token's agreement with each query token, the best of them, its weights (see _row)
_Row = tuple[list[float], float, float, float]
_LIST_TOKENS_MAX = 500_000  # a ListTokens stops remembering beyond this many tokens
# … and beyond this many list names (a summary is a few hundred bytes compiled, ~1.2 kB
# pure: the embedded lists' 98,537 names fit; a 1M-name index keeps the first 200k seen)
_LIST_NAMES_MAX = 200_000
_ACRONYM_SKIPPED = ("of", "and", "the", "for")  # words an acronym leaves out (as names.py)


def _initials(full: tuple[str, ...]) -> str:
    """The initials of a name's words, as :func:`~prosper.matching.names._whole_acronym`
    reads them ("semiconductor manufacturing international corporation" → "smic")."""
    return "".join(t[:1] for t in full if t not in _ACRONYM_SKIPPED)


class ListName:
    """What the bound reads of one list name that does not depend on the query: its tokens
    with their :class:`ListTokens` features, whether it is in Arabic script, its lengths
    (letters with and without legal forms, sorted word lengths), whether every token has a
    Korean key, and its one word / initials (the acronym rule). Made once per list name
    (:meth:`ListTokens.name`), so a query reads plain fields instead of the name form's
    attributes and the features of its tokens."""

    def __init__(self, form: NameForm, tokens: ListTokens) -> None:
        self.form = form
        ct = form.tokens
        self.tokens = ct
        get = tokens.get
        self.features: list[_ListToken] = [
            get(c, cp, ck, cv)
            for c, cp, ck, cv in zip(ct, form.phonetic, form.korean, form.variant, strict=True)
        ]
        self.arabic = "arabic" in form.scripts
        self.n_full = len(form.full)
        self.letters = sum(map(len, ct))
        self.letters_full = sum(map(len, form.full))
        self.word_lengths = sorted(map(len, ct))
        self.korean = all(k is not None for k in form.korean)
        self.one_word = ct[0] if len(ct) == 1 else ""
        self.initials = _initials(form.full)


class ListTokens:
    """The features of list tokens that do not depend on the query (:func:`_facts`, the
    weights :meth:`QueryBound._weights` gives), remembered across queries for one
    :class:`~prosper.names.weights.TokenWeights`: the screening index keeps one and passes it
    to each :class:`QueryBound`, so a list token is worked out once per index, not once per
    query."""

    def __init__(self, weights: TokenWeights, names_max: int = _LIST_NAMES_MAX) -> None:
        self.weights = weights
        self.known: dict[tuple[str, str, str | None, str], _ListToken] = {}
        # id of a list name → its summary (which holds the name: the id is not reused)
        self.names: dict[int, ListName] = {}
        self.names_max = names_max

    def name(self, form: NameForm) -> ListName:
        """The query-independent summary of list name ``form`` (:class:`ListName`), made
        once per name object and remembered (up to ``names_max`` names)."""
        known = self.names.get(id(form))
        if known is not None and known.form is form:
            return known
        known = ListName(form, self)
        if len(self.names) < self.names_max:
            self.names[id(form)] = known
        return known

    def get(self, token: str, phon: str, kor: str | None, var: str) -> _ListToken:
        """The features of one list token (with its keys as the name form holds them)."""
        key = (token, phon, kor, var)
        known = self.known.get(key)
        if known is None:
            w = self.weights.weight(token, False)
            known = (
                _facts(token, phon, kor, var),
                w,
                w * (cfg.MINOR_TOKEN if _may_be_minor(token, True) else 1.0),
                w * (cfg.MINOR_TOKEN if _may_be_minor(token, False) else 1.0),
            )
            if len(self.known) < _LIST_TOKENS_MAX:
                self.known[key] = known
        return known


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
        row = [
            token_agreement(q[0], q[1], q[2], c, cp, ck, person, abjad, q[3], cv)[0]
            if _may_agree(q, nick, mine, person, abjad)
            else 0.0
            for q, nick in zip(self.q_facts, self.q_nicknames, strict=True)
        ]
        known = (row, max(row, default=0.0), hi, lo_org if self.org else lo_person)
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


# what the rules of token_agreement look at first, for one token (see _may_agree)
_Facts = tuple[str, str, str | None, str, int, frozenset[str], str | None, str, bool]


@lru_cache(maxsize=1 << 16)
def _facts(token: str, phon: str, kor: str | None, var: str) -> _Facts:
    """A token, its keys, length, spelling skeletons, given-name family, particle spelling
    and whether it is a number."""
    return (
        token,
        phon,
        kor,
        var,
        len(token),
        spelling_skeletons(token) if len(token) >= 4 else frozenset(),
        given_name_family(token, var),
        _PARTICLE_CANON.get(token, token),
        token.isdigit(),
    )


def _may_agree(a: _Facts, q_nick: frozenset[str], b: _Facts, person: bool, abjad: bool) -> bool:
    """False only when :func:`~prosper.matching.tokens.token_agreement` of the two tokens is
    0: a cheap test of what each of its rules needs first (same key, same first four letters,
    a shared spelling skeleton, a name table, close lengths for an edit …). ``q_nick``: the
    nickname family of the first token (empty when shorter than two letters)."""
    q, qp, qk, qv, lq, q_skel, q_given, q_canon, q_digit = a
    c, cp, ck, cv, lc, c_skel, c_given, c_canon, c_digit = b
    if q == c or abjad:
        return True
    if q_digit or c_digit:
        return False  # numbers agree exactly or not at all
    if (qk is not None and qk == ck) or (qv and qv == cv):
        return True
    short = min(lq, lc)
    if short >= 4 and (q[:4] == c[:4] or not q_skel.isdisjoint(c_skel)):
        return True  # a stem or a spelling variant
    if person and short >= 2 and c in q_nick:
        return True  # a nickname
    if person and short >= 3 and q_given is not None and q_given == c_given:
        return True  # a given-name variant
    if q_canon == c_canon:
        return True  # a particle's spellings
    if short == 1:
        return person and q[0] == c[0]  # an initial
    if qp and qp == cp and q[0] == c[0]:
        return True
    longer = max(lq, lc)
    if (
        (short >= _FUZZY_MIN_LENGTH or (short == 3 and longer >= 4))
        and (q[0] == c[0] or short > _FUZZY_SHORT_SAME_FIRST)
        and longer - short <= max(1, short // _FUZZY_CHARS_PER_EDIT)
    ):
        return True  # an edit distance within the budget is possible
    return short >= 3 and lq == lc and _swapped(q, c)


def _mergeable(
    one: tuple[str, ...], two: tuple[str, ...], abjad: bool
) -> tuple[set[int], set[int]]:
    """Tokens of ``one`` that may be one word for two of ``two``, and those two
    (:func:`~prosper.matching.compact.merge_split_tokens`, any tokens free)."""
    ones: set[int] = set()
    twos: set[int] = set()
    if len(two) < 2:
        return ones, twos
    for i, word in enumerate(one):
        if len(word) < _MERGED_MIN_LENGTH:
            continue
        if abjad and len(consonant_skeleton(word)) >= 3:
            ones.add(i)  # consonants of two words joined: any two may do
            twos.update(range(len(two)))
            continue
        for j, first in enumerate(two):
            if not word.startswith(first):
                continue
            for k, second in enumerate(two):
                if j != k and len(first) + len(second) == len(word) and word.endswith(second):
                    ones.add(i)
                    twos.update((j, k))
    return ones, twos


def _may_be_minor(token: str, org: bool) -> bool:
    """The token may count as a minor word when unaligned (particle, title, patronymic; for
    an organisation also an acronym or a generic word)."""
    if minor(token, not org):
        return True
    return org and (len(token) <= 6 or is_generic_word(token))
