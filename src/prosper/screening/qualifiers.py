"""Qualifiers: the country, date-of-birth and gender evidence that moves a name score.

Each piece of evidence is ``(feature, score delta, detail)``; the deltas are named in
:mod:`prosper.matching.config`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from prosper.matching import config as cfg
from prosper.model import Entity
from prosper.screening.query import (
    Query,
    identifier_agrees,
    normalize_gender,
    normalize_identifier,
    query_identifiers,
)

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAY = re.compile(r"\b(1[89]\d\d|20\d\d)-(\d\d)-(\d\d)\b")


def entity_countries(entity: Entity) -> set[str]:
    """The countries an entity names: its own and its addresses' (upper-case ISO codes)."""
    found = {c.upper() for c in entity.countries}
    found |= {a.country.upper() for a in entity.addresses if a.country}
    return found


def qualifiers(query: Query, entity: Entity) -> list[tuple[str, float, str]]:
    """Country, date-of-birth and gender evidence: ``(feature, score delta, detail)``."""
    out: list[tuple[str, float, str]] = []
    mine_g, theirs_g = normalize_gender(query.gender), normalize_gender(entity.gender)
    if mine_g is not None and theirs_g is not None:
        if mine_g == theirs_g:
            out.append(("gender_match", cfg.GENDER_MATCH, f"both {mine_g}"))
        else:
            detail = f"query {mine_g}, list {theirs_g}"
            out.append(("gender_mismatch", cfg.GENDER_MISMATCH, detail))
    if query.countries:
        mine = {c.upper() for c in query.countries}
        theirs = entity_countries(entity)
        if theirs and mine & theirs:
            shared = ", ".join(sorted(mine & theirs))
            out.append(("country_match", cfg.COUNTRY_MATCH, f"both name {shared}"))
        elif theirs:
            detail = f"query {', '.join(sorted(mine))}, list {', '.join(sorted(theirs))}"
            out.append(("country_mismatch", cfg.COUNTRY_MISMATCH, detail))
    if query.dob and entity.dates_of_birth:
        out.extend(dob_evidence(query.dob, entity.dates_of_birth))
    return out


def dob_evidence(dob: str, listed: tuple[str, ...]) -> list[tuple[str, float, str]]:
    """Date-of-birth evidence of a query date against the listed dates (day, year, mismatch)."""
    q_year = _YEAR.search(dob)
    if q_year is None:
        return []
    q_day = _DAY.search(dob)
    years = {m.group(0) for d in listed for m in _YEAR.finditer(d)}
    days = {m.group(0) for d in listed for m in _DAY.finditer(d)}
    shown = "; ".join(listed)
    if q_day is not None and q_day.group(0) in days:
        return [("dob_match", cfg.DOB_DAY_MATCH, f"same date of birth {q_day.group(0)}")]
    year = q_year.group(0)
    if year in years:
        same_year_days = {d for d in days if d.startswith(year)}
        if q_day is not None and same_year_days:
            detail = f"same year, different day: query {dob}, list {shown}"
            return [("dob_day_mismatch", cfg.DOB_DAY_MISMATCH, detail)]
        return [("dob_year_match", cfg.DOB_YEAR_MATCH, f"same birth year {year}")]
    if years:
        detail = f"query {dob}, list {shown}"
        near = any(abs(int(year) - int(y)) <= cfg.DOB_NEAR_YEARS for y in years)
        if near:  # "1962" for a listed "1963": an estimate or a calendar slip, not another person
            return [("dob_year_near", cfg.DOB_YEAR_NEAR, detail)]
        return [("dob_year_mismatch", cfg.DOB_YEAR_MISMATCH, detail)]
    return []


def identifier_matches(
    query: Query,
    sources: frozenset[str],
    identifiers: Mapping[str, Sequence[int]],
    entities: Sequence[Entity],
) -> set[int]:
    """Entities (indexes into ``entities``, found through the normalised number → entities
    table ``identifiers``) holding a document that agrees with one of the query's (type,
    number and country: :func:`~prosper.screening.query.identifier_agrees`), on ``sources``
    when not empty."""
    found: set[int] = set()
    for mine in query_identifiers(query):
        for e_idx in identifiers.get(normalize_identifier(mine.value), ()):
            entity = entities[e_idx]
            if sources and entity.source not in sources:
                continue
            if any(identifier_agrees(mine, theirs) for theirs in entity.identifiers):
                found.add(e_idx)
    return found
