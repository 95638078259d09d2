"""One party, all its listings: merge the hits of the same party on several lists.

Two hits are the same party when

* the lists cross-reference each other: both carry the same UN reference number (the UN list's
  own ``UN Reference Number`` identifier, or a reference such as ``KPi.033`` that opens another
  list's remarks, as DFAT's *Additional Information* does for UN listings); or
* they share a strong name (compared as the screening index normalises it, word order
  aside), or a strong name of three or more words that the other list spells one letter apart
  (:func:`spelling_keys`: ``LAVRINENKO, Alexey Fodorovich`` / ``Alexey Fedorovich
  LAVRINENKO``) or with two of its words written as one (:func:`joined_keys`: ``Abdul Khaliq
  Hassan Yahya`` / ``Abdulkhaliq Hassan Yahya``), and the type, and nothing they both state
  disagrees (:func:`contradicts`): no disjoint birth years, no identifier of the same kind
  with different numbers, no disjoint countries of the party itself (nationality,
  citizenship, birth, registration), and no disjoint countries at all — addresses included —
  unless a name they share is *distinctive*
  (:func:`distinctive_name`). An address says where a party was seen, not who it is: OFAC's
  ``MISHAAL, Khalid`` (an address in Damascus, no date of birth) and DFAT's ``Khalid MISHAAL``
  (Doha, born 1956) are one person; a common name (``Ali Hassan``) with addresses in two
  countries stays two parties.

A merged party holds at most one row of each list (the list itself keeps two rows apart, so two
same-named rows of one list are two parties even when a third list's row shares the name with
both), and no two of its rows contradict each other: a row without a date of birth does not
join a row born in 1956 to one born in 1970. The best hit of
a group stays the hit; the others become its :attr:`~prosper.model.Hit.listings`, best first.
"Best" is the score, and between equal scores the stronger evidence (:func:`evidence_rank`):
an agreeing qualifier, a strong name rather than a weak alias, the higher name score before
qualifiers, more agreeing features; the entity id only orders hits equal in all of these, so the
order stays deterministic. Pure: hits in, hits out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from prosper.matching import config as cfg
from prosper.matching.population import population_weights
from prosper.matching.syllables import pinyin_syllables
from prosper.model import Entity, Hit
from prosper.names.korean import is_korean_token
from prosper.screening.query import normalize_identifier

NameKeys = Callable[[Entity], frozenset[tuple[str, ...]]]
# at most this many entities' facts kept by one PartyFacts: ~10 KB each (measured: 591
# entities after the 600 bench queries, 5.9 MB, most of it the one-letter spelling keys of
# long names), so ≤ ~50 MB at the cap; beyond it, facts are worked out per merge as before
MAX_FACTS_KEPT = 5_000

UN_REFERENCE = "UN Reference Number"
_UN_REF = re.compile(r"^\s*([A-Z]{2,3}[ie]\.\d{3})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


SpellingKey = tuple[tuple[str, ...], str, int]


@dataclass(frozen=True, slots=True)
class _Facts:
    entity: Entity
    names: frozenset[tuple[str, ...]]
    un_refs: frozenset[str]
    countries: frozenset[str]  # its own and its addresses'
    own_countries: frozenset[str]  # its own alone: countries no address of it names
    years: frozenset[str]
    ids: dict[str, frozenset[str]]
    joined: frozenset[tuple[str, ...]]  # joined_keys of its names
    # every name of three or more words with one word left out (:func:`_rests`): two names
    # share a spelling key only if they share one of these, so most pairs need no spelling key
    rests: frozenset[tuple[str, ...]]
    # the spelling keys of its names, worked out on first need (:attr:`spellings`): most of
    # an entity's facts by size and cost (a 3-word name of 6-letter words has ~33), and needed
    # only for a pair of listings from two lists with a shared rest and no shared name
    _spelling_box: list[frozenset[SpellingKey]] = field(
        default_factory=list, compare=False, repr=False
    )

    @property
    def spellings(self) -> frozenset[SpellingKey]:
        """The :func:`spelling_keys` of its names (worked out once, on first use)."""
        box = self._spelling_box
        if not box:
            box.append(frozenset(k for key in self.names for k in spelling_keys(key)))
        return box[0]


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
    own = {c.upper() for c in entity.countries}
    at = {a.country.upper() for a in entity.addresses if a.country}
    names = name_keys(entity)
    return _Facts(
        entity=entity,
        names=names,
        un_refs=un_references(entity),
        countries=frozenset(own | at),
        own_countries=frozenset(own - at),
        years=frozenset(m.group(0) for d in entity.dates_of_birth for m in _YEAR.finditer(d)),
        ids={k: frozenset(v) for k, v in ids.items()},
        joined=frozenset(k for key in names for k in joined_keys(key)),
        rests=frozenset(r for key in names for r in _rests(key)),
    )


def _rests(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``key`` with each of its words left out in turn, for a name of three or more words
    (initials and particles aside; else none): every :func:`spelling_keys` key of ``key``
    starts with one of them, so two names with no rest in common are not one letter apart.

    >>> _rests(("alexey", "fedorovich", "lavrinenko"))[0], _rests(("ivan", "petrov"))
    (('fedorovich', 'lavrinenko'), [])
    """
    if len(_words(key)) < 3:
        return []
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


class PartyFacts:
    """What :func:`merge_hits` compares of each entity (its name keys, UN references,
    countries, birth years, identifiers and one-letter spelling keys), worked out once per
    entity and kept: they are functions of the entity and of its indexed names alone, and a
    party found by one query is often found by the next. A screening index keeps one (its
    entities are the same objects from query to query); at most ``kept`` entities are
    remembered (beyond: worked out, not kept). An entity is known by its id and checked to be
    the very object remembered, so another entity under the same id is worked out anew."""

    def __init__(self, name_keys: NameKeys, kept: int = MAX_FACTS_KEPT) -> None:
        self.name_keys = name_keys
        self.kept = kept
        self._known: dict[str, _Facts] = {}

    def __call__(self, entity: Entity) -> _Facts:
        """The facts of ``entity``."""
        known = self._known.get(entity.id)
        if known is not None and known.entity is entity:
            return known
        facts = _facts(entity, self.name_keys)
        if known is None and len(self._known) < self.kept:  # the first under an id stays
            self._known[entity.id] = facts
        return facts

    def __len__(self) -> int:
        return len(self._known)


def _words(key: tuple[str, ...]) -> list[str]:
    """The words of a name key that identify someone: no initials, no particles."""
    particles = _particles(cfg.PARTICLES)
    return [t for t in key if len(t) > 1 and t not in particles]


@lru_cache(maxsize=4)
def _particles(words: str) -> frozenset[str]:
    """The configured particles as a set, split once (``cfg.PARTICLES`` is one string of ~30
    words: splitting it per token cost a list per word compared)."""
    return frozenset(words.split())


def distinctive_name(key: tuple[str, ...]) -> bool:
    """A name that names few people: three or more words (initials and particles aside), or
    two of which one is no common name among people (the population tables of
    :func:`~prosper.matching.population.population_weights`).

    >>> distinctive_name(("khalid", "mishaal")), distinctive_name(("chol", "hak", "kang"))
    (True, True)
    >>> distinctive_name(("ali", "hassan")), distinctive_name(("john", "smith"))
    (False, False)
    """
    words = _words(key)
    if len(words) >= 3:
        return True
    weights = population_weights()
    return len(words) == 2 and not all(weights.is_common(t) for t in words)


MIN_SPELLING_WORD = 5  # a word spelt one letter apart must be this long (not a syllable)


def spelling_keys(key: tuple[str, ...]) -> set[SpellingKey]:
    """Keys that two names one letter apart share: one letter replaced, added or left out in
    one word of at least :data:`MIN_SPELLING_WORD` letters, the other words equal. Per such
    word: the other words, the word with the letter at place ``j`` left out and ``j`` (a
    replaced letter, or this word's extra one), and the whole word with each ``j`` (the other
    name's extra letter). Only for a name of three or more words (initials and particles
    aside), and never at a word's last letter, where an ending is a grammatical gender
    (``Sidorov`` / ``Sidorova``, ``Aleksandr`` / ``Aleksandra``), not a spelling; never in
    a romanized Korean or Chinese syllable (:func:`_syllable`).

    >>> a = spelling_keys(("alexey", "fedorovich", "lavrinenko"))
    >>> b = spelling_keys(("alexey", "fodorovich", "lavrinenko"))
    >>> bool(a & b), bool(spelling_keys(("ivan", "petrov")))
    (True, False)
    >>> male, female = ("ivan", "petrovich", "sidorov"), ("ivan", "petrovich", "sidorova")
    >>> bool(spelling_keys(male) & spelling_keys(female))
    False
    """
    if len(_words(key)) < 3:
        return set()
    out: set[SpellingKey] = set()
    for i, word in enumerate(key):
        if len(word) < MIN_SPELLING_WORD - 1 or _syllable(word):
            continue
        rest = key[:i] + key[i + 1 :]
        if len(word) >= MIN_SPELLING_WORD:  # a substitution, or this word's extra letter
            for j in range(len(word) - 1):
                out.add((rest, word[:j] + word[j + 1 :], j))
        for j in range(len(word)):  # the other name's extra letter (never its last)
            out.add((rest, word, j))
    return out


def joined_keys(key: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The name with two of its words written as one (``abd al rahman`` → ``abdal rahman``,
    either word first: a name key is sorted, its word order lost), as sorted keys; another
    list that writes those two words as one shares one of them as its own name. Only when
    the joined name keeps three or more words (initials and particles aside), so that
    ``RI Yong Ho`` / ``RI Yongho`` (another name or the same) stays apart.

    >>> ("abdulkhaliq", "hassan", "yahya") in joined_keys(("abdul", "hassan", "khaliq", "yahya"))
    True
    >>> joined_keys(("ho", "ri", "yong"))
    set()
    """
    out: set[tuple[str, ...]] = set()
    for i, first in enumerate(key):
        for j, second in enumerate(key):
            if i == j:
                continue
            rest = [w for k, w in enumerate(key) if k not in (i, j)]
            joined = tuple(sorted([*rest, first + second]))
            if len(_words(joined)) >= 3:
                out.add(joined)
    return out


def _syllable(word: str) -> bool:
    """A romanized Korean or pinyin syllable (or two): one letter changes the syllable
    (``myong`` / ``yong``, ``zhuang`` / ``zhang``), so such words are never spelt apart."""
    return is_korean_token(word) or word in pinyin_syllables()


def _spelt_apart(a: _Facts, b: _Facts) -> bool:
    """Two names one letter apart (:func:`spelling_keys`), or one that writes two words of
    the other as one (:func:`joined_keys`), not an exact shared name. The spelling keys are
    worked out only when the two share a rest (:func:`_rests`: a spelling key is a rest and a
    word), which most pairs do not."""
    if not (a.joined.isdisjoint(b.names) and b.joined.isdisjoint(a.names)):
        return True
    return not a.rests.isdisjoint(b.rests) and not a.spellings.isdisjoint(b.spellings)


def contradicts(a: _Facts, b: _Facts) -> bool:
    """True when two listings cannot be one party: two rows of one list, disjoint birth years,
    an identifier of the same kind with different numbers, disjoint own countries, or disjoint
    countries (addresses included) when no name they share is :func:`distinctive_name`."""
    ea, eb = a.entity, b.entity
    if ea.source == eb.source and ea.list_code == eb.list_code:
        return True
    if a.years and b.years and not a.years & b.years:
        return True
    if any(kind in b.ids and not values & b.ids[kind] for kind, values in a.ids.items()):
        return True
    if a.own_countries and b.own_countries and not a.own_countries & b.own_countries:
        return True
    if a.countries and b.countries and not a.countries & b.countries:
        return not any(distinctive_name(key) for key in a.names & b.names)
    return False


def _apart(a: _Facts, b: _Facts) -> bool:
    """Two rows that may not sit in one party: rows of one list, or rows that contradict
    each other and share no UN reference."""
    if a.entity.source == b.entity.source and a.entity.list_code == b.entity.list_code:
        return True
    return not a.un_refs & b.un_refs and contradicts(a, b)


def same_party(a: _Facts, b: _Facts) -> bool:
    """True when two listings are the same party (see the module docstring)."""
    ea, eb = a.entity, b.entity
    if ea.source == eb.source and ea.list_code == eb.list_code:
        return False
    if a.un_refs & b.un_refs:
        return True
    if ea.type is not eb.type or not (a.names & b.names or _spelt_apart(a, b)):
        return False
    return not contradicts(a, b)


def merge_hits(
    hits: Iterable[Hit], name_keys: NameKeys, facts: Callable[[Entity], _Facts] | None = None
) -> tuple[Hit, ...]:
    """Merge the hits of the same party; one hit per party, best first.

    ``hits`` may already carry listings (they are taken apart and regrouped); an entity seen
    twice keeps its best-scoring hit.

    Args:
        hits: the hits, any order.
        name_keys: the normalised strong names of an entity (the index's name forms).
        facts: the facts of an entity as :func:`_facts` makes them with ``name_keys``,
            remembered (a :class:`PartyFacts`); by default worked out for this call.
    """
    facts_of = (lambda e: _facts(e, name_keys)) if facts is None else facts
    # evidence_rank once per hit: its last key, the entity id, keeps the ranks distinct
    best: dict[str, tuple[tuple[float, int, int, float, int, str], Hit]] = {}
    for hit in hits:
        for h in hit.all_listings():
            flat = replace(h, listings=()) if h.listings else h
            rank = evidence_rank(flat)
            known = best.get(flat.entity.id)
            if known is None or rank < known[0]:
                best[flat.entity.id] = (rank, flat)
    ranked = sorted(best.values(), key=_first)
    ordered = [h for _, h in ranked]
    # an entity's facts are looked up on first need: two rows of one list are never one party
    # (same_party's first test), and at a large list most hits are rows of one list (at 1M
    # synthetic entities, a query's ~36 hits are mostly copies of one listing)
    facts_list: list[_Facts | None] = [None] * len(ordered)

    def fact(i: int) -> _Facts:
        known = facts_list[i]
        if known is None:
            known = facts_list[i] = facts_of(ordered[i].entity)
        return known

    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}
    # the lists of each party's rows: two parties with rows of one list never join (those two
    # rows are _apart), so their facts need not be compared — nor looked up
    lists: dict[int, set[tuple[str, str]]] = {
        i: {(h.entity.source, h.entity.list_code)} for i, h in enumerate(ordered)
    }
    for i in range(len(ordered)):
        for j in range(i + 1, len(ordered)):
            ri, rj = root(i), root(j)
            if ri == rj or not lists[ri].isdisjoint(lists[rj]):
                continue
            if not same_party(fact(i), fact(j)):
                continue
            # one party: no two of its rows may contradict (one row of each list among them)
            if any(_apart(fact(m), fact(n)) for m in members[ri] for n in members[rj]):
                continue
            parent[rj] = ri
            members[ri].extend(members.pop(rj))
            lists[ri] |= lists.pop(rj)
    groups: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        groups.setdefault(root(i), []).append(i)
    # a merged hit ranks as its first member (evidence_rank reads no listings)
    merged = [(ranked[g[0]][0], _merged([ordered[i] for i in g])) for g in groups.values()]
    merged.sort(key=_first)
    return tuple(h for _, h in merged)


def _first(
    pair: tuple[tuple[float, int, int, float, int, str], Hit],
) -> tuple[float, int, int, float, int, str]:
    return pair[0]


def _merged(members: Sequence[Hit]) -> Hit:
    first, *rest = members  # already best first
    return replace(first, listings=tuple(rest)) if rest else first
