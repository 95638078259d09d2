"""Screening over hand-made entities (names copied from the real lists): retrieval,
qualifiers, hit shape, index cache."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from prosper.model import Address, Alias, Entity, EntityType, Identifier, ListPolicy
from prosper.screening.cache import get_index
from prosper.screening.document import hit_to_dict
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query

P, ORG = EntityType.PERSON, EntityType.ORGANIZATION
ENTITIES = (
    Entity(
        id="us_ofac_sdn:20157",
        source="us_ofac_sdn",
        list_code="SDN",
        type=P,
        name="KIM, Jong Un",
        countries=("KP",),
        dates_of_birth=("1984-01-08",),
        programs=("DPRK3",),
        addresses=(Address("Korea, North", "KP"),),
    ),
    Entity(
        id="us_ofac_sdn:21444",
        source="us_ofac_sdn",
        list_code="SDN",
        type=P,
        name="KIM, Yo Jong",
        countries=("KP",),
        dates_of_birth=("1989-09-26",),
        programs=("DPRK3",),
    ),
    Entity(
        id="un_sc:KPi.076",
        source="un_sc",
        list_code="UN",
        type=P,
        name="RI PYONG CHUL",
        aliases=(Alias("Ri Pyong Chol"),),
        countries=("KP",),
        dates_of_birth=("1948-08-26",),
        programs=("KP",),
    ),
    Entity(
        id="us_ofac_sdn:18782",
        source="us_ofac_sdn",
        list_code="SDN",
        type=ORG,
        name="ROSOBORONEKSPORT OAO",
        aliases=(Alias("ROSOBORONEXPORT"), Alias("RUSSIAN DEFENSE EXPORT ROSOBORONEXPORT")),
        countries=("RU",),
        identifiers=(Identifier("Registration Number", "1117746521452", "RU"),),
        programs=("SYRIA", "RUSSIA-EO14024"),
    ),
    Entity(
        id="us_csl:hik",
        source="us_csl",
        list_code="EL",
        type=ORG,
        name="Hangzhou Hikvision Digital Technology Co., Ltd.",
        countries=("CN",),
        programs=("EAR",),
        policy=ListPolicy(
            license_requirement="For all items subject to the EAR.",
            license_policy="Presumption of denial.",
            federal_register_notice="84 FR 54002",
        ),
    ),
    Entity(
        id="us_ofac_sdn:7001",
        source="us_ofac_sdn",
        list_code="SDN",
        type=P,
        name="AL-MASRI, Abu Ayyub",
        aliases=(Alias("ABU HAMZA", strong=False),),
        countries=("EG",),
        dates_of_birth=("1968",),
    ),
    Entity(
        id="us_ofac_sdn:7002",
        source="us_ofac_sdn",
        list_code="SDN",
        type=ORG,
        name="EMMA LLC",
    ),
)


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(ENTITIES)


def _ids(hits: tuple[object, ...]) -> list[str]:
    return [h.entity.id for h in hits]  # type: ignore[attr-defined]


def test_exact_person(index: ScreeningIndex) -> None:
    hits = index.screen(Query("Kim Jong Un"))
    assert _ids(hits) == ["us_ofac_sdn:20157"]
    assert hits[0].match
    assert hits[0].score == 1.0
    assert hits[0].explanation[0].feature == "name_match"


def test_threshold_and_limit(index: ScreeningIndex) -> None:
    assert len(index.screen(Query("Kim Jong"), threshold=0.0, limit=1)) == 1
    low = index.screen(Query("Kim Jong Un"), threshold=0.5)
    assert all(h.score >= 0.5 for h in low)
    assert [h.score for h in low] == sorted((h.score for h in low), reverse=True)
    assert all(h.match == (h.score >= 0.5) for h in low)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ROSOBORONEKSPORT", "us_ofac_sdn:18782"),
        ("Rosoboronexport JSC", "us_ofac_sdn:18782"),
        ("Рособоронэкспорт", "us_ofac_sdn:18782"),
        ("이병철", "un_sc:KPi.076"),
        ("Lee Byung-chul", "un_sc:KPi.076"),
        ("김정은", "us_ofac_sdn:20157"),
        ("Hikvision", "us_csl:hik"),
    ],
)
def test_variants_are_found(index: ScreeningIndex, query: str, expected: str) -> None:
    hits = index.screen(Query(query))
    assert hits
    assert hits[0].entity.id == expected, hits


@pytest.mark.parametrize("query", ["Samsung Electronics", "EMMA DANIELS", "George Bush"])
def test_no_false_match(index: ScreeningIndex, query: str) -> None:
    assert index.screen(Query(query)) == ()


def test_country_and_dob_qualifiers(index: ScreeningIndex) -> None:
    base = index.screen(Query("Ri Pyong Chul", P), threshold=0.0)[0]
    agree = index.screen(Query("Ri Pyong Chul", P, countries=("KP",), dob="1948-08-26"))[0]
    assert agree.qualifier_agrees
    assert not base.qualifier_agrees
    features = {e.feature for e in agree.explanation}
    assert {"country_match", "dob_match"} <= features
    other = index.screen(Query("Lee Byung-chul", P, countries=("KR",), dob="1942"), 0.0)[0]
    assert other.score < base.score
    assert {"country_mismatch", "dob_year_mismatch"} <= {e.feature for e in other.explanation}


def test_identifier_alone_never_makes_a_match(index: ScreeningIndex) -> None:
    reg = Identifier("registration", "1117746521452", "RU")
    assert index.screen(Query("Unrelated Trading", identifiers=(reg,))) == ()
    assert index.screen(Query("Jane Doe", P, identifiers=("1117746521452",))) == ()
    shown = index.screen(Query("Unrelated Trading", identifiers=(reg,)), threshold=0.0)
    for hit in shown:
        assert hit.score < 0.8
        if hit.entity.id == "us_ofac_sdn:18782":
            assert "identifier_without_name" in {e.feature for e in hit.explanation}


def test_identifier_lifts_a_name_match(index: ScreeningIndex) -> None:
    name = "Rosoboronexport Trading"
    base = index.screen(Query(name, ORG), threshold=0.0)[0]
    lifted = index.screen(Query(name, ORG, identifiers=("registration:1117746521452:RU",)), 0.0)[0]
    assert lifted.entity.id == "us_ofac_sdn:18782"
    assert lifted.qualifier_agrees
    assert not base.qualifier_agrees
    assert lifted.score > base.score
    assert "identifier_match" in {e.feature for e in lifted.explanation}


@pytest.mark.parametrize(
    "ident",
    [
        "passport:1117746521452",  # another kind of document
        "imo:1117746521452",
        "registration:1117746521452:KZ",  # issued by another country
        "registration:1117746521453",  # another number
    ],
)
def test_identifier_must_agree_in_type_number_and_country(
    index: ScreeningIndex, ident: str
) -> None:
    hit = index.screen(Query("Rosoboronexport Trading", ORG, identifiers=(ident,)), 0.0)[0]
    assert "identifier_match" not in {e.feature for e in hit.explanation}


def test_type_mismatch_lowers_score(index: ScreeningIndex) -> None:
    hit = index.screen(Query("Kim Jong Un", ORG), threshold=0.0)[0]
    assert hit.score < 1.0
    assert any(e.feature == "type_mismatch" for e in hit.explanation)


def test_weak_alias_is_flagged(index: ScreeningIndex) -> None:
    # "Abu Hamza" is a kunya of two common words: with no date of birth it is capped under
    # the default threshold (common_name), so it is looked at from 0.5
    hit = index.screen(Query("Abu Hamza"), threshold=0.5)[0]
    assert hit.entity.id == "us_ofac_sdn:7001"
    assert not hit.strong_alias
    assert hit.matched_name == "ABU HAMZA"
    assert hit.score < 1.0
    assert {"weak_alias", "common_name"} <= {e.feature for e in hit.explanation}


def test_source_filter(index: ScreeningIndex) -> None:
    assert index.screen(Query("Ri Pyong Chol", sources=("us_ofac_sdn",))) == ()
    assert _ids(index.screen(Query("Ri Pyong Chol", sources=("un_sc",)))) == ["un_sc:KPi.076"]


def test_hit_to_dict_contract_shape(index: ScreeningIndex) -> None:
    doc = hit_to_dict(index.screen(Query("Kim Jong Un"))[0])
    for key in (
        "entity_id",
        "source",
        "name",
        "matched_name",
        "score",
        "match",
        "type",
        "programs",
        "countries",
        "explanation",
        "list_code",
    ):
        assert key in doc
    assert doc["programs"] == ["DPRK3"]
    assert doc["type"] == "person"
    assert {"feature", "score", "detail"} == set(doc["explanation"][0])
    assert doc["ofac_score"] == 1.0
    el = hit_to_dict(index.screen(Query("Hikvision"))[0])
    assert el["license_policy"] == "Presumption of denial."
    assert el["license_requirement"].startswith("For all items")


@dataclass
class _Snap:
    entities: tuple[Entity, ...]

    def versions(self) -> dict[str, str]:
        return {"us_ofac_sdn": "sha256:abc"}


def test_index_cache_round_trip(tmp_path: Path) -> None:
    snap = _Snap(ENTITIES)
    first = get_index(snap, tmp_path)
    assert list(tmp_path.glob("screening-*.idx"))

    def no_build(*args: object, **kwargs: object) -> ScreeningIndex:
        raise AssertionError("the cached index should have been loaded")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ScreeningIndex, "build", no_build)
        second = get_index(snap, tmp_path)
    assert second is not first
    q = Query("Lee Byung-chul")
    assert second.screen(q) == first.screen(q)
    # a different entity list with the same versions is not served from the stale cache
    other = get_index(_Snap(ENTITIES[:2]), tmp_path)
    assert len(other.entities) == 2


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    snap = _Snap(ENTITIES)
    get_index(snap, tmp_path)
    for f in tmp_path.glob("screening-*.idx"):
        f.write_bytes(b"garbage")
    assert get_index(snap, tmp_path).screen(Query("Kim Jong Un"))


def test_name_keys_are_each_tokens_keys_and_the_pairs() -> None:
    """The per-token keys remembered in retrieval are the ones the key scheme defines."""
    from prosper.matching.skeleton import consonant_skeleton
    from prosper.names.normalize import prepare_name
    from prosper.screening.retrieval import name_keys

    for name in ("KIM Jong Un", "Рособоронэкспорт ОАО", "محمد علي", "Bank 2020 Al-Rashid Co. Ltd"):
        form = prepare_name(name)
        toks = form.tokens
        want: set[str] = set()
        for i, tok in enumerate(toks):
            want.add("t:" + tok)
            if len(tok) >= 3 and len(form.phonetic[i]) >= 2:
                want.add("p:" + form.phonetic[i])
            if form.korean[i] is not None:
                want.add(f"k:{form.korean[i]}")
            if len(tok) >= 3:
                want.add("v:" + form.variant[i])
                if not tok.isdigit() and len(consonant_skeleton(tok)) >= 2:
                    want.add("s:" + consonant_skeleton(tok))
            if len(tok) >= 6:
                want |= {"a:" + tok[:4], "z:" + tok[-4:]}
            if i + 1 < len(toks):
                want.add("j:" + tok + toks[i + 1])
        if len(form.full) > 1 and form.full != toks:
            want.add("j:" + "".join(form.full))
        assert name_keys(form) == want, name
