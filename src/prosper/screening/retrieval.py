"""Candidate retrieval: the keys of a name and the list names a query shares most evidence with
(the first stage of :mod:`prosper.screening.index`).

An inverted index maps name keys to list names — each token, its metaphone, its Korean
romanization key, its consonant skeleton (Arabic-script queries), two-token concatenations
(merged tokens), and a 4-letter prefix and suffix (typos). A query accumulates the IDF of the
keys it shares with each list name and only the best :data:`CANDIDATES` names are scored: a
query never scores the list.

The budgets adapt to the list size (:func:`budgets`): a key is too common to retrieve on its own
when it is on more than a share of the indexed names (at least :data:`MAX_POSTINGS`), not above
a fixed count — on a list ten times larger "muhammad" is on ten times more names and must still
retrieve — and the candidate budget grows with the square root of the size beyond
:data:`REFERENCE_NAMES`. Up to that size (the embedded lists: ~99k names) the budgets are the
fixed ones, so the candidates are the same. (On a synthetic 1M-entity list, shares of 4 % /
0.8 % retrieved what 1 % / 0.2 % did at twice the p99: ``bench/README.md``.)

A key on more names than the fixed caps but within a large list's share is *common*: walked
name by name only when a name it alone holds could be a candidate, else it only adds its weight
to the names the rarer keys found (:func:`candidates`; the same answer, less walked). A query
token the lists do not hold as written also looks up its neighbour spellings (:func:`neighbours`:
``DOTS`` → ``dost``, a key beside a letter: ``KARSMI`` → ``karami``, a letter added to a short
word) and, when long, the known words it may be run together from (:func:`splits`:
``ivanovichpetrov`` → ``ivanovich``, ``petrov``) among the list tokens: a misspelt word beside a
common one ("DOTS MOHAMMAD") is found though the two share no other key, at no cost in index
size.

The walk is made of dictionary operations in C: each key's names with its weight
(``dict.fromkeys``; a long key's dictionary kept across the queries of an index,
:class:`~prosper.screening.key_memo.KeyMemo`), merged with ``dict.update``, only the names
already met looked at one by one; the best names picked from the values sorted in C, not by
``heapq.nlargest`` in Python. The sums, the per-name maxima and the insertion order (which
breaks ties between equal evidence) are those of the name-by-name loop, so the candidates are
the same (``tests/screening/test_retrieval.py`` checks both against it).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import compress, pairwise

from prosper.matching import skeleton
from prosper.names.normalize import NameForm
from prosper.screening.key_memo import KeyMemo

CANDIDATES = 48  # at most this many list names are scored per query after retrieval
MIN_CANDIDATES = 12  # ... and at least this many (when retrieval found them)
CANDIDATE_FLOOR = 0.4  # ... beyond which a name needs 40 % of the best retrieval evidence
MAX_POSTINGS = 4000  # keys on more names than this ("al", "bank") do not retrieve on their own
MAX_WEAK_POSTINGS = 800  # the same for typo keys (metaphone, prefix, suffix: "a:muha")
POSTING_SHARE = 0.01  # ... or, when more, keys on more than this share of the indexed names
WEAK_POSTING_SHARE = 0.002  # ... and this share for typo keys
LIFT_COMMON = True  # common keys lift the names rarer keys found (False: walk them: the same)
REFERENCE_NAMES = 100_000  # lists of more names score more candidates: × sqrt(names / this)
# How much each kind of key counts in retrieval (× its IDF).
KEY_WEIGHTS = {
    "t": 1.0, "v": 0.9, "k": 1.0, "j": 0.9, "p": 0.7, "e": 0.7, "s": 0.6, "a": 0.4, "z": 0.4
}  # fmt: skip
WEAK_KINDS = "paze"  # typo keys: metaphone, prefix, suffix, a neighbour spelling (query only)
NEIGHBOUR_MIN = 3  # an unknown query token this long also looks up its neighbour spellings
DROPPED_MIN = 4  # ... among them its spellings with a letter left out ("koy" → "ko": too short)
SPLIT_MIN = 3  # a run-together word's parts ("hanif" + "din") have at least this many letters
# A letter's slips: its neighbours on a QWERTY keyboard ("karsmi": `s` for `a`); a vowel's are
# also the other vowels (a respelt vowel: "vitelii"). A replaced letter is looked up only as one
# of these: ~6 look-ups per letter, not 26. A letter added is looked up only in a word of at
# most ADD_ANY_MAX letters, as any letter ("aiz" may be "aziz").
ADD_ANY_MAX = 4
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
VOWELS = "aeiouy"
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# a token's consonant skeleton, remembered: the lists repeat the same tokens ("mohammad")
consonant_skeleton = lru_cache(maxsize=1 << 16)(skeleton.consonant_skeleton)


@lru_cache(maxsize=1 << 20)  # a 1M-entity list has more distinct tokens than 2**18
def _token_keys(tok: str, phon: str, kor: str | None, variant: str) -> tuple[str, ...]:
    """The keys of one list token (the lists repeat tokens: each is worked out once)."""
    keys = ["t:" + tok]
    if len(tok) >= 3 and len(phon) >= 2:
        keys.append("p:" + phon)
    if kor is not None:
        keys.append("k:" + kor)
    if len(tok) >= 3:
        keys.append("v:" + variant)
    if len(tok) >= 3 and not tok.isdigit():
        skel = consonant_skeleton(tok)
        if len(skel) >= 2:
            keys.append("s:" + skel)
    if len(tok) >= 6:
        keys += ["a:" + tok[:4], "z:" + tok[-4:]]
    return tuple(keys)


def name_keys(form: NameForm) -> set[str]:
    """The index keys of a prepared list name (see the module docstring)."""
    keys: set[str] = set()
    toks = form.tokens
    for tok, phon, kor, variant in zip(toks, form.phonetic, form.korean, form.variant, strict=True):
        keys.update(_token_keys(tok, phon, kor, variant))
    keys.update("j:" + a + b for a, b in pairwise(toks))
    if len(form.full) > 1 and form.full != toks:
        keys.add("j:" + "".join(form.full))
    return keys


def _keyboard() -> dict[str, str]:
    """Each letter's slips (:data:`KEYBOARD_ROWS`, :data:`VOWELS`): the keys beside it on its
    row and the two rows around it (QWERTY's rows are offset by about half a key), and for a
    vowel the other vowels."""
    rows = KEYBOARD_ROWS
    near: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, letter in enumerate(row):
            out = [row[c - 1]] if c > 0 else []
            out += [row[c + 1]] if c + 1 < len(row) else []
            if r > 0:  # the row above sits half a key to the left: keys c and c + 1
                out += list(rows[r - 1][c : c + 2])
            if r + 1 < len(rows):  # the row below: keys c - 1 and c
                out += list(rows[r + 1][max(0, c - 1) : c + 1])
            if letter in VOWELS:
                out += [v for v in VOWELS if v != letter]
            near[letter] = "".join(dict.fromkeys(out))
    return near


SLIPS = _keyboard()  # "s" → "adewzx" …


def neighbours(tok: str) -> list[str]:
    """The spellings one slip away from ``tok`` that a list may hold as a token: two neighbouring
    letters swapped (``dots`` → ``dost``), one letter left out (``vitaaliy`` → ``vitaliy``,
    4+ letters), a letter replaced by a key beside it or a vowel by another vowel (``karsmi``
    → ``karami``), and in a word of at most :data:`ADD_ANY_MAX` letters any letter added
    (``aiz`` → ``aziz``). Looked up for a query token the lists do not hold as written (as
    ``t:`` keys, weighed as ``e:``): nothing is added to the index. ~6 spellings per letter
    (:data:`SLIPS`), each one look-up.

    A letter added to a longer word (a vowel or a doubled letter: ``hasan`` → ``hassan``) is
    not looked up: it was 37 of the ~89 spellings of a bench query and found no entity the
    typo sets needed (``bench/README.md``, branch ``s9-p50``). Built with plain loops into one
    list, each spelling once in first-made order (the order keys are walked in)."""
    n = len(tok)
    out: list[str] = []
    for i in range(n - 1):
        out.append(tok[:i] + tok[i + 1] + tok[i] + tok[i + 2 :])
    if n >= DROPPED_MIN:
        for i in range(n):
            out.append(tok[:i] + tok[i + 1 :])
    slips = SLIPS
    for i in range(n):
        near = slips.get(tok[i])
        if near is None:
            continue
        head, tail = tok[:i], tok[i + 1 :]
        for x in near:
            out.append(head + x + tail)
    if n <= ADD_ANY_MAX:
        for i in range(n + 1):
            head, tail = tok[:i], tok[i:]
            for x in ALPHABET:
                out.append(head + x + tail)
            if i > 0 and tok[i - 1] not in ALPHABET:  # a doubled digit or other sign
                out.append(head + tok[i - 1] + tail)
    unique = dict.fromkeys(out)
    unique.pop(tok, None)
    return list(unique)


def _held(spellings: list[str], postings: Mapping[str, Sequence[int]]) -> list[str]:
    """The ``spellings`` the lists hold as tokens (``t:`` keys), in order: the others would be
    looked up for nothing. A mapped table tests them against its tokens decoded once into a set
    (``MappedTable.held``), a dictionary one by one."""
    held = getattr(postings, "held", None)
    if held is not None:
        out: list[str] = held(spellings, "t:")
        return out
    return [s for s in spellings if "t:" + s in postings]


def splits(tok: str, known: Callable[[str], bool]) -> list[str]:
    """The words a run-together ``tok`` may be made of (``hanifdin`` → ``hanif``, ``din``;
    ``ivanpetrov`` → ``ivan``, ``petrov``): at each place where both sides are words ``known``
    to the lists, both sides; a side that is no known word but is long enough is split once
    more (three words joined). Parts have :data:`SPLIT_MIN` letters or more."""
    out: dict[str, None] = {}
    for i in range(SPLIT_MIN, len(tok) - SPLIT_MIN + 1):
        head, tail = tok[:i], tok[i:]
        head_ok, tail_ok = known(head), known(tail)
        if head_ok and tail_ok:
            out.update(dict.fromkeys((head, tail)))
        elif head_ok and len(tail) >= 2 * SPLIT_MIN:
            more = _split_two(tail, known)
            if more:
                out.update(dict.fromkeys((head, *more)))
        elif tail_ok and len(head) >= 2 * SPLIT_MIN:
            more = _split_two(head, known)
            if more:
                out.update(dict.fromkeys((*more, tail)))
    return list(out)


def _split_two(tok: str, known: Callable[[str], bool]) -> list[str]:
    """The two known words ``tok`` is made of at the first place it splits so, or none."""
    for i in range(SPLIT_MIN, len(tok) - SPLIT_MIN + 1):
        if known(tok[:i]) and known(tok[i:]):
            return [tok[:i], tok[i:]]
    return []


def query_keys(form: NameForm, postings: Mapping[str, Sequence[int]]) -> dict[str, int]:
    """Index keys of a query, each with its group (the query token it stands for; pairs of
    tokens and the whole name are groups of their own): like :func:`name_keys`, but the
    typo keys (metaphone, prefix, suffix) only for tokens the lists do not contain as
    written, and consonant skeletons only for Arabic-script queries."""
    keys: dict[str, int] = {}
    toks = form.tokens
    n = len(toks)
    arabic = "arabic" in form.scripts
    for i, tok in enumerate(toks):
        mine = ["t:" + tok, "j:" + tok]  # a query token may be two list tokens merged
        kor = form.korean[i]
        if kor is not None:
            mine.append("k:" + kor)
        if len(tok) >= 3:
            mine.append("v:" + form.variant[i])
        if "t:" + tok not in postings:  # unknown as written: perhaps a typo
            phon = form.phonetic[i]
            if len(tok) >= 3 and len(phon) >= 2:
                mine.append("p:" + phon)
            if len(tok) >= 6:
                mine += ["a:" + tok[:4], "z:" + tok[-4:]]
            if len(tok) >= NEIGHBOUR_MIN:
                mine += ["e:" + near for near in _held(neighbours(tok), postings)]
        if arabic and len(tok) >= 3:
            mine.append("s:" + consonant_skeleton(tok))
        for key in mine:
            keys.setdefault(key, i)
        if i + 1 < n:
            keys.setdefault("j:" + tok + toks[i + 1], n + i)
            keys.setdefault("t:" + tok + toks[i + 1], n + i)  # two query tokens, one list token
    if len(form.full) > 1:
        keys.setdefault("t:" + "".join(form.full), 2 * n)
    _run_together(toks, postings, keys)
    return keys


def _run_together(
    toks: tuple[str, ...], postings: Mapping[str, Sequence[int]], keys: dict[str, int]
) -> None:
    """Add to ``keys`` the list words that a query word the lists do not hold may be run
    together from (:func:`splits`, as ``e:`` keys: the first in the word's group, the others
    each in its own), after the other keys so that they break no tie."""
    n = len(toks)
    for i, tok in enumerate(toks):
        if len(tok) >= 2 * SPLIT_MIN and "t:" + tok not in postings:
            m = len(tok)  # every piece a cut may give, tested at once (:func:`_held`)
            pieces = [tok[a:b] for a in range(m) for b in range(a + SPLIT_MIN, m + 1)]
            known = set(_held(pieces, postings))
            for k, part in enumerate(splits(tok, known.__contains__)):
                keys.setdefault("e:" + part, i if k == 0 else -1 - (i * n + k))


@lru_cache(maxsize=64)
def budgets(total: int) -> tuple[int, int, int]:
    """For an index of ``total`` names: the most names a key may hold to retrieve, the same
    for a typo key, and how many candidates are scored at most (see the module docstring)."""
    return (
        max(MAX_POSTINGS, int(total * POSTING_SHARE)),
        max(MAX_WEAK_POSTINGS, int(total * WEAK_POSTING_SHARE)),
        max(CANDIDATES, round(CANDIDATES * math.sqrt(total / REFERENCE_NAMES))),
    )


def _group_evidence(found: list[dict[int, float]]) -> dict[int, float]:
    """Each list name on a key of ``found`` (a group's keys, in order, each as its names with
    its weight), with the best weight among the keys holding it.

    Names appear in the order they are first met walking the keys in order (as a name-by-name
    loop inserts them); the value is the largest weight of a key holding the name. Made with
    dictionary operations in C: only the names already met are looked at one by one."""
    if not found:
        return {}
    best = dict(found[0])  # (a copy: the key's names may be kept across queries)
    most = least = next(iter(best.values()), 0.0)  # the weights of the keys merged so far
    for names in found[1:]:
        if not names:
            continue
        weight = next(iter(names.values()))
        if weight >= most:  # every name met takes this weight
            best.update(names)  # (the new ones in posting order; the met keep their place)
        elif weight < least:  # every name met keeps its weight
            before = best.copy()
            best.update(names)
            best.update(before)
        else:  # the met names with more keep it
            met = names.keys() & best.keys()
            higher = {n_idx: best[n_idx] for n_idx in met if best[n_idx] > weight}
            best.update(names)
            best.update(higher)
        most = max(most, weight)
        least = min(least, weight)
    return best


def _evidence_of(walk: list[tuple[str, float, Sequence[int]]], memo: KeyMemo) -> dict[int, float]:
    """:func:`_group_evidence` of a group's keys (key, weight, posting; in walk order), kept
    in ``memo`` for a long group (the same keys give the same evidence in every query of an
    index: "de" with its Korean reading "te" is 4,769 names). A one-key group's evidence is
    the key's names themselves. The caller must not change the answer (it may be kept)."""
    if not walk:
        return {}
    if len(walk) == 1:
        key, weight, posting = walk[0]
        return memo.names(key, weight, posting)
    texts = tuple([key for key, _, _ in walk])
    shape = tuple([(weight, len(posting)) for _, weight, posting in walk])
    kept = memo.group(texts, shape)
    if kept is not None:
        return kept
    best = _group_evidence([memo.names(key, weight, posting) for key, weight, posting in walk])
    memo.keep_group(texts, shape, best)
    return best


def _sum_groups(per_group: list[dict[int, float]]) -> dict[int, float]:
    """Each name's evidence: its best weight in each group, summed in group order (the names
    in the order first met). Only the names met in an earlier group are summed one by one;
    the others are added by ``dict.update`` (in C, in the group's order)."""
    acc: dict[int, float] = {}
    for best in per_group:
        if not acc:  # the first group: each sum is its one weight, in the same order
            acc = dict(best)
            continue
        met = best.keys() & acc.keys()
        summed = {n_idx: acc[n_idx] + best[n_idx] for n_idx in met}
        acc.update(best)  # the new names in the group's order, each its one weight ...
        acc.update(summed)  # ... and the met ones their sums (their place is kept)
    return acc


def _top(acc: dict[int, float], budget: int) -> list[int]:
    """The ``budget`` names of ``acc`` with the most evidence, best first, equal evidence in
    ``acc``'s order: ``heapq.nlargest(budget, acc, key=acc.__getitem__)``, with the values
    sorted in C and a Python loop only to pick the names reaching the ``budget``-th value."""
    if len(acc) <= budget:
        return sorted(acc, key=acc.__getitem__, reverse=True)  # stable: ties in acc's order
    values = sorted(acc.values(), reverse=True)
    cut = values[budget - 1]
    reach = list(compress(acc, map(cut.__le__, acc.values())))  # value >= cut, in C
    reach.sort(key=acc.__getitem__, reverse=True)  # stable: ties in acc's order
    return reach[:budget]


def _holds(posting: Sequence[int], n_idx: int) -> int:
    """Where ``n_idx`` is in the ascending ``posting``, or -1."""
    at = bisect_left(posting, n_idx)
    return at if at < len(posting) and posting[at] == n_idx else -1


def _bar(values: list[float], budget: int) -> float:
    """The evidence a name must exceed to be a candidate for sure, given ``values`` (the
    evidence some names have at least): ``budget`` names already have as much, or
    :data:`MIN_CANDIDATES` names do and it is under the 40 % floor of the best. A name whose
    evidence cannot exceed it is not among :func:`candidates`' answer; ``-inf`` when no name can
    be left out yet."""
    top = sorted(values, reverse=True)[:budget]  # heapq.nlargest's values, sorted in C
    nth = top[budget - 1] if len(top) >= budget else -math.inf
    least = top[MIN_CANDIDATES - 1] if len(top) >= MIN_CANDIDATES else -math.inf
    return max(nth, min(least, top[0] * CANDIDATE_FLOOR)) if top else -math.inf


def _lifted(
    keys: list[tuple[int, float, Sequence[int], bool]],
    per_group: list[dict[int, float]],
    acc: dict[int, float],
    budget: int,
) -> list[int] | None:
    """The candidates when the common keys (walked: ``False``) cannot bring a name of their
    own among them, else None (the caller walks them). ``keys`` are every key of the query in
    walk order — group, weight, posting, walked — ``per_group`` / ``acc`` the evidence of the
    walked ones only.

    A name no walked key holds has at most ``lift`` (each group's heaviest common key) and a
    name holding one at most its evidence + ``lift``: names that cannot exceed :func:`_bar`
    are out whatever the common keys hold, and the others are looked up in the (ascending)
    common postings by bisection: their evidence and their first place in the walk (which
    breaks ties) are then those of a walk of every key."""
    heaviest: dict[int, float] = {}
    for group, weight, _, walked in keys:
        if not walked and weight > heaviest.get(group, 0.0):
            heaviest[group] = weight
    lift = sum(heaviest.values())
    bar = _bar(list(acc.values()), budget)
    if lift >= bar:  # a name only the common keys hold could be a candidate
        return None
    ranked: list[tuple[float, int, int, int]] = []
    for n_idx, evidence in acc.items():
        if evidence + lift < bar:
            continue
        best = [b.get(n_idx, 0.0) for b in per_group]
        first: tuple[int, int] | None = None
        for order, (group, weight, posting, walked) in enumerate(keys):
            if walked and first is not None:
                continue
            at = _holds(posting, n_idx)
            if at < 0:
                continue
            if first is None:
                first = (order, at)
            if weight > best[group]:
                best[group] = weight
        total = 0.0
        for b in best:  # summed in group order, as a walk of every key sums
            if b > 0.0:
                total += b
        assert first is not None  # a walked key holds the name
        ranked.append((-total, first[0], first[1], n_idx))
    ranked.sort()
    return _cut([(-r[0], r[3]) for r in ranked[:budget]])


def _cut(top: list[tuple[float, int]]) -> list[int]:
    """The best names (evidence, name; best first) beyond :data:`MIN_CANDIDATES` down to the
    40 % floor of the best evidence."""
    if len(top) <= MIN_CANDIDATES:
        return [n for _, n in top]
    # names sharing much less evidence than the best ones cannot win: stop scoring there
    floor = top[0][0] * CANDIDATE_FLOOR
    return [n for k, (v, n) in enumerate(top) if k < MIN_CANDIDATES or v >= floor]


def candidates(
    form: NameForm,
    postings: Mapping[str, Sequence[int]],
    total: int,
    keep: Callable[[int], bool] | None = None,
    memo: KeyMemo | None = None,
) -> list[int]:
    """The list names worth scoring for ``form``, best retrieval evidence first.

    Each query token counts once per list name, by its best key: a list name sharing the
    token as written (t:, v:, k: all at once) does not outweigh one sharing it in another
    romanization (k: only) — 리병철 must still find "RI Pyong Chol" among the Hangul aliases
    김병철, 리학철 …

    A key on more names than the fixed caps (:data:`MAX_POSTINGS`, :data:`MAX_WEAK_POSTINGS`)
    but within the share of a large list is *common*: the rarer keys are walked first, and the
    common ones are walked name by name only when a name they alone hold could be among the
    candidates (:func:`_lifted`); otherwise they only add their weight to the names the rarer
    keys found. The answer is the same either way.

    Args:
        form: The prepared query name.
        postings: Key → list names, ascending (the index's inverted index).
        total: How many names are indexed (for the IDF).
        keep: When given, only names it accepts (a source filter).
        memo: The long keys' names kept across the queries of this index
            (:class:`~prosper.screening.key_memo.KeyMemo`); none kept when not given.
    """
    most, most_weak, budget = budgets(total)
    groups: dict[int, list[str]] = {}
    for key, group in query_keys(form, postings).items():
        groups.setdefault(group, []).append(key)
    keys: list[tuple[int, float, Sequence[int], bool]] = []
    texts: list[str] = []  # the keys themselves ("t:jose")
    for g, group_keys in enumerate(groups.values()):
        for key in group_keys:
            posting = postings.get("t" + key[1:] if key[0] == "e" else key)
            if posting is None:
                continue
            weak = key[0] in WEAK_KINDS
            if len(posting) > (most_weak if weak else most):
                continue
            weight = KEY_WEIGHTS[key[0]] * math.log((total + 1) / len(posting))
            walked = len(posting) <= (MAX_WEAK_POSTINGS if weak else MAX_POSTINGS)
            keys.append((g, weight, posting, walked))
            texts.append(key)
    common = LIFT_COMMON and not all(k[3] for k in keys)
    memo = KeyMemo(0) if memo is None else memo
    for attempt in (common, False):
        walk: list[list[tuple[str, float, Sequence[int]]]] = [[] for _ in groups]
        for (g, weight, posting, walked), key in zip(keys, texts, strict=True):
            if walked or not attempt:
                walk[g].append((key, weight, posting))
        per_group = [_evidence_of(group_walk, memo) for group_walk in walk]
        acc = _sum_groups(per_group)
        if keep is not None:
            acc = {n: v for n, v in acc.items() if keep(n)}
        if attempt:
            lifted = _lifted(keys, per_group, acc, budget)
            if lifted is not None:
                return lifted
            continue
        return _cut([(acc[n], n) for n in _top(acc, budget)])
    raise AssertionError("unreachable")  # the second attempt walks every key
