"""Comparisons of a name pair beyond token by token: one word aligned with two words of the
other name (a shifted or dropped space), and both names compared without spaces (merged and
split tokens, Korean keys with the surname first or last, Arabic consonant skeletons).
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from prosper.matching import config as cfg
from prosper.matching.skeleton import (
    ARTICLES,
    consonant_skeleton,
    long_vowel_mismatch,
    nisba_mismatch,
    whole_name_long_vowel_mismatch,
    whole_name_nisba_mismatch,
)
from prosper.names.normalize import NameForm


def syllabic_script(query: NameForm, candidate: NameForm) -> bool:
    """Either name is written in Han or Hangul (one token per syllable after romanization)."""
    return bool((query.scripts | candidate.scripts) & {"han", "hangul"})


def _abjad_compact(tokens: tuple[str, ...]) -> str:
    return "".join(consonant_skeleton(t) for t in tokens if t not in ARTICLES)


def merge_split_tokens(
    qt: tuple[str, ...], ct: tuple[str, ...], used_q: set[int], used_c: set[int], abjad: bool
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Align an unaligned word of one name with two unaligned words of the other (a shifted
    space, in the order typed: ``ajmishafi`` = ``shafi … al ajmi``): ``alireza`` = ``ali reza``
    (exact, × COMPACT_FACTOR), and across Arabic script by consonants, ``عبدالطیف``
    "bdaltyf" ~ ``Abdul Latif`` (TRANSLITERATED). Updates ``used_q`` / ``used_c``; returns
    ``(query indexes, list indexes, score)``."""
    out: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    sides = ((qt, ct, used_q, used_c, False), (ct, qt, used_c, used_q, True))
    for one, two, used_one, used_two, flipped in sides:
        for i, word in enumerate(one):
            if i in used_one or len(word) < cfg.MERGED_MIN_LENGTH:
                continue
            free = [j for j in range(len(two)) if j not in used_two]
            for j, k in ((j, k) for j in free for k in free if j != k):
                joined = two[j] + two[k]
                score = 0.0
                if joined == word:
                    score = cfg.EXACT * cfg.COMPACT_FACTOR
                elif abjad:
                    skel = consonant_skeleton(word)
                    pair = consonant_skeleton(joined)
                    if (
                        len(skel) >= 3
                        and skel == pair
                        and not nisba_mismatch(word, joined)
                        and not long_vowel_mismatch(word, joined)
                    ):
                        score = cfg.TRANSLITERATED
                if score:
                    used_one.add(i)
                    used_two.update((j, k))
                    single, double = (i,), (j, k)
                    out.append((double, single, score) if flipped else (single, double, score))
                    break
    return out


def _compact_korean(form: NameForm) -> frozenset[str] | None:
    """The Korean keys of the whole name without spaces, with the surname first or last
    (``LAST, First`` vs ``First Last``: "gim jeongeun" = "jong un kim")."""
    keys = form.korean
    if not keys or any(k is None for k in keys):
        return None
    parts = [(k or "").lstrip("~") for k in keys]
    return frozenset("".join(p) for p in (parts, parts[1:] + parts[:1], parts[-1:] + parts[:-1]))


def space_moved(qt: tuple[str, ...], ct: tuple[str, ...]) -> bool:
    """As many letters in as many words, in words of other lengths."""
    return sum(map(len, qt)) == sum(map(len, ct)) and sorted(map(len, qt)) != sorted(map(len, ct))


def _orders(tokens: tuple[str, ...], full: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The list name's word orders compared without spaces: as written, in full, reversed,
    and with the first or the last word moved to the other end (``YUN HO-JIN`` as
    ``ho jin yun``: the surname first or last, so a shifted hyphen ``H-OJIN YUN`` is seen)."""
    if len(tokens) < 3:
        return (tokens, full, tokens[::-1])
    return (tokens, full, tokens[::-1], tokens[1:] + tokens[:1], tokens[-1:] + tokens[:-1])


def compact_score(query: NameForm, candidate: NameForm, abjad: bool = False) -> float:
    """Both names without spaces: catches merged and split tokens ("Jongun", "JSCARGUMENT")."""
    if abjad:
        qa, ca = _abjad_compact(query.tokens), _abjad_compact(candidate.tokens)
        if min(len(qa), len(ca)) >= 3:
            sim = Levenshtein.normalized_similarity(qa, ca)
            # the -i and long-vowel tests (pure Python, word by word) only for a pair the
            # skeletons would join: on the bench queries none of the ~500 pairs they were
            # asked about per pass reached the similarity
            if (
                sim >= cfg.ABJAD_MIN_SIMILARITY
                and not whole_name_nisba_mismatch(query.tokens, candidate.tokens)
                and not whole_name_long_vowel_mismatch(query.tokens, candidate.tokens)
            ):
                return cfg.TRANSLITERATED * sim
    if (
        len(query.full) == len(candidate.full)
        and len(query.tokens) == len(candidate.tokens)
        and not space_moved(query.tokens, candidate.tokens)
    ):
        # same token count: the token alignment saw everything, unless a space or hyphen moved
        # (the same letters in words of other lengths: "H-OJIN YUN" / "YUN HO-JIN")
        return 0.0
    qk, ck = _compact_korean(query), _compact_korean(candidate)
    if qk is not None and ck is not None and any(len(k) >= cfg.COMPACT_MIN_LENGTH for k in qk & ck):
        return cfg.ROMANIZATION * cfg.COMPACT_FACTOR
    # one letter off in Han or Hangul romanized without spaces is another character:
    # 王志强 "wangzhiqiang" is not "WANG, Zhiqing"; only an exact merge counts there
    min_similarity = 1.0 if syllabic_script(query, candidate) else cfg.COMPACT_MIN_SIMILARITY
    best = 0.0
    for qs in (query.tokens, query.full):
        q = "".join(qs)
        if len(q) < cfg.COMPACT_MIN_LENGTH:
            continue
        for cs in _orders(candidate.tokens, candidate.full):
            c = "".join(cs)
            if len(c) < cfg.COMPACT_MIN_LENGTH or (q != c and not (q.isalpha() and c.isalpha())):
                continue  # numbers must agree exactly
            if abs(len(q) - len(c)) > (1.0 - min_similarity) * max(len(q), len(c)):
                continue  # too different in length to reach the similarity
            sim = Levenshtein.normalized_similarity(q, c, score_cutoff=min_similarity)
            best = max(best, sim)
    return best * cfg.COMPACT_FACTOR if best >= min_similarity else 0.0
