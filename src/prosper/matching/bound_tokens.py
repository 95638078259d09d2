"""The query-independent side of the name-score bound (:mod:`prosper.matching.bound`).

A list name's summary (:class:`ListName`), its tokens' features remembered across queries
(:class:`ListTokens`), and the cheap tests the bound runs before a token agreement: what each
rule of :func:`~prosper.matching.tokens.token_agreement` needs first (:func:`_may_agree`),
which words may be one word for two (:func:`_mergeable`) and which may count as minor
(:func:`_may_be_minor`). Compiled with the bound (:data:`prosper.native.MODULES`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from prosper.matching import config as cfg
from prosper.matching.names import _syllabic
from prosper.matching.skeleton import consonant_skeleton
from prosper.matching.tokens import _PARTICLE_CANON, _swapped, minor
from prosper.names.given_names import given_name_family
from prosper.names.normalize import NameForm, with_compounds_joined
from prosper.names.orgs import is_generic_word
from prosper.names.variants import spelling_skeletons
from prosper.names.weights import TokenWeights

__all__ = ["ListName", "ListTokens"]

# the tuning constants read in the hot tests, bound once (no config lookups in the loops)
_FUZZY_CHARS_PER_EDIT: Final = cfg.FUZZY_CHARS_PER_EDIT
_FUZZY_MIN_LENGTH: Final = cfg.FUZZY_MIN_LENGTH
_FUZZY_SHORT_SAME_FIRST: Final = cfg.FUZZY_SHORT_SAME_FIRST
_MERGED_MIN_LENGTH: Final = cfg.MERGED_MIN_LENGTH


# a list token's features that do not depend on the query: its facts (see _facts), its
# largest weight aligned, its smallest aligned (the population factor of a person's word),
# its smallest unaligned for an organisation and for a person, and whether it is never minor
# for an organisation and for a person
_ListToken = tuple["_Facts", float, float, float, float, bool, bool]
_LIST_TOKENS_MAX = 500_000  # a ListTokens stops remembering beyond this many tokens
# … and beyond this many list names (a summary is a few hundred bytes compiled, ~1.2 kB
# pure: the embedded lists' 98,537 names fit; a 1M-name index keeps the first 200k seen)
_LIST_NAMES_MAX = 200_000
# … and beyond this many (query token, list token) agreements (a float and a dict slot each)
_AGREEMENTS_MAX = 1_000_000
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
        self.syllabic = _syllabic(form)  # the scorer's: Han or Hangul, or romanized Korean
        self.one_word = ct[0] if len(ct) == 1 else ""
        self.initials = _initials(form.full)
        self._joins: dict[str, set[int]] | None = None
        self._joined: ListName | None = None
        self._joined_done = False

    def joined(self, tokens: ListTokens) -> ListName | None:
        """The summary of the name with its compound names joined
        (:func:`~prosper.names.normalize.with_compounds_joined`; None when nothing joins),
        made on first use (across Arabic script) and kept with this one."""
        if not self._joined_done:
            jc = with_compounds_joined(self.form)
            self._joined = None if jc is None else ListName(jc, tokens)
            self._joined_done = True
        return self._joined

    def joins(self) -> dict[str, set[int]]:
        """:func:`pair_skeletons` of the tokens, made on first use (across Arabic script)."""
        if self._joins is None:
            self._joins = pair_skeletons(self.tokens)
        return self._joins


class ListTokens:
    """The features of list tokens that do not depend on the query (:func:`_facts`, the
    weights :meth:`QueryBound._weights` gives), remembered across queries for one
    :class:`~prosper.names.weights.TokenWeights`: the screening index keeps one and passes it
    to each :class:`QueryBound`, so a list token is worked out once per index, not once per
    query."""

    def __init__(
        self,
        weights: TokenWeights,
        names_max: int = _LIST_NAMES_MAX,
        agreements_max: int = _AGREEMENTS_MAX,
    ) -> None:
        self.weights = weights
        self.known: dict[tuple[str, str, str | None, str], _ListToken] = {}
        # id of a list name → its summary (which holds the name: the id is not reused)
        self.names: dict[int, ListName] = {}
        self.names_max = names_max
        # (query token, person, across Arabic script) → list token → their agreement (the
        # first of token_agreement, 0.0 when _may_agree says so): a query token seen before
        # (a common given name or surname) reads its agreements instead of working them out
        self.agreements: dict[tuple[str, bool, bool], dict[str, float]] = {}
        self.agreements_count = 0
        self.agreements_max = agreements_max

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

    def agreements_of(self, token: str, person: bool, abjad: bool) -> dict[str, float]:
        """The remembered agreements of query token ``token`` with list tokens (a token's
        keys are functions of the token, so the token names them), for a ``person`` or not
        and across Arabic script or not: the same dict for the same three."""
        key = (token, person, abjad)
        known = self.agreements.get(key)
        if known is None:
            known = self.agreements[key] = {}
        return known

    def get(self, token: str, phon: str, kor: str | None, var: str) -> _ListToken:
        """The features of one list token (with its keys as the name form holds them)."""
        key = (token, phon, kor, var)
        known = self.known.get(key)
        if known is None:
            w = self.weights.weight(token, False)
            minor_org = _may_be_minor(token, True)
            minor_person = _may_be_minor(token, False)
            known = (
                _facts(token, phon, kor, var),
                w,
                self.weights.weight(token, True),
                w * (cfg.MINOR_TOKEN if minor_org else 1.0),
                w * (cfg.MINOR_TOKEN if minor_person else 1.0),
                not minor_org,
                not minor_person,
            )
            if len(self.known) < _LIST_TOKENS_MAX:
                self.known[key] = known
        return known


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


def pair_skeletons(tokens: tuple[str, ...]) -> dict[str, set[int]]:
    """The consonant skeleton of every two tokens joined (in either order) → the tokens in a
    pair that has it: what a word across Arabic script may be one word for
    (:func:`_mergeable`; ``("abd", "allah")`` → ``{"bdl": {0, 1}, …}``)."""
    out: dict[str, set[int]] = {}
    for j, first in enumerate(tokens):
        for k, second in enumerate(tokens):
            if j != k:
                out.setdefault(consonant_skeleton(first + second), set()).update((j, k))
    return out


def _mergeable(
    one: tuple[str, ...],
    two: tuple[str, ...],
    abjad: bool,
    joins: dict[str, set[int]] | None = None,
) -> tuple[set[int], set[int]]:
    """Tokens of ``one`` that may be one word for two of ``two``, and those two
    (:func:`~prosper.matching.compact.merge_split_tokens`, any tokens free). ``joins``: the
    :func:`pair_skeletons` of ``two`` when already made (read across Arabic script only)."""
    ones: set[int] = set()
    twos: set[int] = set()
    if len(two) < 2:
        return ones, twos
    for i, word in enumerate(one):
        if len(word) < _MERGED_MIN_LENGTH:
            continue
        skel = consonant_skeleton(word) if abjad else ""
        if len(skel) >= 3:
            # across Arabic script the scorer joins two words whose consonants are the word's
            # (an exact join has them too): "bdallh" ~ "abd allah", not any two words
            if joins is None:
                joins = pair_skeletons(two)
            pair = joins.get(skel)
            if pair is not None:
                ones.add(i)
                twos.update(pair)
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
