"""One party, all its listings: hits of the same party on several lists become one hit."""

from __future__ import annotations

import random

import pytest

from prosper.model import Alias, Entity, EntityType, Hit, Identifier
from prosper.names.normalize import prepare_name
from prosper.screening import merge
from prosper.screening.document import hit_to_dict
from prosper.screening.index import ScreeningIndex
from prosper.screening.merge import (
    PartyFacts,
    _facts,
    _rests,
    merge_hits,
    spelling_keys,
    un_references,
)
from prosper.screening.query import Query


def _keys(entity: Entity) -> frozenset[tuple[str, ...]]:
    out = set()
    for name, strong in entity.all_names():
        form = prepare_name(name, entity.type)
        if strong and form.tokens:
            out.add(tuple(sorted(form.tokens)))
    return frozenset(out)


def _e(eid: str, list_code: str, name: str, **kw: object) -> Entity:
    source = eid.split(":")[0]
    kind = kw.pop("type", EntityType.PERSON)
    return Entity(id=eid, source=source, list_code=list_code, type=kind, name=name, **kw)  # type: ignore[arg-type]


def _hit(entity: Entity, score: float = 0.95) -> Hit:
    return Hit(entity=entity, matched_name=entity.name, score=score, match=True)


def test_same_name_and_type_on_two_lists_is_one_hit_with_both_listings() -> None:
    un = _e("un_sc:KPi.001", "UN", "KIM Yong Chol", dates_of_birth=("1946",), countries=("KP",))
    sdn = _e("us_ofac_sdn:1", "SDN", "KIM, Yong Chol", countries=("KP",))
    hits = merge_hits([_hit(sdn, 0.97), _hit(un, 0.93)], _keys)
    assert len(hits) == 1
    assert hits[0].entity.id == "us_ofac_sdn:1"  # the best-scoring listing leads
    assert [h.entity.id for h in hits[0].all_listings()] == ["us_ofac_sdn:1", "un_sc:KPi.001"]


def test_disagreeing_birth_years_countries_or_ids_keep_parties_apart() -> None:
    a = _e("un_sc:1", "UN", "Ali Hassan", dates_of_birth=("1960",))
    b = _e("au_dfat:1", "AU", "Ali Hassan", dates_of_birth=("1975",))
    assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2
    c = _e("us_ofac_sdn:2", "SDN", "Ali Hassan", countries=("IQ",))
    d = _e("eu_fsf:2", "EU", "Ali Hassan", countries=("SY",))
    assert len(merge_hits([_hit(c), _hit(d)], _keys)) == 2
    p1 = _e("un_sc:3", "UN", "Ali Hassan", identifiers=(Identifier("Passport", "A123"),))
    p2 = _e("ca_sema:3", "CA", "Ali Hassan", identifiers=(Identifier("Passport", "B999"),))
    assert len(merge_hits([_hit(p1), _hit(p2)], _keys)) == 2


def test_different_type_or_name_is_not_merged() -> None:
    person = _e("un_sc:4", "UN", "Al Noor")
    org = _e("us_ofac_sdn:4", "SDN", "Al Noor", type=EntityType.ORGANIZATION)
    assert len(merge_hits([_hit(person), _hit(org)], _keys)) == 2
    other = _e("eu_fsf:4", "EU", "Al Noor Hassan")
    assert len(merge_hits([_hit(person), _hit(other)], _keys)) == 2


def test_two_rows_of_the_same_list_stay_apart() -> None:
    a = _e("us_ofac_sdn:5", "SDN", "Ivan Petrov")
    b = _e("us_ofac_sdn:6", "SDN", "Ivan Petrov")
    assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2


def test_entity_list_and_meu_rows_of_one_source_merge() -> None:
    org = EntityType.ORGANIZATION
    el = _e("us_csl:EL-1", "EL", "Beta Aero Co., Ltd.", type=org, countries=("CN",))
    meu = _e("us_csl:MEU-1", "MEU", "Beta Aero Co., Ltd.", type=org, countries=("CN",))
    (hit,) = merge_hits([_hit(el), _hit(meu)], _keys)
    assert {h.entity.list_code for h in hit.all_listings()} == {"EL", "MEU"}


def test_un_reference_number_cross_reference_merges_different_spellings() -> None:
    un = _e(
        "un_sc:KPi.033",
        "UN",
        "JANG BOM SU",
        identifiers=(Identifier("UN Reference Number", "KPi.033"),),
    )
    au = _e("au_dfat:900", "AU", "Jang Pom Su", remarks="KPi.033 Additional information")
    assert un_references(au) == frozenset({"KPi.033"})
    (hit,) = merge_hits([_hit(un, 0.9), _hit(au, 0.85)], _keys)
    assert len(hit.all_listings()) == 2


def test_merging_is_idempotent_and_keeps_each_entity_once() -> None:
    un = _e("un_sc:7", "UN", "Omar Khalid")
    sdn = _e("us_ofac_sdn:7", "SDN", "Omar Khalid")
    once = merge_hits([_hit(un, 0.9), _hit(sdn, 0.95)], _keys)
    twice = merge_hits([*once, _hit(un, 0.8)], _keys)  # the same entity again, lower score
    assert [h.entity.id for h in twice[0].all_listings()] == ["us_ofac_sdn:7", "un_sc:7"]
    assert twice[0].listings[0].score == 0.9


def test_hit_document_lists_every_listing_with_its_policy() -> None:
    from prosper.model import ListPolicy

    org = EntityType.ORGANIZATION
    policy = ListPolicy(
        license_requirement="For all items subject to the EAR",
        license_policy="Presumption of denial",
        footnotes=("FN4",),
        federal_register_notice="90 FR 4621",
    )
    el = _e("us_csl:EL-2", "EL", "Gamma Chips Ltd.", type=org, countries=("CN",), policy=policy)
    cmic = _e("us_ofac_cons:CMIC-2", "CMIC", "GAMMA CHIPS LTD.", type=org, countries=("CN",))
    (hit,) = merge_hits([_hit(el, 1.0), _hit(cmic, 0.99)], _keys)
    doc = hit_to_dict(hit)
    assert doc["entity_id"] == "us_csl:EL-2"  # the existing fields stay those of the lead
    assert doc["license_requirement"] == "For all items subject to the EAR"
    assert doc["footnotes"] == ["FN4"]
    assert [(x["source"], x["list_code"], x["entity_id"]) for x in doc["listings"]] == [
        ("us_csl", "EL", "us_csl:EL-2"),
        ("us_ofac_cons", "CMIC", "us_ofac_cons:CMIC-2"),
    ]
    assert doc["listings"][0]["policy"]["license_policy"] == "Presumption of denial"
    assert doc["listings"][1]["policy"] is None


def test_index_screen_returns_one_hit_per_party() -> None:
    org = EntityType.ORGANIZATION
    ents = [
        _e("us_csl:EL-3", "EL", "Delta Compute Co., Ltd.", type=org, countries=("CN",)),
        _e("us_ofac_cons:CMIC-3", "CMIC", "DELTA COMPUTE CO., LTD.", type=org, countries=("CN",)),
        _e(
            "jp_meti_eul:3",
            "JP-EUL",
            "Delta Compute Company Limited",
            type=org,
            countries=("CN",),
            aliases=(Alias("Delta Compute Co., Ltd."),),
        ),
        _e("eu_fsf:3", "EU", "Delta Compute Co., Ltd.", type=org, countries=("RU",)),
    ]
    index = ScreeningIndex.build(ents)
    hits = index.screen(Query("Delta Compute Co., Ltd.", type=org))
    grouped = [sorted(x.entity.id for x in h.all_listings()) for h in hits]
    # the RU row names another country: another party
    assert sorted(grouped) == [
        ["eu_fsf:3"],
        ["jp_meti_eul:3", "us_csl:EL-3", "us_ofac_cons:CMIC-3"],
    ]


def test_a_listing_under_the_threshold_comes_along_with_its_party() -> None:
    """The UN spells the name differently: on its own it scores under the threshold, but the
    UN reference number in the DFAT row says it is the same party."""
    person = EntityType.PERSON
    ents = [
        _e("au_dfat:900", "AU", "Jang Bom Su", type=person, remarks="KPi.033 Additional info"),
        _e(
            "un_sc:KPi.033",
            "UN",
            "JANG POM SU",
            type=person,
            identifiers=(Identifier("UN Reference Number", "KPi.033"),),
        ),
    ]
    index = ScreeningIndex.build(ents)
    loose = {
        x.entity.id: x.score
        for h in index.screen(Query("Jang Bom Su"), threshold=0.0)
        for x in h.all_listings()
    }
    strict = max(loose.values())
    assert loose["un_sc:KPi.033"] < strict  # the other spelling scores lower on its own
    (hit,) = index.screen(Query("Jang Bom Su"), threshold=strict)
    assert hit.entity.id == "au_dfat:900"
    (un,) = hit.listings
    assert un.entity.id == "un_sc:KPi.033"
    assert un.match is False


def test_equal_scores_are_ordered_by_evidence_not_by_entity_id() -> None:
    from prosper.model import Explanation

    a = _e("au_dfat:1", "AU", "Ali Hassan", countries=("IQ",))
    b = _e("zz_list:9", "ZZ", "Ali Hassani", countries=("SY",))
    weak = Hit(entity=a, matched_name="Ali Hassan", score=0.9, match=True, strong_alias=False)
    strong = Hit(entity=b, matched_name="Ali Hassani", score=0.9, match=True)
    assert [h.entity.id for h in merge_hits([weak, strong], _keys)] == ["zz_list:9", "au_dfat:1"]
    agrees = Hit(entity=a, matched_name="Ali Hassan", score=0.9, match=True, qualifier_agrees=True)
    assert merge_hits([strong, agrees], _keys)[0].entity.id == "au_dfat:1"
    higher_name = Hit(
        entity=a,
        matched_name="Ali Hassan",
        score=0.9,
        match=True,
        explanation=(Explanation("name_match", 0.95, ""),),
    )
    lower_name = Hit(
        entity=b,
        matched_name="Ali Hassani",
        score=0.9,
        match=True,
        explanation=(Explanation("name_match", 0.85, ""),),
    )
    assert merge_hits([lower_name, higher_name], _keys)[0].entity.id == "au_dfat:1"


def _addr(country: str) -> tuple[object, ...]:
    from prosper.model import Address

    return (Address(text=f"somewhere, {country}", country=country),)


def test_a_distinctive_name_with_addresses_in_two_countries_is_one_party() -> None:
    # OFAC writes an address (Damascus), DFAT another (Doha) and a birth year: one person
    sdn = _e("us_ofac_sdn:7914", "SDN", "MISHAAL, Khalid", countries=("SY",), addresses=_addr("SY"))
    au = _e(
        "au_dfat:457",
        "AU",
        "Khalid MISHAAL",
        countries=("QA",),
        addresses=_addr("QA"),
        dates_of_birth=("1956",),
    )
    (hit,) = merge_hits([_hit(au, 1.0), _hit(sdn, 1.0)], _keys)
    assert {h.entity.id for h in hit.all_listings()} == {"us_ofac_sdn:7914", "au_dfat:457"}
    # a nationality on one side, an address elsewhere on the other: no contradiction either
    au_kp = _e("au_dfat:7792", "AU", "Kang Chol Hak", countries=("KP",), dates_of_birth=("1962",))
    sdn_cn = _e(
        "us_ofac_sdn:27211", "SDN", "KANG, Chol Hak", countries=("CN",), addresses=_addr("CN")
    )
    assert len(merge_hits([_hit(au_kp), _hit(sdn_cn)], _keys)) == 1


def test_a_common_name_with_addresses_in_two_countries_stays_two_parties() -> None:
    a = _e("us_ofac_sdn:11", "SDN", "HASSAN, Ali", countries=("IQ",), addresses=_addr("IQ"))
    b = _e("au_dfat:11", "AU", "Ali HASSAN", countries=("LB",), addresses=_addr("LB"))
    assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2
    c = _e("us_ofac_sdn:12", "SDN", "SMITH, John", countries=("GB",), addresses=_addr("GB"))
    d = _e("au_dfat:12", "AU", "John SMITH", countries=("US",), dates_of_birth=("1970",))
    assert len(merge_hits([_hit(c), _hit(d)], _keys)) == 2


def test_a_distinctive_name_with_other_nationalities_or_birth_years_stays_apart() -> None:
    # the countries of the persons themselves (no address) disagree: two persons
    a = _e("un_sc:21", "UN", "Khalid MISHAAL", countries=("QA",))
    b = _e("au_dfat:21", "AU", "Khalid MISHAAL", countries=("JO",))
    assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2
    # addresses disagree and so do the birth years
    c = _e(
        "us_ofac_sdn:22", "SDN", "KIM, Song Hun", addresses=_addr("CN"), dates_of_birth=("1978",)
    )
    d = _e("au_dfat:22", "AU", "Kim Song Hun", countries=("KP",), dates_of_birth=("1981",))
    assert len(merge_hits([_hit(c), _hit(d)], _keys)) == 2


def test_a_row_without_birth_date_does_not_join_two_persons_born_apart() -> None:
    # two persons of one name, born 1956 and 1970, and a third list's row of that name with
    # no date of birth: the third row may join one of them, never both into one party
    born56 = _e("au_dfat:31", "AU", "Omar Khalid Barakat", dates_of_birth=("1956",))
    born70 = _e("un_sc:31", "UN", "Omar Khalid BARAKAT", dates_of_birth=("1970",))
    bare = _e("us_ofac_sdn:31", "SDN", "BARAKAT, Omar Khalid")
    hits = merge_hits([_hit(bare, 0.99), _hit(born56, 0.98), _hit(born70, 0.97)], _keys)
    assert len(hits) == 2
    groups = [{h.entity.id for h in hit.all_listings()} for hit in hits]
    assert not any({"au_dfat:31", "un_sc:31"} <= g for g in groups)
    assert {"us_ofac_sdn:31", "au_dfat:31"} in groups  # the better-scoring one is joined


def test_two_same_named_rows_of_one_list_are_not_bridged_by_a_third_list() -> None:
    a = _e("us_ofac_sdn:41", "SDN", "Ivan Petrovich SIDOROV")
    b = _e("us_ofac_sdn:42", "SDN", "Ivan Petrovich SIDOROV")
    eu = _e("eu_fsf:41", "EU", "Ivan Petrovich Sidorov")
    hits = merge_hits([_hit(eu, 0.99), _hit(a, 0.98), _hit(b, 0.97)], _keys)
    assert len(hits) == 2
    for hit in hits:
        codes = [h.entity.list_code for h in hit.all_listings()]
        assert len(codes) == len(set(codes))


def test_a_long_name_spelt_one_letter_apart_on_another_list_is_one_party() -> None:
    sdn = _e("us_ofac_sdn:35661", "SDN", "LAVRINENKO, Alexey Fodorovich", countries=("RU",))
    ca = _e("ca_sema:299", "CA", "Alexey Fedorovich LAVRINENKO")
    assert len(merge_hits([_hit(ca, 0.96), _hit(sdn, 0.95)], _keys)) == 1
    added = _e("us_ofac_sdn:36042", "SDN", "MARKELOV, Vitaliy Anatolyevich")
    left_out = _e("ca_sema:1040", "CA", "Vitaly Anatolyevich MARKELOV", dates_of_birth=("1963",))
    assert len(merge_hits([_hit(left_out), _hit(added)], _keys)) == 1


def test_names_one_letter_apart_that_are_other_persons_stay_apart() -> None:
    # a gender ending, a short name, a two-word name, two letters apart, a disagreeing birth year
    pairs = [
        ("Ivan Petrovich SIDOROV", "Ivan Petrovich SIDOROVA", {}),
        ("Kim Yong Chol", "Kim Yong Chul", {}),
        ("Hassan ROUHANI", "Hasan ROUHANI", {}),
        ("Alexey Fedorovich LAVRINENKO", "Alexey Fedorovich LAVRENENKA", {}),
        ("Alexey Fedorovich LAVRINENKO", "Alexey Fodorovich LAVRINENKO", {"born": True}),
    ]
    for one, other, kw in pairs:
        a = _e("us_ofac_sdn:51", "SDN", one, dates_of_birth=("1960",) if kw else ())
        b = _e("eu_fsf:51", "EU", other, dates_of_birth=("1971",) if kw else ())
        assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2, (one, other)


def test_romanized_syllables_one_letter_apart_are_other_names() -> None:
    # 명 / 영: "Kim Myong Chol" and "Kim Yong Chol" are two names, not two spellings
    a = _e("us_ofac_sdn:61", "SDN", "KIM, Myong Chol Su")
    b = _e("au_dfat:61", "AU", "Kim Yong Chol Su", dates_of_birth=("1962",))
    assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2
    c = _e("us_ofac_sdn:62", "SDN", "ZHUANG, Wei Ming")
    d = _e("eu_fsf:62", "EU", "Zhang Wei Ming")
    assert len(merge_hits([_hit(c), _hit(d)], _keys)) == 2


def test_a_name_with_two_words_written_as_one_on_another_list_is_one_party() -> None:
    un = _e("un_sc:QDi.901", "UN", "Abdul Khaliq Hassan YAHYA", countries=("YE",))
    sdn = _e("us_ofac_sdn:901", "SDN", "YAHYA, Abdulkhaliq Hassan", countries=("YE",))
    hits = merge_hits([_hit(sdn, 1.0), _hit(un, 0.99)], _keys)
    assert len(hits) == 1
    assert [h.entity.id for h in hits[0].all_listings()] == ["us_ofac_sdn:901", "un_sc:QDi.901"]
    # either word first: the key is sorted, so "Hassan Abdul" joined is "hassanabdul" too
    eu = _e("eu_fsf:901", "EU", "Khaliq Abdul Hassan YAHYA")
    swapped = _e("au_dfat:901", "AU", "Khaliqabdul Hassan YAHYA")
    assert len(merge_hits([_hit(eu), _hit(swapped)], _keys)) == 1


def test_joined_words_that_are_other_persons_stay_apart() -> None:
    # two words left once joined (not distinctive enough to merge on a spelling alone),
    # a disagreeing birth year, three words that are not the other name's two joined
    pairs = [
        ("Abdul Rahman YAHYA", "Abdulrahman YAHYA", {}),
        ("Abdul Khaliq Hassan YAHYA", "Abdulkhaliq Hassan YAHYA", {"born": True}),
        ("Abdul Khaliq Hassan YAHYA", "Abdulkhaliq Hussein YAHYA", {}),
    ]
    for one, other, kw in pairs:
        a = _e("us_ofac_sdn:902", "SDN", one, dates_of_birth=("1960",) if kw else ())
        b = _e("eu_fsf:902", "EU", other, dates_of_birth=("1971",) if kw else ())
        assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2, (one, other)


def test_party_facts_are_the_facts_worked_out_once_per_entity() -> None:
    a = _e("us_ofac_sdn:71", "SDN", "LAVRINENKO, Alexey Fedorovich", dates_of_birth=("1960",))
    b = _e("ca_sema:71", "CA", "Alexey Fodorovich LAVRINENKO", countries=("RU",))
    facts = PartyFacts(_keys)
    first = facts(a)
    assert first == _facts(a, _keys)
    assert facts(a) is first  # remembered
    assert facts(b) == _facts(b, _keys)
    assert len(facts) == 2
    # another entity under the same id is not the one remembered: its own facts
    renamed = _e("us_ofac_sdn:71", "SDN", "Ivan Petrov", dates_of_birth=("1971",))
    assert facts(renamed) == _facts(renamed, _keys)
    assert facts(renamed).names == frozenset({("ivan", "petrov")})
    assert facts(a) is first  # the entity remembered first keeps its place


def test_party_facts_beyond_the_cap_are_worked_out_not_kept() -> None:
    a = _e("us_ofac_sdn:72", "SDN", "Omar Khalid")
    b = _e("un_sc:72", "UN", "Omar Khalid", dates_of_birth=("1950",))
    facts = PartyFacts(_keys, kept=1)
    assert facts(a) == _facts(a, _keys)
    assert facts(b) == _facts(b, _keys)
    assert facts(b) is not facts(b)  # not kept: made anew each time
    assert len(facts) == 1


def test_merging_with_remembered_facts_equals_merging_without() -> None:
    """merge_hits with a PartyFacts (the index's) groups and orders as working the facts out
    per call, on a cold and a warm memo, whichever order the hits come in."""
    ents = [
        _e("us_ofac_sdn:81", "SDN", "LAVRINENKO, Alexey Fedorovich", countries=("RU",)),
        _e("ca_sema:81", "CA", "Alexey Fodorovich LAVRINENKO", countries=("RU",)),
        _e("eu_fsf:81", "EU", "Alexey Fedorovich LAVRINENKO", dates_of_birth=("1960",)),
        _e("au_dfat:81", "AU", "Alexey Fedorovich LAVRINENKO", dates_of_birth=("1971",)),
        _e("un_sc:81", "UN", "Ali Hassan", countries=("IQ",)),
        _e("us_ofac_sdn:82", "SDN", "Ali Hassan", countries=("SY",)),
        _e("jp_meti_eul:81", "JP-EUL", "Ali Hassan", countries=("IQ",)),
        _e("us_ofac_sdn:83", "SDN", "Ali Hassan", countries=("IQ",)),
    ]
    hits = [
        _hit(e, score)
        for e, score in zip(ents, (0.9, 0.95, 0.9, 0.85, 0.9, 0.9, 0.8, 0.9), strict=True)
    ]
    facts = PartyFacts(_keys)
    for order in (hits, hits[::-1], hits[3:] + hits[:3]):
        expected = merge_hits(order, _keys)
        assert merge_hits(order, _keys, facts) == expected
        assert merge_hits(order, _keys, facts) == expected  # warm
    assert len(facts) == len(ents)
    assert len(merge_hits(hits, _keys, facts)) < len(hits)  # something was merged


def _one_letter_apart(rng: random.Random, word: str) -> str:
    """``word`` with one letter replaced, added or left out (never its last one)."""
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + rng.choice("aeioukrst") + word[i + 1 :]
    if kind == 1:
        return word[:i] + rng.choice("aeioukrst") + word[i:]
    return word[:i] + word[i + 1 :]


def test_every_spelling_key_starts_with_a_rest_of_its_name() -> None:
    """The pre-test of _spelt_apart: names sharing a spelling key share a rest (_rests), so a
    pair without a shared rest needs no spelling key. Fails if a rest were missing."""
    rng = random.Random(5)
    words = [
        "alexey",
        "fedorovich",
        "lavrinenko",
        "markelov",
        "vitaliy",
        "de",
        "al",
        "mohammed",
        "hassan",
        "ibrahim",
        "kim",
        "yong",
        "chol",
        "sidorov",
        "petrovich",
        "x",
    ]
    shared = 0
    for _ in range(400):
        key = tuple(sorted(rng.sample(words, rng.randrange(2, 6))))
        rests = set(_rests(key))
        assert all(k[0] in rests for k in spelling_keys(key)), key
        i = rng.randrange(len(key))
        if len(key[i]) < 3:
            continue
        other = tuple(sorted((*key[:i], _one_letter_apart(rng, key[i]), *key[i + 1 :])))
        if spelling_keys(key) & spelling_keys(other):
            shared += 1
            assert rests & set(_rests(other)), (key, other)
    assert shared > 50  # the pairs spelt apart were many


def test_rows_of_one_list_are_merged_without_their_facts() -> None:
    """Two rows of one list are never one party: their facts are not looked up."""
    rows = [_e(f"us_ofac_sdn:9{i}", "SDN", "Alexey Fedorovich LAVRINENKO") for i in range(4)]

    def no_facts(entity: Entity) -> merge._Facts:
        raise AssertionError(f"facts of {entity.id} looked up")

    merged = merge_hits([_hit(e, 0.9 - i / 100) for i, e in enumerate(rows)], _keys, no_facts)
    assert [h.entity.id for h in merged] == [e.id for e in rows]


def test_spelling_keys_are_worked_out_only_for_names_sharing_a_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, ...]] = []

    def counted(key: tuple[str, ...]) -> set[merge.SpellingKey]:
        calls.append(key)
        return spelling_keys(key)

    monkeypatch.setattr(merge, "spelling_keys", counted)
    a = _e("us_ofac_sdn:91", "SDN", "Ivan Petrovich SIDOROV")
    b = _e("eu_fsf:91", "EU", "Boris Ivanovich KUZNETSOV")
    assert len(merge_hits([_hit(a), _hit(b)], _keys)) == 2
    assert calls == []  # no rest in common: no spelling key needed
    c = _e("us_ofac_sdn:92", "SDN", "LAVRINENKO, Alexey Fodorovich")
    d = _e("ca_sema:92", "CA", "Alexey Fedorovich LAVRINENKO")
    assert len(merge_hits([_hit(c), _hit(d)], _keys)) == 1  # one letter apart: merged
    assert calls  # ... found by the spelling keys
    facts = _facts(c, _keys)
    assert facts.spellings is facts.spellings  # worked out once


def test_a_row_is_not_compared_with_a_party_holding_a_row_of_its_list() -> None:
    """A party with an SDN row takes no other SDN row: that row's facts are not looked up."""
    a = _e("us_ofac_sdn:93", "SDN", "Omar Khalid", countries=("IQ",))
    b = _e("un_sc:93", "UN", "Omar Khalid", countries=("IQ",))
    c = _e("us_ofac_sdn:94", "SDN", "Omar Khalid", countries=("IQ",))
    looked: list[str] = []

    def counted(entity: Entity) -> merge._Facts:
        looked.append(entity.id)
        return _facts(entity, _keys)

    merged = merge_hits([_hit(a, 0.95), _hit(b, 0.9), _hit(c, 0.85)], _keys, counted)
    assert [(h.entity.id, [x.entity.id for x in h.listings]) for h in merged] == [
        ("us_ofac_sdn:93", ["un_sc:93"]),
        ("us_ofac_sdn:94", []),
    ]
    assert sorted(set(looked)) == ["un_sc:93", "us_ofac_sdn:93"]
    assert merged == merge_hits([_hit(a, 0.95), _hit(b, 0.9), _hit(c, 0.85)], _keys)
