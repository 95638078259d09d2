"""The register index finds every party a full re-screen would find hitting a changed entity."""

from __future__ import annotations

import random
from dataclasses import replace
from functools import partial

from rapidfuzz.distance import OSA

from prosper.cases.alerts import found_entities
from prosper.cases.model import RegisteredParty
from prosper.cases.name_bound import (
    EXTRAS,
    SUBSET_TOKENS,
    PairBound,
    _least_subsets,
    _subsets_reach,
    _sum_reaches,
    benefit,
)
from prosper.cases.register_index import RegisterIndex, register_row
from prosper.cases.rescreen import (
    could_hit,
    name_floor,
    prepared_names,
    register_candidates,
    screen_against,
)
from prosper.cases.token_links import TokenLinks, edited
from prosper.matching import config as cfg
from prosper.matching.names import token_agreement
from prosper.model import Entity, EntityType, Identifier
from prosper.names.normalize import prepare_name
from prosper.names.weights import default_weights
from prosper.screening.index import ScreeningIndex

from .helpers import BASE, entity

SYLLABLES = [
    "ka",
    "min",
    "so",
    "ra",
    "ji",
    "hun",
    "tae",
    "yo",
    "ne",
    "li",
    "chen",
    "ma",
    "ro",
    "vi",
    "sha",
    "ken",
]
WORDS = [
    "Global",
    "Trading",
    "Systems",
    "Shipping",
    "Holdings",
    "Energy",
    "Marine",
    "Digital",
    "Capital",
    "Materials",
]
SURNAMES = ["Kim", "Lee", "Park", "Chen", "Wang", "Ivanov", "Hassan", "Smith"]
THRESHOLD = 0.8


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _typo(rng: random.Random, word: str) -> str:
    """One or two edits: the near-threshold names a full re-screen finds."""
    chars = list(word)
    for _ in range(rng.choice((1, 2))):
        i = rng.randrange(1, len(chars))
        chars[i] = rng.choice("aeiounkrs")
    return "".join(chars)


def _world(seed: int) -> tuple[list[RegisteredParty], list[Entity], list[Entity]]:
    rng = random.Random(seed)
    old = [*BASE]
    for k in range(40):
        old.append(entity(f"o{k}", f"{_word(rng, 3)} {rng.choice(WORDS)} COMPANY".upper()))
    added = [
        entity(f"a{k}", f"{_word(rng, 3)} {' '.join(rng.sample(WORDS, 2))} COMPANY".upper())
        for k in range(30)
    ]
    added.append(entity("p1", "YOON CHENLI", type_=EntityType.PERSON))
    added.append(entity("p2", "ROBERT KENMIN", type_=EntityType.PERSON))
    added.append(entity("j1", "SHAKA MINSO"))
    ident = entity("id1", "TOTALLY UNRELATED NAME")
    added.append(replace(ident, identifiers=(Identifier("registration", "REG-55501"),)))
    changed = [replace(e, remarks="changed") for e in old[4:14]]
    parties: list[RegisteredParty] = []
    for i in range(500):
        pid = f"R{i:04}"
        if i % 2:
            name = f"{rng.choice(SURNAMES)} {_word(rng, 2)}"
            parties.append(RegisteredParty(id=pid, name=name, type=EntityType.PERSON))
        else:
            parties.append(
                RegisteredParty(id=pid, name=f"{_word(rng, 3)} {rng.choice(WORDS)} Co., Ltd.")
            )
    # near misses and true variants of the added names
    for k, e in enumerate(added[:30]):
        brand, *rest = e.name.split()
        parties.append(
            RegisteredParty(id=f"T{k:03}", name=f"{_typo(rng, brand.title())} {rest[0].title()}")
        )
    parties += [
        RegisteredParty(id="N1", name="Yoon Chenlu", type=EntityType.PERSON),
        RegisteredParty(id="N2", name="Bob Kenmin", type=EntityType.PERSON),
        RegisteredParty(id="N3", name="Shakaminso Ltd"),
        RegisteredParty(
            id="N4", name="Someone Else", identifiers=(Identifier("registration", "REG 55501"),)
        ),
    ]
    return parties, old + added, added + changed


def test_delta_path_finds_every_hit_a_full_rescreen_finds() -> None:
    for seed in (1, 2, 3):
        parties, new_entities, touched = _world(seed)
        touched_ids = {e.id for e in touched}
        full_index = ScreeningIndex.build(new_entities)
        full: set[tuple[str, str]] = set()
        for party in parties:
            for entity_id in found_entities(screen_against(full_index, party, THRESHOLD)):
                if entity_id in touched_ids:
                    full.add((party.id, entity_id))
        register = RegisterIndex(register_row(p) for p in parties)
        found = register.candidates_for(touched, name_floor(THRESHOLD))
        delta_index = ScreeningIndex.build(touched)
        names = prepared_names(touched)
        delta: set[tuple[str, str]] = set()
        for party in parties:  # as rescreen_delta: candidates that could_hit, screened
            if party.id in found and could_hit(party, found[party.id], names, THRESHOLD):
                for entity_id in found_entities(screen_against(delta_index, party, THRESHOLD)):
                    delta.add((party.id, entity_id))
        assert full, "the world must have hits to compare"
        assert full <= delta, sorted(full - delta)
        assert {"N1", "N2", "N3", "N4"} <= set(found)
        assert len(found) < len(parties) // 2  # it still prunes: not a full re-screen


def test_rows_stored_without_name_tokens_still_work() -> None:
    """A party imported before the ``n:`` keys were stored has its names prepared on load."""
    party = RegisteredParty(id="OLD", name="Yoon Chenlu", type=EntityType.PERSON)
    pid, keys, names = register_row(party)
    legacy = " ".join(k for k in keys.split() if not k.startswith("n:"))
    index = RegisterIndex([(pid, legacy, names)])
    listed = entity("9", "YOON CHENLI", type_=EntityType.PERSON)
    assert index.candidates(listed) == ["OLD"]


def test_token_links_cover_every_agreeing_pair() -> None:
    """Every token pair ``token_agreement`` scores above zero is linked (random, seeded)."""
    rng = random.Random(7)
    pool = [_word(rng, rng.choice((1, 2, 3))).lower() for _ in range(400)]
    pool += [_typo(rng, t) for t in pool[:200] if len(t) > 2]
    pool += ["bob", "robert", "j", "john", "al", "el", "bin", "ibn", "banking", "bank"]
    delta, register = pool[::2], pool[1::2]
    links = TokenLinks(delta, register)
    agreed = 0
    for r in register:
        rf = prepare_name(r, EntityType.PERSON)
        if len(rf.tokens) != 1:
            continue
        for d in delta:
            df = prepare_name(d, EntityType.PERSON)
            if len(df.tokens) != 1:
                continue
            score, _how = token_agreement(
                rf.tokens[0],
                rf.phonetic[0],
                rf.korean[0],
                df.tokens[0],
                df.phonetic[0],
                df.korean[0],
                True,
                False,
                rf.variant[0],
                df.variant[0],
            )
            if score > 0:
                agreed += 1
                assert df.tokens[0] in links.delta_side(rf.tokens[0]), (r, d, score, _how)
                assert rf.tokens[0] in links.register_side(df.tokens[0])
    assert agreed > 50


def test_a_syllable_one_letter_short_keeps_its_weak_link_between_syllabic_names() -> None:
    """``score_name`` keeps "sog" / "song" at SYLLABLE_LETTER_DROPPED between one-syllable
    names: the syllabic link must not be lower (it bounds the score), "sang" / "song" none."""
    links = TokenLinks(["song"], ["sog", "sang"])
    short = links.delta_side("sog")["song"]
    assert short[0] > cfg.SYLLABLE_LETTER_DROPPED  # as a typo, outside syllabic names
    assert short[1] == cfg.SYLLABLE_LETTER_DROPPED
    assert links.delta_side("sang")["song"][1] == 0.0


def test_token_links_in_parts_are_the_whole() -> None:
    """Links built over parts of the register's tokens and combined are the links over all
    of them, in both directions (what the two-process delta re-screen relies on)."""
    rng = random.Random(11)
    pool = [_word(rng, rng.choice((1, 2, 3))).lower() for _ in range(300)]
    pool += [_typo(rng, t) for t in pool[:150] if len(t) > 2]
    delta, register = pool[::2], sorted(set(pool[1::2]))
    whole = TokenLinks(delta, register)
    for count in (2, 3):
        parts = TokenLinks.combine(TokenLinks(delta, register[i::count]) for i in range(count))
        assert parts._forward == whole._forward
        assert parts._backward == whole._backward
    assert whole._forward  # not trivially empty


def test_edit_search_is_every_token_within_the_fuzzy_budget() -> None:
    """The edit search (one distance matrix per register token length over the delta tokens
    of every length in reach, each column held to its own budget) finds exactly the delta
    tokens within the fuzzy rule's budget of the shorter token — checked against OSA distance
    pair by pair, with matrices of a few rows too (the blocks of a large register)."""
    rng = random.Random(5)
    letters = "abcde"  # a small alphabet: many near pairs
    delta = sorted({"".join(rng.choices(letters, k=rng.randint(1, 14))) for _ in range(400)})
    by_length: dict[int, list[str]] = {}
    for token in delta:
        by_length.setdefault(len(token), []).append(token)
    tokens = sorted({"".join(rng.choices(letters, k=rng.randint(1, 14))) for _ in range(400)})
    want: dict[str, set[str]] = {}
    for token in tokens:
        if len(token) < 3:
            continue
        for other in delta:
            budget = max(1, min(len(token), len(other)) // cfg.FUZZY_CHARS_PER_EDIT)
            if OSA.distance(token, other) <= budget:
                want.setdefault(token, set()).add(other)
    assert edited(tokens, by_length) == want
    assert sum(len(v) for v in want.values()) > 150  # not trivially empty
    assert edited(tokens, by_length, block=7) == want


def test_sharded_candidates_are_the_whole_registers() -> None:
    """The register split into shards on worker processes gives, party by party, the
    candidates of the whole register in one index (and the shards are not trivial)."""
    for seed in (1, 4):
        parties, _new, touched = _world(seed)
        rows = [register_row(p) for p in parties]
        floor = name_floor(THRESHOLD)
        whole = RegisterIndex(rows).candidates_for(touched, floor)
        assert len(whole) > 20
        for workers in (2, 3):
            assert register_candidates(rows, touched, floor, workers) == whole
        assert register_candidates(rows, touched, floor, 1) == whole
        assert register_candidates([], touched, floor, 2) == {}


def test_bound_arithmetic_is_benefits_own() -> None:
    """The bound's cached per-token arithmetic gives exactly :func:`benefit`'s floats."""
    weights, floor = default_weights(), name_floor(THRESHOLD)
    bound = PairBound([], TokenLinks([], []), [], weights, floor)
    link = (1.0, 0.9, 0.72, 0.0)
    for token in ("kim", "bin", "global", "ivanovich", "x", "trading"):
        expected = [benefit(token, s, weights, floor, x) for s in link for x in EXTRAS]
        assert bound._benefits(token, link) == expected


def _of(of: dict[str, set[int]], token: str) -> set[int]:
    return of.get(token, set())


def _sums_party_by_party(
    tokens: list[str],
    best: dict[str, float],
    share: float,
    reached: set[int],
    of: dict[str, set[int]],
) -> set[int]:
    """The reference: each party's sum over the tokens it links to, in the name's order."""
    sums: dict[int, float] = {}
    for token in tokens:
        for p in reached & of.get(token, set()):
            sums[p] = sums.get(p, 0) + best[token]
    return {p for p, total in sums.items() if total >= share}


def test_subset_sums_select_the_parties_a_sum_per_party_selects() -> None:
    """``_sum_reaches`` (a set intersection per least token subset reaching the share) keeps
    exactly the parties whose own sum reaches it: repeated tokens, sums landing on the share,
    zero benefits, names too long for subsets and a share of 0 included (random, seeded)."""
    rng = random.Random(11)
    checked = kept = 0
    for _round in range(400):
        distinct = [f"t{i}" for i in range(rng.randint(1, SUBSET_TOKENS + 2))]
        tokens = distinct + [rng.choice(distinct) for _ in range(rng.randint(0, 3))]
        rng.shuffle(tokens)
        best = {t: rng.choice((0.0, 0.1, 0.2, 0.3, rng.random())) for t in distinct}
        parties = range(60)
        of = {t: {p for p in parties if rng.random() < 0.5} for t in distinct}
        reached = {p for p in parties if rng.random() < 0.8}
        # shares on a party's exact sum (the ``>=`` edge), between sums, and 0
        picked = [t for t in distinct if rng.random() < 0.5]
        exact: float = 0
        for t in tokens:
            if t in picked:
                exact = exact + best[t]
        for share in (exact, exact + 1e-12, rng.random() * sum(best.values()), 0.0):
            want = _sums_party_by_party(tokens, best, share, reached, of)
            got = _sum_reaches(tokens, best, share, reached, partial(_of, of))
            assert got == want, (tokens, best, share)
            checked += 1
            kept += len(want)
    assert checked == 1600
    assert kept > 1000


def test_subset_parties_without_the_union_are_the_unions() -> None:
    """``_subsets_reach`` (each least subset's parties from its smallest set, filtered by the
    required and essential tokens only where the subset lacks them) keeps exactly what
    ``_sum_reaches`` keeps of the union of the required tokens' parties intersected with each
    essential token's (random, seeded; required and essential sets of every kind)."""
    rng = random.Random(23)
    checked = kept = filtered = 0
    for _round in range(400):
        distinct = [f"t{i}" for i in range(rng.randint(1, SUBSET_TOKENS))]
        tokens = distinct + [rng.choice(distinct) for _ in range(rng.randint(0, 2))]
        best = {t: rng.choice((0.0, 0.2, 0.3, rng.random())) for t in distinct}
        of = {t: {p for p in range(60) if rng.random() < 0.5} for t in distinct}
        of["other"] = {p for p in range(60) if rng.random() < 0.3}  # a token outside the name
        share = rng.random() * sum(best.values())
        subsets = _least_subsets(tokens, best, share)
        if subsets is None:
            continue
        pool = [*distinct, "other"]
        required = frozenset(t for t in pool if rng.random() < 0.4)
        essential = [t for t in distinct if rng.random() < 0.2]
        reached: set[int] = set()
        for t in required:
            reached |= of[t]
        for t in essential:
            reached &= of[t]
        want = _sum_reaches(tokens, best, share, reached, partial(_of, of))
        got = _subsets_reach(subsets, required, essential, partial(_of, of))
        assert got == want, (tokens, best, share, required, essential)
        checked += 1
        kept += len(want)
        filtered += any(required.isdisjoint(s) for s in subsets)
    assert checked > 300
    assert kept > 1000
    assert filtered > 50  # the filter of a subset without a required token is exercised


def test_subset_sums_would_catch_a_wrong_subset_rule() -> None:
    """The reference above can fail: a party linking to one token of two each worth half the
    share is not kept, one linking to both is."""
    best = {"a": 0.5, "b": 0.5}
    of = {"a": {1, 2}, "b": {2, 3}}
    assert _sum_reaches(["a", "b"], best, 1.0, {1, 2, 3}, lambda t: of[t]) == {2}
    assert _sums_party_by_party(["a", "b"], best, 1.0, {1, 2, 3}, of) == {2}
    assert _sum_reaches(["a", "b", "a"], best, 1.0, {1, 2, 3}, lambda t: of[t]) == {1, 2}
