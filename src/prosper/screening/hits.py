"""One hit, explained: the name score of the matched list name, weak aliases, the entity type,
the qualifiers (country, date of birth, gender), identifiers, the thin-name, thin-skeleton and
common-name caps (:meth:`prosper.screening.index.ScreeningIndex.screen`'s last step)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from prosper.matching import config as cfg
from prosper.matching.names import NameScore
from prosper.matching.ofac import ofac_score
from prosper.matching.population import common_name_match
from prosper.matching.skeleton import thin_skeleton_match
from prosper.matching.syllables import is_thin
from prosper.model import Entity, EntityType, Explanation, Hit
from prosper.names.normalize import NameForm, detect_scripts
from prosper.names.weights import TokenWeights
from prosper.screening.qualifiers import qualifiers
from prosper.screening.query import Query


def make_hit(
    query: Query,
    form: NameForm,
    result: NameScore,
    cand: NameForm,
    strong: bool,
    entity: Entity,
    id_match: bool,
    threshold: float,
    weights: TokenWeights,
    *,
    explain: bool = True,
) -> Hit:
    """The hit of ``entity`` for ``query``: the name score of its list name ``cand`` (weak
    aliases discounted), the type, qualifiers, identifier, thin-name and common-name rules
    (``weights``: the index's token weights), explained.

    ``explain=False`` leaves the detail of the name match (the alignment in words, the one
    costly text of the explanation) empty, for a hit that may not be returned:
    :func:`with_name_detail` fills it in for those that are."""
    score = result.score
    detail = result.detail() if explain else ""
    expl = [Explanation("name_match", round(result.score, 4), detail)]
    if not strong:
        score *= cfg.WEAK_ALIAS_FACTOR
        expl.append(
            Explanation("weak_alias", cfg.WEAK_ALIAS_FACTOR, "the list marks this alias weak")
        )
    if query.type is not None and entity.type is not query.type:
        # a person is never a ship or an aircraft, though many are named after one
        types = {query.type, entity.type}
        craft = bool(types & _CRAFT) and EntityType.PERSON in types
        delta = cfg.TYPE_MISMATCH_CRAFT if craft else cfg.TYPE_MISMATCH
        expl.append(
            Explanation(
                "type_mismatch",
                delta,
                f"query is a {query.type.value}, list entry a {entity.type.value}",
            )
        )
        score += delta
    agrees = corroborated = False  # any qualifier / a date of birth or document
    for feature, delta, detail in qualifiers(query, entity):
        score += delta
        agrees = agrees or delta > 0
        corroborated = corroborated or (delta > 0 and feature.startswith("dob_"))
        expl.append(Explanation(feature, delta, detail))
    if id_match and result.score >= cfg.IDENTIFIER_MIN_NAME_SCORE:
        score += cfg.IDENTIFIER_MATCH_BONUS
        agrees = corroborated = True
        expl.append(
            Explanation(
                "identifier_match",
                cfg.IDENTIFIER_MATCH_BONUS,
                "a document of the query (type, number, issuing country) is one of the "
                "list entry's",
            )
        )
    elif id_match:
        expl.append(
            Explanation(
                "identifier_without_name",
                0.0,
                "a document number agrees but the names do not: an identifier alone never "
                "makes a match",
            )
        )
    # a country is no corroboration for a name this short ("LI, Ying" in CN): only a date of
    # birth or a document lifts the cap (THIN_NAME_COUNTRY_LIFTS)
    lifted = corroborated or (cfg.THIN_NAME_COUNTRY_LIFTS and agrees)
    if not lifted and score > cfg.THIN_NAME_CAP and _thin_match(form, result, cand):
        score = cfg.THIN_NAME_CAP
        expl.append(
            Explanation(
                "thin_name",
                cfg.THIN_NAME_CAP,
                "a name this short is shared by many people: capped under the threshold "
                "unless a date of birth or identifier agrees",
            )
        )
    if (
        not corroborated
        and score > cfg.THIN_SKELETON_CAP
        and EntityType.PERSON in (entity.type, query.type)
        and thin_skeleton_match(form, result, cand)
    ):
        score = cfg.THIN_SKELETON_CAP * min(1.0, score)
        expl.append(
            Explanation(
                "thin_skeleton",
                cfg.THIN_SKELETON_CAP,
                "read across Arabic script, the agreeing words write so few consonants that "
                "many names share them: capped under the threshold unless a date of birth or "
                "identifier agrees",
            )
        )
    if not corroborated and score > cfg.COMMON_NAME_CAP and _foreign_hanja_reading(query, form):
        score = cfg.HANJA_READING_CAP * min(1.0, score)
        expl.append(
            Explanation(
                "hanja_reading",
                cfg.HANJA_READING_CAP,
                "matched through the Korean reading of a Han-script name of a party the query "
                "places outside Korea: capped under the threshold unless a date of birth or "
                "identifier agrees",
            )
        )
    if (
        not corroborated
        and score > cfg.COMMON_NAME_CAP
        and EntityType.PERSON in (entity.type, query.type)
        and common_name_match(result, weights, form, cand)
    ):
        # in proportion, so that capped hits keep their order (the exact name first)
        score = cfg.COMMON_NAME_CAP * min(1.0, score)
        expl.append(
            Explanation(
                "common_name",
                cfg.COMMON_NAME_CAP,
                "every agreeing word is a common name among people: capped under the "
                "threshold unless a date of birth or identifier agrees",
            )
        )
    score = round(min(1.0, max(0.0, score)), 4)
    return Hit(
        entity=entity,
        matched_name=cand.original,
        score=score,
        match=score >= threshold,
        explanation=tuple(expl),
        strong_alias=strong,
        qualifier_agrees=agrees,
    )


_CRAFT = frozenset({EntityType.VESSEL, EntityType.AIRCRAFT})
_KOREAN_COUNTRIES = frozenset({"KR", "KP"})


def _foreign_hanja_reading(query: Query, form: NameForm) -> bool:
    """``form`` is the Korean (Hanja) reading of a Han-script query
    (:func:`prosper.names.readings.name_readings`) and the query gives countries, none of them
    Korea: 李秀玲 of a TW customer read as 리수령 "RI, Su Yong" is a guess at a reading the
    party does not use (:data:`~prosper.matching.config.HANJA_READING_CAP`)."""
    if not query.countries or not cfg.HANJA_READING_NEEDS_KOREA:
        return False
    written = detect_scripts(query.name)
    if "hangul" not in form.scripts or "han" not in written:
        return False
    if "hangul" in written:
        return False  # the query writes Hangul itself ("이병철 (李炳哲)")
    return not {c.upper() for c in query.countries} & _KOREAN_COUNTRIES


def _thin_match(form: NameForm, result: NameScore, cand: NameForm) -> bool:
    """The query is a thin name (:func:`prosper.matching.names.is_thin`) and not the list
    name itself as written on the list (same script, every token exact). A query the brand
    rule matched (a word rare on the lists that is the distinctive word of an organisation's
    legal name: ``Inspur``, ``Sophgo``) is not thin: its rarity is the evidence a short
    person's name lacks."""
    if not is_thin(form) or result.rule == "brand":
        return False
    exact = (
        not result.extra_query
        and not result.extra_candidate
        and all(how == "exact" for _, _, _, how in result.aligned)
    )
    return not (exact and form.scripts == cand.scripts)


def with_name_detail(hit: Hit, results: Mapping[str, NameScore]) -> Hit:
    """``hit`` (made with ``explain=False``) and its listings with the detail of their name
    match filled in from ``results`` (entity id → the name score the hit was made of)."""
    first = hit.explanation[0]
    named = Explanation(first.feature, first.score, results[hit.entity.id].detail())
    listings = tuple(with_name_detail(h, results) for h in hit.listings)
    return replace(hit, explanation=(named, *hit.explanation[1:]), listings=listings)


def finish_hit(query: Query, hit: Hit, results: Mapping[str, NameScore]) -> Hit:
    """A hit to return: :func:`with_ofac` of :func:`with_name_detail`, made with one copy of
    the hit instead of two (``dataclasses.replace`` is ~5 µs a hit)."""
    first = hit.explanation[0]
    named = Explanation(first.feature, first.score, results[hit.entity.id].detail())
    listings = tuple(with_name_detail(h, results) for h in hit.listings)
    return replace(
        hit,
        explanation=(named, *hit.explanation[1:], _ofac_explanation(query, hit)),
        listings=listings,
    )


def _ofac_explanation(query: Query, hit: Hit) -> Explanation:
    """The OFAC-style score of the matched name, for comparison (:func:`with_ofac`)."""
    return Explanation(
        "ofac_score",
        ofac_score(query.name, hit.matched_name),
        "OFAC Sanctions List Search-style score, for comparison only",
    )


def with_ofac(query: Query, hit: Hit) -> Hit:
    """Add the OFAC-style score of the matched name to the explanation (for comparison)."""
    return replace(hit, explanation=(*hit.explanation, _ofac_explanation(query, hit)))
