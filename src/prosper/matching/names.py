"""Pairwise name scoring: align tokens, weigh the evidence, explain every step.

Each way two tokens can agree is a small function of the two prepared names; the alignment
takes the best one-to-one pairs; the name score is the weighted share of aligned evidence
over all tokens of both names (so it is symmetric), with unaligned tokens counting at a
reduced weight (:data:`~prosper.matching.config.EXTRA_TOKEN_PERSON`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from prosper.matching import config as cfg
from prosper.matching.skeleton import ARTICLES, consonant_skeleton
from prosper.matching.syllables import is_syllable, one_syllable_name
from prosper.model import EntityType
from prosper.names.nicknames import are_nicknames
from prosper.names.normalize import NameForm
from prosper.names.variants import spelling_skeletons
from prosper.names.weights import TokenWeights

# Sorting order of agreement kinds when scores tie (more specific first).
_HOW_RANK = {
    "exact": 0,
    "romanization": 1,
    "transliterated": 2,
    "phonetic": 3,
    "stem": 4,
    "spelling": 5,
    "nickname": 6,
    "fuzzy": 7,
    "initial": 8,
}


@dataclass(frozen=True, slots=True)
class TokenPair:
    """One aligned query token and list token, how they agree and how much."""

    query: str
    candidate: str
    score: float
    how: str


@dataclass(frozen=True, slots=True)
class NameScore:
    """The score of one name against another with its alignment."""

    score: float
    aligned: tuple[tuple[str, str, float, str], ...]  # (query, candidate, score, how)
    extra_query: tuple[str, ...]
    extra_candidate: tuple[str, ...]
    rule: str  # "tokens", "compact", "brand", "number_only", "differing_word"

    @property
    def pairs(self) -> tuple[TokenPair, ...]:
        """The aligned token pairs, in query order."""
        return tuple(TokenPair(q, c, round(s, 4), how) for q, c, s, how in self.aligned)

    def detail(self) -> str:
        """Human-readable alignment: ``'jong'≈'jeong' romanization 0.93; …``."""
        parts = []
        for p in self.pairs:
            sign = "=" if p.how == "exact" else "≈"
            parts.append(f"'{p.query}'{sign}'{p.candidate}' {p.how} {p.score:.2f}")
        parts += [f"'{t}' unmatched in query" for t in self.extra_query]
        parts += [f"'{t}' unmatched in list name" for t in self.extra_candidate]
        if self.rule == "compact":
            parts.append("compared without spaces")
        elif self.rule == "brand":
            parts.append("query is the distinctive word of the legal name")
        elif self.rule == "number_only":
            parts.append("only numbers agree")
        elif self.rule == "differing_word":
            parts.append("each name keeps a distinctive word the other lacks")
        return "; ".join(parts)


# Countries and localities that prefix or suffix legal names ("Hangzhou Hikvision …",
# "Sberbank of Russia"). Hand-made: rigour's territory lookup knows countries but costs ~5 s to
# load and has no cities; this short list covers the places common on the US/UN lists.
_PLACE_WORDS = """russia russian china chinese iran iranian korea korean syria syrian iraq
    lebanon turkey
    india pakistan afghanistan belarus ukraine crimea venezuela cuba yemen libya sudan
    myanmar burma uae emirates kazakhstan uzbekistan armenia georgia cyprus malaysia
    singapore hongkong hong kong taiwan vietnam japan germany france italy
    beijing shanghai shenzhen guangzhou hangzhou wuhan chengdu tianjin nanjing chongqing
    xian suzhou hefei changsha dalian qingdao xiamen harbin shenyang zhengzhou jinan zhejiang
    jiangsu guangdong sichuan shandong hubei hunan fujian liaoning anhui shaanxi hebei
    moscow petersburg novosibirsk yekaterinburg kazan tehran pyongyang dubai"""
_PLACES = frozenset(_PLACE_WORDS.split())


def _is_place(token: str) -> bool:
    """A country or a listed locality: not part of a brand."""
    return token in _PLACES


def _syllabic_script(query: NameForm, candidate: NameForm) -> bool:
    """Either name is written in Han or Hangul (one token per syllable after romanization)."""
    return bool((query.scripts | candidate.scripts) & {"han", "hangul"})


def _syllabic(form: NameForm) -> bool:
    """A name written syllable by syllable: Han or Hangul script, or romanized Korean."""
    if form.scripts & {"han", "hangul"}:
        return True
    return len(form.tokens) >= 2 and all(k is not None for k in form.korean)


_PARTICLES = frozenset(cfg.PARTICLES.split())
_PARTICLE_CANON = {
    spelling: group.split()[0] for group in cfg.PARTICLE_SPELLINGS for spelling in group.split()
}
_PATRONYMIC = re.compile(cfg.PATRONYMIC_ENDINGS)


_VOWEL_RUN = re.compile(r"[aeiouy]+")


def _vowel_groups(token: str) -> int:
    """Runs of vowels (``y`` counted as one): ``husayn`` 2, ``hussein`` 2, ``karim`` 2."""
    return len(_VOWEL_RUN.findall(token))


def _minor(token: str) -> bool:
    """A particle (``al``, ``bin``, ``van``, ``de``) or a patronymic (``Igorevich``,
    ``Sergeyevna``, ``Petrovych``): when missing from the other name, it counts at
    :data:`~prosper.matching.config.MINOR_TOKEN` of its weight."""
    return token in _PARTICLES or (len(token) >= 7 and _PATRONYMIC.search(token) is not None)


_SUFFIXES = ("ing", "ers", "er", "es", "s", "al", "e")


def _stem(token: str) -> str:
    for suffix in _SUFFIXES:
        if len(token) - len(suffix) >= 4 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _same_stem(a: str, b: str) -> bool:
    """English word forms of one organisation word: ``bank``/``banking``, ``trade``/``trading``."""
    return _stem(a) == _stem(b)


def _inflection(a: str, b: str) -> bool:
    """Tokens that differ only in a final vowel: gendered forms, not typos."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) == len(a) + 1:
        return b.startswith(a) and b[-1] in "aeiou"
    return len(a) == len(b) and a[:-1] == b[:-1] and a[-1] in "aeiou" and b[-1] in "aeiou"


def _abjad_compact(tokens: tuple[str, ...]) -> str:
    return "".join(consonant_skeleton(t) for t in tokens if t not in ARTICLES)


def token_agreement(
    q: str,
    q_phon: str,
    q_kor: str | None,
    c: str,
    c_phon: str,
    c_kor: str | None,
    person: bool,
    abjad: bool = False,
    q_var: str = "",
    c_var: str = "",
) -> tuple[float, str]:
    """How well two normalised tokens agree: ``(score, how)``, score 0 for no agreement.

    >>> token_agreement("pyong", "PYNK", "pyong", "byeong", "BYNK", "pyong", True)
    (0.93, 'romanization')
    """
    if q == c:
        return cfg.EXACT, "exact"
    if q.isdigit() or c.isdigit():
        return 0.0, ""  # numbers agree exactly or not at all
    best, how = 0.0, ""
    if q_kor is not None and q_kor == c_kor:
        best, how = cfg.ROMANIZATION, "romanization"
    if q_var and q_var == c_var and len(q_var) >= 3 and best < cfg.VARIANT:
        best, how = cfg.VARIANT, "transliterated"
    if abjad and best < cfg.TRANSLITERATED:
        qs, cs = consonant_skeleton(q), consonant_skeleton(c)
        if qs and qs == cs:
            # "mr" is Omar, Amir, Amr, Mira …: two consonants say little
            short_skeleton = len(qs) <= cfg.ABJAD_SHORT_SKELETON
            best = cfg.TRANSLITERATED_SHORT if short_skeleton else cfg.TRANSLITERATED
            how = "transliterated"
        elif (
            min(len(qs), len(cs)) >= 4
            and qs[0] == cs[0]
            and Levenshtein.distance(qs, cs, score_cutoff=1) <= 1
        ):
            best, how = cfg.TRANSLITERATED_NEAR, "transliterated"
    lq, lc = len(q), len(c)
    short = min(lq, lc)
    if short >= 4 and best < cfg.STEM and q[:4] == c[:4] and _same_stem(q, c):
        best, how = cfg.STEM, "stem"  # "bank" / "banking", "trade" / "trading"
    if short >= 4 and best < cfg.SPELLING_VARIANT:
        shared = spelling_skeletons(q) & spelling_skeletons(c)
        if any(
            len(skel) >= cfg.SPELLING_MIN_CONSONANTS
            # three consonants and as many vowel sounds: "Husayn" / "Hussein"
            or (len(skel) == 3 and _vowel_groups(q) == _vowel_groups(c))
            for skel in shared
        ):
            best, how = cfg.SPELLING_VARIANT, "spelling"
    if person and best < cfg.NICKNAME and q.isalpha() and c.isalpha() and are_nicknames(q, c):
        best, how = cfg.NICKNAME, "nickname"  # "Bob" / "Robert"
    if best < cfg.VARIANT and _PARTICLE_CANON.get(q, q) == _PARTICLE_CANON.get(c, c):
        best, how = cfg.VARIANT, "transliterated"  # "bin" / "ibn", "el" / "al"
    if short == 1:
        if person and q[0] == c[0] and best < cfg.INITIAL:
            return cfg.INITIAL, "initial"
        return best, how
    if (
        q_phon
        and q_phon == c_phon
        and q[0] == c[0]
        and short >= 3
        and max(lq, lc) >= 4  # "min" and "man" share MN: too short to tell
        and best < cfg.PHONETIC
    ):
        sim = Levenshtein.normalized_similarity(q, c)
        # sounds alike, but the spelling still counts: "marc"/"mark" 0.85, "sang"/"song"
        # 0.85, "rosoboroneksport"/"rosoboronexport" 0.90
        phonetic = min(cfg.PHONETIC, sim + cfg.PHONETIC_SPELLING_BONUS)
        if sim >= cfg.PHONETIC_MIN_SIMILARITY and phonetic > best:
            best, how = phonetic, "phonetic"
    if (short >= cfg.FUZZY_MIN_LENGTH or (short == 3 and max(lq, lc) >= 4)) and (
        q[0] == c[0] or short > cfg.FUZZY_SHORT_SAME_FIRST  # "Gang"/"Sang", "Long"/"Dong"
    ):
        budget = max(1, short // cfg.FUZZY_CHARS_PER_EDIT)
        dist = OSA.distance(q, c, score_cutoff=budget)  # a swap of two letters is one edit
        if dist <= budget:
            sim = 1.0 - dist / max(lq, lc)
            if q[0] != c[0]:
                sim -= cfg.FUZZY_FIRST_LETTER_PENALTY  # "Serkan" vs "Erkan"
            if sim >= cfg.MIN_FUZZY and sim > best:
                best, how = sim, "fuzzy"
    if (
        best < cfg.FUZZY_START_SWAP
        and short >= 4
        and lq == lc
        and q[0] == c[1]
        and q[1] == c[0]
        and q[2:] == c[2:]
    ):
        best, how = cfg.FUZZY_START_SWAP, "fuzzy"  # "Akina" / "Kaina", "Hcol" / "Chol"
    near = how in ("phonetic", "fuzzy", "spelling")
    if near and best > cfg.FUZZY_INFLECTION and _inflection(q, c):
        best = cfg.FUZZY_INFLECTION  # "Ivanov" vs "Ivanova", "Mario" vs "Maria"
    return best, how


def _distinct_unaligned(tokens: tuple[str, ...], used: set[int], weights: list[float]) -> bool:
    """An unaligned word that names something: a place, or a word rare on the lists (weight
    at least :data:`~prosper.matching.config.DIFFERING_WORD_MIN_WEIGHT`), not a particle."""
    return any(
        i not in used
        and not _minor(t)
        and not t.isdigit()
        and len(t) >= 3
        and (_is_place(t) or weights[i] >= cfg.DIFFERING_WORD_MIN_WEIGHT)
        for i, t in enumerate(tokens)
    )


def _merge_split_tokens(
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
                    if len(skel) >= 3 and skel == pair:
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


def score_name(
    query: NameForm,
    candidate: NameForm,
    weights: TokenWeights,
    type: EntityType | None = None,
    cache: dict[tuple[str, bool], list[tuple[float, str]]] | None = None,
) -> NameScore:
    """Score ``candidate`` against ``query`` (symmetric up to alignment ties).

    Args:
        query: The prepared screened name.
        candidate: The prepared list name.
        weights: Token weights (IDF over the lists).
        type: The entity type when known (persons allow initials; extra-token penalty).
        cache: Optional per-query memo of token agreements keyed by candidate token (and
            whether the pair crosses Arabic script); only for one query and one ``type``.

    Returns:
        The score in [0, 1] and the token alignment behind it.
    """
    person = type is EntityType.PERSON or type is None
    abjad = ("arabic" in query.scripts) != ("arabic" in candidate.scripts)
    qt, ct = query.tokens, candidate.tokens
    triples: list[tuple[float, int, int, str]] = []
    for j, c in enumerate(ct):
        row = cache.get((c, abjad)) if cache is not None else None
        if row is None:
            cp, ck, cv = candidate.phonetic[j], candidate.korean[j], candidate.variant[j]
            row = [
                token_agreement(
                    q,
                    query.phonetic[i],
                    query.korean[i],
                    c,
                    cp,
                    ck,
                    person,
                    abjad,
                    query.variant[i],
                    cv,
                )
                for i, q in enumerate(qt)
            ]
            if cache is not None:
                cache[(c, abjad)] = row
        for i, (s, how) in enumerate(row):
            if s > 0.0:
                triples.append((s, i, j, how))
    if triples and (
        _syllabic_script(query, candidate)
        or (one_syllable_name(query) and one_syllable_name(candidate))
    ):
        # Chinese and Korean names are strings of syllables, each its own character: a
        # near-but-different syllable is a different name ("Sang-hun" ≠ "Song Hun",
        # "Zhong" ≠ "Zhang"), not a typo — unless the romanization key says it is the same;
        # and a one-letter syllable is no initial there (이 "i" is not "Il").
        triples = [
            t
            for t in triples
            if not (
                (
                    t[3] in ("phonetic", "fuzzy", "spelling", "initial")
                    and is_syllable(qt[t[1]])
                    and is_syllable(ct[t[2]])
                )
                # consonant skeletons say nothing between syllables: "chang" ≠ "cuiying"
                or t[3] == "spelling"
            )
        ]
    triples.sort(key=lambda t: (-t[0], _HOW_RANK[t[3]], t[1], t[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[int, int, float, str]] = []
    for s, i, j, how in triples:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, s, how))
    merged = _merge_split_tokens(qt, ct, used_q, used_c, abjad)
    # a shared word common among people says less (population frequency); a missing one not.
    # Not for names written syllable by syllable: a US table does not know 진 from "jin".
    pop = person and not (_syllabic(query) or _syllabic(candidate))
    wq = [weights.weight(t, pop and i in used_q) for i, t in enumerate(qt)]
    wc = [weights.weight(t, pop and j in used_c) for j, t in enumerate(ct)]
    extra = cfg.EXTRA_TOKEN_PERSON if type is EntityType.PERSON else cfg.EXTRA_TOKEN_ORG
    if min(len(qt), len(ct)) == 1 and max(len(qt), len(ct)) > 1:
        extra = cfg.EXTRA_TOKEN_SINGLE  # "EMMA LLC" is not "EMMA DANIELS"
    elif any(i not in used_q and not _minor(t) for i, t in enumerate(qt)) and any(
        j not in used_c and not _minor(t) for j, t in enumerate(ct)
    ):
        extra = cfg.EXTRA_TOKEN_CONFLICT  # "Kim Jong Un" vs "Kim Yo Jong": "un" ≠ "yo"
    elif _syllabic(query) or _syllabic(candidate):
        # a Chinese or Korean given name is one unit: 李明辉 ≠ LI Ming, Yoo Jin-ho ≠ YU Jin
        extra = cfg.EXTRA_TOKEN_SYLLABIC
        # ... and a one- or two-letter token there is a whole syllable (이 "i", 우 "u"), not
        # an initial: it is missing with its full weight ("Ryu Jin-u" ≠ "RYU JIN")
        wq = [wq[i] if i in used_q else max(wq[i], weights.idf(t)) for i, t in enumerate(qt)]
        wc = [wc[j] if j in used_c else max(wc[j], weights.idf(t)) for j, t in enumerate(ct)]
    # a missing particle or patronymic says little ("Ahmed DIBE" / "Ahmed AL-DIB")
    wq = [w if i in used_q or not _minor(qt[i]) else w * cfg.MINOR_TOKEN for i, w in enumerate(wq)]
    wc = [w if j in used_c or not _minor(ct[j]) else w * cfg.MINOR_TOKEN for j, w in enumerate(wc)]
    num = sum(s * (wq[i] + wc[j]) for i, j, s, _ in pairs)
    den = sum(wq[i] + wc[j] for i, j, _, _ in pairs)
    for q_idx, c_idx, s in merged:  # one word on one side, two on the other
        both = sum(wq[i] for i in q_idx) + sum(wc[j] for j in c_idx)
        num += s * both
        den += both
    den += extra * sum(w for i, w in enumerate(wq) if i not in used_q)
    den += extra * sum(w for j, w in enumerate(wc) if j not in used_c)
    score = num / den if den > 0 else 0.0
    rule = "tokens"
    pairs.sort(key=lambda p: p[0])
    has_words = not all(t.isdigit() for t in (*qt, *ct))
    if pairs and has_words and all(qt[i].isdigit() for i, _, _, _ in pairs):
        score *= cfg.NUMBER_ONLY_FACTOR
        rule = "number_only"
    elif (
        type is not EntityType.PERSON
        and len(used_q) == len(qt)
        and len(ct) > len(qt)
        and all(s >= cfg.PHONETIC for _, _, s, _ in pairs)
        and score < cfg.BRAND_SCORE
    ):
        best_c = max(range(len(ct)), key=lambda j: wc[j])
        brand = wc[best_c]
        others = [wc[j] for j in range(len(ct)) if j not in used_c and not _is_place(ct[j])]
        if (
            best_c in used_c
            and brand >= cfg.BRAND_MIN_WEIGHT
            and all(w <= brand - cfg.BRAND_MARGIN for w in others)
        ):
            score, rule = cfg.BRAND_SCORE, "brand"
    compact = _compact_score(query, candidate, abjad)
    if compact > score:
        score, rule = compact, "compact"
    if (
        type is not EntityType.PERSON
        and rule != "compact"  # "JSCARGUMENT" / "JSC ARGUMENT": merged, not different
        and score > cfg.DIFFERING_WORD_CAP
        and _distinct_unaligned(qt, used_q, wq)
        and _distinct_unaligned(ct, used_c, wc)
    ):
        # "Bank Melli Iran" / "Bank Mellat Iran", "… (Chengdu) Co." / "… (Beijing) Co.":
        # each name keeps a distinctive word the other lacks: another organisation
        score, rule = cfg.DIFFERING_WORD_CAP, "differing_word"
    aligned = [(qt[i], ct[j], s, how) for i, j, s, how in pairs]
    aligned += [
        (" ".join(qt[i] for i in q_idx), " ".join(ct[j] for j in c_idx), s, "merged")
        for q_idx, c_idx, s in merged
    ]
    return NameScore(
        score=min(1.0, max(0.0, score)),
        aligned=tuple(aligned),
        extra_query=tuple(t for i, t in enumerate(qt) if i not in used_q),
        extra_candidate=tuple(t for j, t in enumerate(ct) if j not in used_c),
        rule=rule,
    )


def _compact_score(query: NameForm, candidate: NameForm, abjad: bool = False) -> float:
    """Both names without spaces: catches merged and split tokens ("Jongun", "JSCARGUMENT")."""
    if abjad:
        qa, ca = _abjad_compact(query.tokens), _abjad_compact(candidate.tokens)
        if min(len(qa), len(ca)) >= 3:
            sim = Levenshtein.normalized_similarity(qa, ca)
            if sim >= cfg.ABJAD_MIN_SIMILARITY:
                return cfg.TRANSLITERATED * sim
    if len(query.full) == len(candidate.full) and len(query.tokens) == len(candidate.tokens):
        return 0.0  # same token count: the token alignment already saw everything
    qk, ck = _compact_korean(query), _compact_korean(candidate)
    if qk is not None and ck is not None and any(len(k) >= cfg.COMPACT_MIN_LENGTH for k in qk & ck):
        return cfg.ROMANIZATION * cfg.COMPACT_FACTOR
    # one letter off in Han or Hangul romanized without spaces is another character:
    # 王志强 "wangzhiqiang" is not "WANG, Zhiqing"; only an exact merge counts there
    min_similarity = 1.0 if _syllabic_script(query, candidate) else cfg.COMPACT_MIN_SIMILARITY
    best = 0.0
    for qs in (query.tokens, query.full):
        q = "".join(qs)
        if len(q) < cfg.COMPACT_MIN_LENGTH:
            continue
        for cs in (candidate.tokens, candidate.full, candidate.tokens[::-1]):
            c = "".join(cs)
            if len(c) < cfg.COMPACT_MIN_LENGTH or (q != c and not (q.isalpha() and c.isalpha())):
                continue  # numbers must agree exactly
            if abs(len(q) - len(c)) > (1.0 - min_similarity) * max(len(q), len(c)):
                continue  # too different in length to reach the similarity
            sim = Levenshtein.normalized_similarity(q, c, score_cutoff=min_similarity)
            best = max(best, sim)
    return best * cfg.COMPACT_FACTOR if best >= min_similarity else 0.0
