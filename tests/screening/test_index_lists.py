"""Screening against the full embedded lists (the issue's "Show" cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosper.lists import load_snapshot
from prosper.model import EntityType
from prosper.screening.cache import get_index
from prosper.screening.document import hit_to_dict
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> ScreeningIndex:
    return get_index(load_snapshot(), tmp_path_factory.mktemp("cache"))


def test_kim_jong_un_is_the_sdn_entry(index: ScreeningIndex) -> None:
    hits = index.screen(Query("Kim Jong Un"))
    top = hit_to_dict(hits[0])
    assert top["entity_id"] == "us_ofac_sdn:20157"
    assert top["source"] == "us_ofac_sdn"
    assert top["match"] is True
    assert top["explanation"][0]["feature"] == "name_match"
    assert "'kim'='kim' exact" in top["explanation"][0]["detail"]


def test_rosoboroneksport_finds_rosoboronexport(index: ScreeningIndex) -> None:
    hits = index.screen(Query("ROSOBORONEKSPORT"))
    words = {w for h in hits for n, _ in h.entity.all_names() for w in n.upper().split()}
    assert "ROSOBORONEXPORT" in words
    assert hits[0].match
    # and the other way round: the Latin spelling finds the same entity (as a hit, or as one
    # of the listings of the same party on several lists)
    found = {x.entity.id for h in index.screen(Query("ROSOBORONEXPORT")) for x in h.all_listings()}
    assert hits[0].entity.id in found


def test_samsung_electronics_has_no_match(index: ScreeningIndex) -> None:
    assert not any(h.match for h in index.screen(Query("Samsung Electronics")))


def test_un_name_with_swapped_tokens_and_typo(index: ScreeningIndex) -> None:
    # UN list: IZZAT IBRAHIM AL-DURI (IQi.006) — first two tokens swapped, "DURI" → "DOURI"
    hits = index.screen(Query("IBRAHIM IZZAT AL-DOURI", EntityType.PERSON))
    assert hits
    # one party on UN, SDN, EU and DFAT: the UN listing is one of the top hit's listings
    assert "un_sc:IQi.006" in {x.entity.id for x in hits[0].all_listings()}
    assert hits[0].match


def test_hangul_query_finds_north_korean_listing(index: ScreeningIndex) -> None:
    hits = index.screen(Query("리병철", EntityType.PERSON))
    assert hits
    # one party on UN, SDN, EU and DFAT: the listings of the top hits name it
    listed = {x.entity.id for h in hits[:2] for x in h.all_listings()}
    assert {"un_sc:KPi.076", "us_ofac_sdn:23215"} & listed


def test_arabic_query_finds_original_script_alias(index: ScreeningIndex) -> None:
    hits = index.screen(Query("عزت ابراهيم الدوري"))
    assert hits
    assert "un_sc:IQi.006" in {x.entity.id for x in hits[0].all_listings()}


def test_query_never_scores_the_whole_list(index: ScreeningIndex) -> None:
    from prosper.screening import index as screening

    assert index.name_count / 100 > screening.CANDIDATES


def test_cached_index_is_used(tmp_path: Path) -> None:
    snap = load_snapshot()
    get_index(snap, tmp_path)
    (cached,) = tmp_path.glob("screening-*.idx")
    assert cached.stat().st_size > 1_000_000


# --------------------------------------------------------------------------- issue 12 "Show"

AI_FIRMS = [
    "Sophgo",
    "Moore Threads",
    "Beijing Zhipu Huazhang Technology",
    "Shanghai Biren Information Technology",
    "iFlytek",
    "Huawei Technologies Co., Ltd.",
    "Inspur",  # a short brand: the brand rule's rarity lifts the thin-name cap
]


@pytest.mark.parametrize("name", AI_FIRMS)
def test_chinese_ai_firms_hit_the_entity_list_with_its_licence_requirement(
    index: ScreeningIndex, name: str
) -> None:
    hits = index.screen(Query(name))
    assert hits, name
    assert hits[0].match, name
    top = hit_to_dict(hits[0])
    el = [x for x in top["listings"] if x["list_code"] == "EL"]
    assert el, (name, top["listings"])
    assert el[0]["source"] == "us_csl"
    assert el[0]["policy"]["license_requirement"].lower().startswith("for all items subject")
    assert el[0]["policy"]["license_policy"]


def test_inspur_hits_the_entity_list_when_its_country_is_given(index: ScreeningIndex) -> None:
    # with its country too it is a match on the Entity List
    hits = index.screen(Query("Inspur", countries=("CN",)))
    assert hits
    assert hits[0].match
    assert hits[0].entity.list_code == "EL"
    assert hits[0].entity.name.startswith("Inspur")


def test_a_short_person_name_in_another_spelling_stays_capped(index: ScreeningIndex) -> None:
    # the brand exception is for rare organisation words only: "Kim Cheol" (KIM, Chol in
    # another romanization) is still thin without a qualifier
    assert not index.screen(Query("Kim Cheol"))
    top = index.screen(Query("Kim Cheol"), threshold=0.5)[0]
    assert top.score == pytest.approx(0.79)
    assert any(e.feature == "thin_name" for e in top.explanation)


def test_huawei_is_one_party_on_the_entity_list_and_the_cmic_list(index: ScreeningIndex) -> None:
    top = hit_to_dict(index.screen(Query("Huawei Technologies Co., Ltd."))[0])
    assert top["list_code"] == "EL"
    assert top["footnotes"] == ["FN1"]
    assert {(x["source"], x["list_code"]) for x in top["listings"]} >= {
        ("us_csl", "EL"),
        ("us_ofac_cons", "CMIC"),
    }


def test_rosoboronexport_is_one_party_on_every_list_that_names_it(index: ScreeningIndex) -> None:
    (top, *_) = index.screen(Query("Rosoboronexport"))
    sources = {x.entity.source for x in top.all_listings()}
    assert {"us_ofac_sdn", "eu_fsf", "au_dfat", "ca_sema", "jp_meti_eul"} <= sources
