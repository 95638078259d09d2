"""Which tokens of the register could agree with which tokens of a list delta, and how well.

:func:`prosper.matching.names.token_agreement` gives two tokens a non-zero agreement only when
they are equal, share a Korean romanization key or a transliteration-variant key, share their
first four letters (a stem), share a spelling skeleton, are nicknames of one name, are spellings
of one particle, one is an initial of the other, sound alike (same metaphone and first letter),
are within the edit distance of its fuzzy rule (``max(1, shorter // 4)``; a swap is one edit),
or — across Arabic script — share a consonant skeleton. :class:`TokenLinks` finds, for every
register token, the delta tokens in one of those relations by dictionary look-ups and a bounded
edit-distance search over the delta tokens of similar length (one distance matrix per register
token length, :func:`edited`), then scores each such pair with
``token_agreement`` itself (as a person's name: nicknames and initials count; across Arabic
script too when the delta token comes from an Arabic-script name): the best agreement a
register token can have with each delta token — and the agreement that survives between two
names made of single syllables, where ``score_name`` drops near-but-different syllables
(phonetic, fuzzy, spelling, initial agreements of two syllables; spelling ones always) but
keeps a syllable one letter short of the other at ``SYLLABLE_LETTER_DROPPED``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from prosper.cases.token_keys import Features, TokenKeys, token_keys
from prosper.matching import config as cfg
from prosper.matching.names import token_agreement
from prosper.matching.skeleton import consonant_skeleton
from prosper.matching.syllables import is_syllable, one_letter_dropped
from prosper.names.nicknames import _family

Link = tuple[float, float, float, float]
"""Best agreement as in a person's name, the same between two one-syllable names, and both as
in an organization's name (no nicknames, no initials)."""
_NEAR = frozenset(("phonetic", "fuzzy", "spelling", "initial"))
EDIT_BLOCK = 4096
"""Register tokens per distance matrix of the edit search (4,096 × a band of 1,000 delta
tokens is 16 MB of ``int32``): memory stays flat in the register size."""


def _keys(token: str, known: TokenKeys, abjad: bool) -> list[str]:
    """Dictionary keys under which two tokens that could agree meet (fuzzy edits aside)."""
    out = list(known[1])
    if abjad and len(token) >= 3 and not token.isdigit():
        out.append("a:" + consonant_skeleton(token))
    return out


class TokenLinks:
    """Register token → delta token → the best agreement they can have (module docstring)."""

    def __init__(
        self,
        delta_tokens: Iterable[str] = (),
        register_tokens: Iterable[str] = (),
        abjad_tokens: Iterable[str] = (),
        known: Mapping[str, TokenKeys] | None = None,
    ) -> None:
        """Link every register token to the delta tokens; ``abjad_tokens`` are the delta tokens
        of Arabic-script names; ``known``: register tokens' keys worked out before
        (:func:`prosper.cases.token_keys.load`; the others are computed here)."""
        delta = sorted(set(delta_tokens))
        abjad = set(abjad_tokens)
        delta_set = set(delta)
        own = {t: token_keys(t) for t in delta}
        feats = {t: k[0] for t, k in own.items()}
        by_key: dict[str, set[str]] = defaultdict(set)
        by_length: dict[int, list[str]] = defaultdict(list)
        initials: dict[str, set[str]] = defaultdict(set)
        for token in delta:
            for key in _keys(token, own[token], token in abjad):
                by_key[key].add(token)
            by_length[len(token)].append(token)
            initials[token[:1]].add(token)
        singles = {t for t in delta if len(t) == 1}
        register_tokens = list(register_tokens)
        edits = edited(register_tokens, by_length)
        self._forward: dict[str, dict[str, Link]] = {}
        self._backward: dict[str, set[str]] = defaultdict(set)
        for token in register_tokens:
            keys = known.get(token) if known is not None else None
            if keys is None:
                keys = token_keys(token)
            mine = keys[0]
            found: set[str] = set()
            for key in _keys(token, keys, bool(abjad)):
                found |= by_key.get(key, set())
            if len(token) == 1:
                found |= initials.get(token, set())  # "J" / "John"
            if token[:1] in singles:  # a one-letter delta token it starts with
                found.add(token[:1])
            found |= edits.get(token, set())
            if token.isalpha() and len(token) >= 2:  # "bob" / "robert"
                found |= _family(token) & delta_set
            scored: dict[str, Link] = {}
            for other in found:
                link = _agreement(token, mine, other, feats[other], other in abjad)
                if link[0] > 0.0:
                    scored[other] = link
                    self._backward[other].add(token)
            if scored:
                self._forward[token] = scored

    @classmethod
    def combine(cls, parts: Iterable[TokenLinks]) -> TokenLinks:
        """The links of one delta built over parts of the register's tokens, as one (what
        the tokens together give: a register token's links do not depend on the others)."""
        out = cls([], [])
        for part in parts:
            out._forward.update(part._forward)
            for delta_token, tokens in part._backward.items():
                out._backward[delta_token] |= tokens
        return out

    def delta_side(self, register_token: str) -> dict[str, Link]:
        """The delta tokens ``register_token`` could agree with, and how well at best."""
        return self._forward.get(register_token, {})

    def register_side(self, delta_token: str) -> set[str]:
        """The register tokens that could agree with ``delta_token``."""
        return self._backward.get(delta_token, set())


def _agreement(q: str, qf: Features, c: str, cf: Features, abjad: bool) -> Link:
    out = [0.0, 0.0, 0.0, 0.0]
    both = is_syllable(q) and is_syllable(c)
    for k, person in enumerate((True, False)):
        for across in (False, True) if abjad else (False,):
            score, how = token_agreement(
                q, qf[0], qf[1], c, cf[0], cf[1], person, across, qf[2], cf[2]
            )
            out[2 * k] = max(out[2 * k], score)
            if how != "spelling" and not (both and how in _NEAR):
                out[2 * k + 1] = max(out[2 * k + 1], score)
            elif both and how != "initial" and one_letter_dropped(q, c):
                # "sog" / "song": score_name keeps it at SYLLABLE_LETTER_DROPPED at most
                dropped = min(score, cfg.SYLLABLE_LETTER_DROPPED)
                out[2 * k + 1] = max(out[2 * k + 1], dropped)
    return out[0], out[1], out[2], out[3]


def edited(
    tokens: Iterable[str], by_length: dict[int, list[str]], block: int = EDIT_BLOCK
) -> dict[str, set[str]]:
    """Token → the delta tokens (``by_length``: by their length) within the fuzzy rule's edit
    budget of the shorter of the two (OSA distance: a swap is one edit), for every token of
    three or more characters that has one. The tokens of one length are searched together:
    one matrix of distances (``rapidfuzz.process.cdist``, cut off at the widest budget) against
    the delta tokens of every length within reach (:func:`_band`), each column then held to
    its own length's budget — the pairs one ``process.extract`` per token found, without its
    per-call cost (2.68 → 0.64 s CPU for 38,059 register tokens, bench/README.md); ``block``
    register tokens per matrix."""
    groups: dict[int, list[str]] = defaultdict(list)
    for token in tokens:
        if len(token) >= 3:
            groups[len(token)].append(token)
    out: dict[str, set[str]] = {}
    for n, group in groups.items():
        choices = _band(n, by_length)
        if not choices:
            continue
        reach = max(1, n // cfg.FUZZY_CHARS_PER_EDIT)
        budgets = np.array(
            [max(1, min(n, len(c)) // cfg.FUZZY_CHARS_PER_EDIT) for c in choices], dtype=np.int32
        )
        for start in range(0, len(group), block):
            rows_of = group[start : start + block]
            dist = process.cdist(
                rows_of, choices, scorer=OSA.distance, score_cutoff=reach, dtype=np.int32, workers=1
            )
            rows, cols = np.nonzero(dist <= budgets[None, :])
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                token = rows_of[r]
                near = out.get(token)
                if near is None:
                    near = out[token] = set()
                near.add(choices[c])
    return out


def _band(n: int, by_length: dict[int, list[str]]) -> list[str]:
    """The delta tokens a token of ``n`` characters may be within the fuzzy budget of: the
    lengths whose difference from ``n`` is within the budget of the shorter of the two (no
    budget exceeds ``max(1, n // FUZZY_CHARS_PER_EDIT)``, the widest search)."""
    reach = max(1, n // cfg.FUZZY_CHARS_PER_EDIT)
    out: list[str] = []
    for length in range(max(1, n - reach), n + reach + 1):
        budget = max(1, min(n, length) // cfg.FUZZY_CHARS_PER_EDIT)
        if abs(length - n) <= budget:
            out.extend(by_length.get(length, ()))
    return out
