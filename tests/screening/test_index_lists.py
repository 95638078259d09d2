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
    # and the other way round: the Latin spelling finds the same entity
    assert hits[0].entity.id in {h.entity.id for h in index.screen(Query("ROSOBORONEXPORT"))}


def test_samsung_electronics_has_no_match(index: ScreeningIndex) -> None:
    assert not any(h.match for h in index.screen(Query("Samsung Electronics")))


def test_un_name_with_swapped_tokens_and_typo(index: ScreeningIndex) -> None:
    # UN list: IZZAT IBRAHIM AL-DURI (IQi.006) — first two tokens swapped, "DURI" → "DOURI"
    hits = index.screen(Query("IBRAHIM IZZAT AL-DOURI", EntityType.PERSON))
    assert hits
    assert hits[0].entity.id == "un_sc:IQi.006"
    assert hits[0].match


def test_hangul_query_finds_north_korean_listing(index: ScreeningIndex) -> None:
    hits = index.screen(Query("리병철", EntityType.PERSON))
    assert hits
    assert {"un_sc:KPi.076", "us_ofac_sdn:23215"} & {h.entity.id for h in hits[:2]}


def test_arabic_query_finds_original_script_alias(index: ScreeningIndex) -> None:
    hits = index.screen(Query("عزت ابراهيم الدوري"))
    assert hits
    assert hits[0].entity.id == "un_sc:IQi.006"


def test_query_never_scores_the_whole_list(index: ScreeningIndex) -> None:
    from prosper.screening import index as screening

    assert index.name_count / 100 > screening.CANDIDATES


def test_cached_index_is_used(tmp_path: Path) -> None:
    snap = load_snapshot()
    get_index(snap, tmp_path)
    (cached,) = tmp_path.glob("screening-*.pickle")
    assert cached.stat().st_size > 1_000_000
