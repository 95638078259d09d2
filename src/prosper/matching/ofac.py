"""``ofac_score``: an approximation of OFAC Sanctions List Search scoring ("regulator view").

OFAC documents its tool as fuzzy name matching built on Jaro-Winkler and character
comparisons; users compare scores with it (watchman #115/#338, yente #245). This follows the
behaviour nomenklatura's ``ofac`` matcher reproduces (peers_screening.md §2.3): the maximum of

* a whole-name Jaro-Winkler similarity, counted only when both names start with the same letter;
* the mean over query tokens of their best Jaro-Winkler similarity with any list token
  (tokens of one or two characters are dropped; a token best below 0.5 counts 0).

Like OFAC's tool it works on Latin letters only: a name in another script scores 0. It is an
approximation, not a certified reproduction; it is reported next to Prosper's own score and
never used to decide a match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

_NON_ALPHA = re.compile(r"[^A-Z0-9 ]+")
TOKEN_FLOOR = 0.5  # a query token whose best list token scores below this adds 0
MIN_TOKEN_LENGTH = 3  # OFAC ignores one- and two-letter tokens


@lru_cache(maxsize=1 << 16)
def _latin(name: str) -> str | None:
    """``name`` in upper-case Latin letters and digits, words split by one space; None when it
    has letters of another script (remembered: the query's for each of its hits, a list
    name's for each query it is returned for)."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if any(ch.isalpha() and not ch.isascii() for ch in stripped):
        return None
    text = _NON_ALPHA.sub(" ", stripped.upper().replace(",", " "))
    return " ".join(text.split())


def ofac_score(query: str, candidate: str) -> float:
    """OFAC-style similarity of two names in [0, 1] (0 when either is not in Latin script).

    >>> round(ofac_score("George Bush", "George Habbash"), 2) > 0.8
    True
    """
    q, c = _latin(query), _latin(candidate)
    if not q or not c:
        return 0.0
    whole = JaroWinkler.similarity(q, c) if q[0] == c[0] else 0.0
    q_tokens = [t for t in q.split() if len(t) >= MIN_TOKEN_LENGTH]
    c_tokens = [t for t in c.split() if len(t) >= MIN_TOKEN_LENGTH]
    token = 0.0
    if q_tokens and c_tokens:
        total = 0.0
        for t in q_tokens:
            best = max(JaroWinkler.similarity(t, u) for u in c_tokens)
            total += best if best >= TOKEN_FLOOR else 0.0
        token = total / len(q_tokens)
    return round(max(whole, token), 4)
