"""One party, all its listings: merge the hits of the same party on several lists.

Two hits are the same party when

* the lists cross-reference each other: both carry the same UN reference number (the UN list's
  own ``UN Reference Number`` identifier, or a reference such as ``KPi.033`` that opens another
  list's remarks, as DFAT's *Additional Information* does for UN listings); or
* they share a strong name (compared as the screening index normalises it, word order aside)
  and the type, and nothing they both state disagrees: no disjoint countries, no disjoint birth
  years, no identifier of the same kind with different numbers.

Two rows of the same list are never merged (the list itself keeps them apart). The best hit of
a group stays the hit; the others become its :attr:`~prosper.model.Hit.listings`, best first.
"Best" is the score, and between equal scores the stronger evidence (:func:`evidence_rank`):
an agreeing qualifier, a strong name rather than a weak alias, the higher name score before
qualifiers, more agreeing features; the entity id only orders hits equal in all of these, so the
order stays deterministic. Pure: hits in, hits out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from prosper.model import Entity, Hit
from prosper.screening.qualifiers import entity_countries
from prosper.screening.query import normalize_identifier

NameKeys = Callable[[Entity], frozenset[tuple[str, ...]]]

UN_REFERENCE = "UN Reference Number"
_UN_REF = re.compile(r"^\s*([A-Z]{2,3}[ie]\.\d{3})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class _Facts:
    entity: Entity
    names: frozenset[tuple[str, ...]]
    un_refs: frozenset[str]
    countries: frozenset[str]
    years: frozenset[str]
    ids: dict[str, frozenset[str]]


def un_references(entity: Entity) -> frozenset[str]:
    """The UN reference numbers an entity carries as its own.

    >>> from prosper.model import EntityType
    >>> un_references(Entity("au_dfat:1", "au_dfat", "AU", EntityType.PERSON, "X",
    ...                      remarks="KPi.033 Title: ..."))
    frozenset({'KPi.033'})
    """
    refs = {i.value.strip() for i in entity.identifiers if i.type == UN_REFERENCE}
    if entity.remarks and (m := _UN_REF.match(entity.remarks)) is not None:
        refs.add(m.group(1))
    return frozenset(refs)


def evidence_rank(hit: Hit) -> tuple[float, int, int, float, int, str]:
    """Sort key of hits, best first: score, then evidence, then the entity id.

    >>> from prosper.model import EntityType
    >>> e = Entity("x:1", "x", "X", EntityType.PERSON, "A B")
    >>> weak = Hit(e, "A B", 0.9, True, strong_alias=False)
    >>> strong = Hit(Entity("x:2", "x", "X", EntityType.PERSON, "A B"), "A B", 0.9, True)
    >>> sorted([weak, strong], key=evidence_rank)[0].entity.id
    'x:2'
    """
    name = next((e.score for e in hit.explanation if e.feature == "name_match"), hit.score)
    agreeing = sum(1 for e in hit.explanation if e.feature != "name_match" and e.score > 0)
    return (
        -hit.score,
        0 if hit.qualifier_agrees else 1,
        0 if hit.strong_alias else 1,
        -name,
        -agreeing,
        hit.entity.id,
    )


def _facts(entity: Entity, name_keys: NameKeys) -> _Facts:
    ids: dict[str, set[str]] = {}
    for ident in entity.identifiers:
        if ident.type != UN_REFERENCE:
            ids.setdefault(ident.type.strip().lower(), set()).add(normalize_identifier(ident.value))
    return _Facts(
        entity=entity,
        names=name_keys(entity),
        un_refs=un_references(entity),
        countries=frozenset(entity_countries(entity)),
        years=frozenset(m.group(0) for d in entity.dates_of_birth for m in _YEAR.finditer(d)),
        ids={k: frozenset(v) for k, v in ids.items()},
    )


def same_party(a: _Facts, b: _Facts) -> bool:
    """True when two listings are the same party (see the module docstring)."""
    ea, eb = a.entity, b.entity
    if ea.source == eb.source and ea.list_code == eb.list_code:
        return False
    if a.un_refs & b.un_refs:
        return True
    if ea.type is not eb.type or not a.names & b.names:
        return False
    if a.countries and b.countries and not a.countries & b.countries:
        return False
    if a.years and b.years and not a.years & b.years:
        return False
    return all(not (kind in b.ids and not values & b.ids[kind]) for kind, values in a.ids.items())


def merge_hits(hits: Iterable[Hit], name_keys: NameKeys) -> tuple[Hit, ...]:
    """Merge the hits of the same party; one hit per party, best first.

    ``hits`` may already carry listings (they are taken apart and regrouped); an entity seen
    twice keeps its best-scoring hit.

    Args:
        hits: the hits, any order.
        name_keys: the normalised strong names of an entity (the index's name forms).
    """
    best: dict[str, Hit] = {}
    for hit in hits:
        for h in hit.all_listings():
            flat = replace(h, listings=()) if h.listings else h
            known = best.get(flat.entity.id)
            if known is None or evidence_rank(flat) < evidence_rank(known):
                best[flat.entity.id] = flat
    ordered = sorted(best.values(), key=evidence_rank)
    facts = [_facts(h.entity, name_keys) for h in ordered]
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(ordered)):
        for j in range(i + 1, len(ordered)):
            if root(i) != root(j) and same_party(facts[i], facts[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[Hit]] = {}
    for i, hit in enumerate(ordered):
        groups.setdefault(root(i), []).append(hit)
    merged = [_merged(members) for members in groups.values()]
    merged.sort(key=evidence_rank)
    return tuple(merged)


def _merged(members: Sequence[Hit]) -> Hit:
    first, *rest = members  # already best first
    return replace(first, listings=tuple(rest)) if rest else first
