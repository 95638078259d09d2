"""Pairwise name scoring: align tokens, weigh the evidence, explain every step.

Each way two tokens can agree is a small function of the two prepared names; the alignment
takes the best one-to-one pairs; the name score is the weighted share of aligned evidence
over all tokens of both names (so it is symmetric), with unaligned tokens counting at a
reduced weight (:data:`~prosper.matching.config.EXTRA_TOKEN_PERSON`).
"""

from __future__ import annotations

from dataclasses import dataclass

from prosper.matching import config as cfg
from prosper.matching.compact import compact_score, merge_split_tokens, syllabic_script
from prosper.matching.syllables import is_syllable, one_letter_dropped, one_syllable_name
from prosper.matching.tokens import (
    fuzzy_similarity,
    is_patronymic,
    minor,
    same_father,
    token_agreement,
)
from prosper.model import EntityType
from prosper.names.normalize import NameForm, with_compounds_joined
from prosper.names.orgs import acronym_of, is_generic_word
from prosper.names.weights import TokenWeights

__all__ = ["NameScore", "TokenPair", "score_name", "token_agreement"]

# Sorting order of agreement kinds when scores tie (more specific first).
_HOW_RANK = {
    "exact": 0,
    "romanization": 1,
    "transliterated": 2,
    "phonetic": 3,
    "stem": 4,
    "spelling": 5,
    "nickname": 6,
    "given_name": 7,
    "fuzzy": 8,
    "letter_dropped": 9,
    "initial": 10,
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
    rule: str  # "tokens", "compact", "brand", "acronym", "number_only", "differing_word"

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
        elif self.rule == "acronym":
            parts.append("one name is the initials of the other")
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


def _syllabic(form: NameForm) -> bool:
    """A name written syllable by syllable: Han or Hangul script, or romanized Korean."""
    if form.scripts & {"han", "hangul"}:
        return True
    return len(form.tokens) >= 2 and all(k is not None for k in form.korean)


def _distinct_unaligned(
    tokens: tuple[str, ...], used: set[int], weights: list[float], minors: list[bool]
) -> bool:
    """An unaligned word that names something: a place, or a word rare on the lists (weight
    at least :data:`~prosper.matching.config.DIFFERING_WORD_MIN_WEIGHT`), not a particle,
    generic word or acronym."""
    return any(
        i not in used
        and not minors[i]
        and not t.isdigit()
        and len(t) >= 3
        and (_is_place(t) or weights[i] >= cfg.DIFFERING_WORD_MIN_WEIGHT)
        for i, t in enumerate(tokens)
    )


def _minor_words(
    query: NameForm, candidate: NameForm, used_q: set[int], used_c: set[int], org: bool
) -> tuple[list[bool], list[bool]]:
    """Which tokens of each name count as minor when unmatched: particles and patronymics;
    for organisations also an acronym of either name ("(SSRC)", "TTP-") and a generic word
    (``Company``, ``Group``, ``Lab``) that one name adds — not one the other name replaces with
    a word of its own ("X Technologies" / "X Communications" are two organisations)."""
    qt, ct = query.tokens, candidate.tokens
    mq = [minor(t, not org) for t in qt]  # titles are a person's ("General Nkunda")
    mc = [minor(t, not org) for t in ct]
    if not org:
        # a patronymic is minor when the other name leaves it out, but two different ones are
        # two fathers: "Ivan Aleksandrovich Yermakov" / "YERMAKOV, Ivan Sergeyevich"
        pq = [i for i, t in enumerate(qt) if i not in used_q and is_patronymic(t)]
        pc = [j for j, t in enumerate(ct) if j not in used_c and is_patronymic(t)]
        if (
            cfg.PATRONYMIC_CONFLICT
            and pq
            and pc
            and not any(same_father(qt[i], ct[j]) for i in pq for j in pc)
        ):
            for i in pq:
                mq[i] = False
            for j in pc:
                mc[j] = False
        return mq, mc
    for tokens, used, marks in ((qt, used_q, mq), (ct, used_c, mc)):
        for i, t in enumerate(tokens):
            if i not in used and not marks[i] and len(t) <= 6:
                marks[i] = acronym_of(t, query.full) or acronym_of(t, candidate.full)
    # what each name keeps unmatched, acronyms aside (particles count: "Terra-AZ")
    kept_q = any(i not in used_q and (not mq[i] or minor(t, False)) for i, t in enumerate(qt))
    kept_c = any(j not in used_c and (not mc[j] or minor(t, False)) for j, t in enumerate(ct))
    if kept_q != kept_c:  # one name adds words, the other keeps none of its own
        if kept_q:
            mq = [m or (i not in used_q and is_generic_word(qt[i])) for i, m in enumerate(mq)]
        else:
            mc = [m or (j not in used_c and is_generic_word(ct[j])) for j, m in enumerate(mc)]
    return mq, mc


def _whole_acronym(query: NameForm, candidate: NameForm) -> bool:
    """One name is a single word of at least
    :data:`~prosper.matching.config.ACRONYM_MIN_LETTERS` letters that is the initials of all
    the other's words: "SMIC" / "Semiconductor Manufacturing International Corporation"."""
    for one, other in ((query, candidate), (candidate, query)):
        if len(one.tokens) == 1 and len(other.full) >= cfg.ACRONYM_MIN_LETTERS:
            word = one.tokens[0]
            if len(word) >= cfg.ACRONYM_MIN_LETTERS and word == "".join(
                t[0] for t in other.full if t not in ("of", "and", "the", "for")
            ):
                return True
    return False


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
    result = _score_tokens(query, candidate, weights, type, cache)
    if ("arabic" in query.scripts) != ("arabic" in candidate.scripts):
        # Arabic script vs Latin: also compare with compound names joined on both sides
        # ("bd allh" / "Abdullah", "Zia-ur-Rahman" / "dya alrhman"); the better score counts
        jq, jc = with_compounds_joined(query), with_compounds_joined(candidate)
        if jq is not None or jc is not None:
            joined = _score_tokens(jq or query, jc or candidate, weights, type, None)
            if joined.score > result.score:
                return joined
    return result


def _syllabic_agreement(
    triple: tuple[float, int, int, str], q: str, c: str
) -> tuple[float, int, int, str]:
    """A spelling agreement between names written syllable by syllable counts only as the
    typo it may be: consonant skeletons say nothing between syllables (``chang`` ≠
    ``cuiying``), but a token that is no syllable, one letter off a syllable, is a typo of it
    (``myng`` ~ ``myong``, :func:`~prosper.matching.tokens.fuzzy_similarity`)."""
    if triple[3] != "spelling":
        return triple
    return fuzzy_similarity(q, c), triple[1], triple[2], "fuzzy"


def _dropped_letter_agreement(
    triple: tuple[float, int, int, str], q: str, c: str
) -> tuple[float, int, int, str]:
    """Two different real syllables agree only when one is the other with one letter left out
    (``sog`` / ``song``, ``jon`` / ``jong``: a letter dropped by a typist, or another
    syllable), at :data:`~prosper.matching.config.SYLLABLE_LETTER_DROPPED` at most; any other
    near pair of syllables (``sang`` / ``song``) does not agree at all."""
    if triple[3] == "initial" or not one_letter_dropped(q, c):
        return 0.0, triple[1], triple[2], triple[3]
    return min(triple[0], cfg.SYLLABLE_LETTER_DROPPED), triple[1], triple[2], "letter_dropped"


def _score_tokens(
    query: NameForm,
    candidate: NameForm,
    weights: TokenWeights,
    type: EntityType | None,
    cache: dict[tuple[str, bool], list[tuple[float, str]]] | None,
) -> NameScore:
    """:func:`score_name` on the tokens as they are."""
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
        syllabic_script(query, candidate)
        or (one_syllable_name(query) and one_syllable_name(candidate))
    ):
        # Chinese and Korean names are strings of syllables, each its own character: a
        # near-but-different syllable is a different name ("Sang-hun" ≠ "Song Hun",
        # "Zhong" ≠ "Zhang"), not a typo — unless the romanization key says it is the same;
        # and a one-letter syllable is no initial there (이 "i" is not "Il").
        # A syllable one letter short of the other ("sog" / "song") is weak evidence, not
        # none (config.SYLLABLE_LETTER_DROPPED): enough to rank the name with it first,
        # never enough to make a match on its own.
        triples = [
            _syllabic_agreement(t, qt[t[1]], ct[t[2]])
            if not (
                t[3] in ("phonetic", "fuzzy", "spelling", "initial")
                and is_syllable(qt[t[1]])
                and is_syllable(ct[t[2]])
            )
            else _dropped_letter_agreement(t, qt[t[1]], ct[t[2]])
            for t in triples
        ]
        triples = [t for t in triples if t[0] > 0.0]
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
    merged = merge_split_tokens(qt, ct, used_q, used_c, abjad)
    org = type is not EntityType.PERSON  # an unknown type may be an organisation
    mq, mc = _minor_words(query, candidate, used_q, used_c, org)
    # a shared word common among people says less (population frequency); a missing one not.
    # Not for names written syllable by syllable: a US table does not know 진 from "jin".
    pop = person and not (_syllabic(query) or _syllabic(candidate))
    # Only for words that agree: a gendered pair of common names ("Paolo" / "Paola", 0.5)
    # disagrees and keeps its full weight against the score.
    agree_q = {i for i, _, s, _ in pairs if s >= cfg.POPULATION_MIN_AGREEMENT}
    agree_c = {j for _, j, s, _ in pairs if s >= cfg.POPULATION_MIN_AGREEMENT}
    wq = [weights.weight(t, pop and i in agree_q) for i, t in enumerate(qt)]
    wc = [weights.weight(t, pop and j in agree_c) for j, t in enumerate(ct)]
    extra = cfg.EXTRA_TOKEN_PERSON if type is EntityType.PERSON else cfg.EXTRA_TOKEN_ORG
    if min(len(qt), len(ct)) == 1 and max(len(qt), len(ct)) > 1:
        extra = cfg.EXTRA_TOKEN_SINGLE  # "EMMA LLC" is not "EMMA DANIELS"
    elif any(i not in used_q and not mq[i] for i in range(len(qt))) and any(
        j not in used_c and not mc[j] for j in range(len(ct))
    ):
        extra = cfg.EXTRA_TOKEN_CONFLICT  # "Kim Jong Un" vs "Kim Yo Jong": "un" ≠ "yo"
    elif _syllabic(query) or _syllabic(candidate):
        # a Chinese or Korean given name is one unit: 李明辉 ≠ LI Ming, Yoo Jin-ho ≠ YU Jin
        extra = cfg.EXTRA_TOKEN_SYLLABIC
        # ... and a one- or two-letter token there is a whole syllable (이 "i", 우 "u"), not
        # an initial: it is missing with its full weight ("Ryu Jin-u" ≠ "RYU JIN")
        wq = [wq[i] if i in used_q else max(wq[i], weights.idf(t)) for i, t in enumerate(qt)]
        wc = [wc[j] if j in used_c else max(wc[j], weights.idf(t)) for j, t in enumerate(ct)]
    # a person's name with one word that names someone, particles, titles and patronymics
    # aside, is a one-word name too: "Hafsat Yusuf" is not "HAFSAT, Abu" (never less than the
    # share the rules above gave)
    named_q = sum(1 for m in mq if not m)
    named_c = sum(1 for m in mc if not m)
    if cfg.SINGLE_NAMED_WORD and person and min(named_q, named_c) == 1 < max(named_q, named_c):
        extra = max(extra, cfg.EXTRA_TOKEN_SINGLE)
    # a missing particle, patronymic or generic word says little ("Ahmed DIBE" / "Ahmed
    # AL-DIB", "Kaspersky" / "Kaspersky Lab")
    wq = [w if i in used_q or not mq[i] else w * cfg.MINOR_TOKEN for i, w in enumerate(wq)]
    wc = [w if j in used_c or not mc[j] else w * cfg.MINOR_TOKEN for j, w in enumerate(wc)]
    num = sum(s * (wq[i] + wc[j]) for i, j, s, _ in pairs)
    den = sum(wq[i] + wc[j] for i, j, _, _ in pairs)
    for q_idx, c_idx, s in merged:  # one word on one side, two on the other
        # start 0.0: mypyc (compiled build) types a bare sum() over the captured ``wc`` int
        both = sum((wq[i] for i in q_idx), 0.0) + sum((wc[j] for j in c_idx), 0.0)
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
        named = [j for j in range(len(ct)) if not _is_place(ct[j])] or list(range(len(ct)))
        best_c = max(named, key=lambda j: wc[j])  # "Sberbank of Russia": not "Russia"
        brand = wc[best_c]
        others = [wc[j] for j in range(len(ct)) if j not in used_c and not _is_place(ct[j])]
        distinct = [j for j in range(len(ct)) if j not in used_c and j in named and not mc[j]]
        if (
            best_c in used_c
            and len(distinct) <= cfg.BRAND_MAX_OTHER_WORDS
            and brand >= cfg.BRAND_MIN_WEIGHT
            and all(w <= brand - cfg.BRAND_MARGIN for w in others)
        ):
            score, rule = cfg.BRAND_SCORE, "brand"
    compact = compact_score(query, candidate, abjad)
    if compact > score:
        score, rule = compact, "compact"
    if org and score < cfg.ACRONYM_SCORE and _whole_acronym(query, candidate):
        score, rule = cfg.ACRONYM_SCORE, "acronym"
    if (
        type is not EntityType.PERSON
        and rule != "compact"  # "JSCARGUMENT" / "JSC ARGUMENT": merged, not different
        and score > cfg.DIFFERING_WORD_CAP
        and _distinct_unaligned(qt, used_q, wq, mq)
        and _distinct_unaligned(ct, used_c, wc, mc)
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
