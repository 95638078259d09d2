"""The common-name cap (``COMMON_NAME_CAP``): the ``screening`` section of
``tests/matching/cases/common_names.yaml`` — a person hit resting only on words common among
people does not alert on a bare list entry unless a date of birth or document agrees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.matching import config as cfg
from prosper.model import Entity, EntityType, Hit
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query

CASES = Path(__file__).parents[1] / "matching" / "cases" / "common_names.yaml"
DOC: dict[str, Any] = yaml.safe_load(CASES.read_text(encoding="utf-8"))["screening"]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    entities = [
        Entity(
            id=e["id"],
            source="test",
            list_code="SDN",
            type=EntityType(e.get("type", "person")),
            name=e["name"],
            countries=tuple(e.get("countries", ())),
            dates_of_birth=tuple(e.get("dates_of_birth", ())),
        )
        for e in DOC["entities"]
    ]
    return ScreeningIndex.build(entities)


def _query(case: dict[str, str]) -> Query:
    country = case.get("country")
    return Query(
        case["name"],
        EntityType.PERSON,
        countries=(country,) if country else (),
        dob=case.get("dob"),
    )


@pytest.mark.parametrize("case", DOC["alerts"], ids=lambda c: f"{c['name']}|{c.get('dob')}")
def test_alerts(index: ScreeningIndex, case: dict[str, str]) -> None:
    hits = index.screen(_query(case), threshold=float(DOC["threshold"]))
    assert hits
    assert hits[0].entity.id == case["entity"]
    assert "common_name" not in {e.feature for e in hits[0].explanation}


@pytest.mark.parametrize("case", DOC["no_alerts"], ids=lambda c: f"{c['name']}|{c.get('dob')}")
def test_no_alert(index: ScreeningIndex, case: dict[str, str]) -> None:
    assert index.screen(_query(case), threshold=float(DOC["threshold"])) == ()


def test_capped_hit_still_shows_under_a_lower_threshold(index: ScreeningIndex) -> None:
    (hit,) = index.screen(Query("John Smith", EntityType.PERSON), threshold=0.5)
    assert hit.score == cfg.COMMON_NAME_CAP
    assert "common_name" in {e.feature for e in hit.explanation}


def test_country_alone_does_not_lift_the_cap(index: ScreeningIndex) -> None:
    query = Query("John Smith", EntityType.PERSON, countries=("US",))
    (hit,) = index.screen(query, threshold=0.5)
    assert hit.score == cfg.COMMON_NAME_CAP


def test_thin_skeleton_hit_still_shows_and_says_why(index: ScreeningIndex) -> None:
    # ثنا معین "tn mn" no longer reads as "Tian Min WU" at all (Sana: a final ā, LONG_VOWEL_LETTERS)
    hits = index.screen(Query("هاني شموط", EntityType.PERSON), threshold=0.5)
    (hit,) = [h for h in hits if h.entity.id == "test:shammout"]
    assert hit.score < cfg.THIN_SKELETON_CAP
    assert "thin_skeleton" in {e.feature for e in hit.explanation}


def test_thin_skeleton_cap_is_lifted_by_an_agreeing_date_only(index: ScreeningIndex) -> None:
    def hit(query: Query) -> Hit:
        (found,) = [h for h in index.screen(query, threshold=0.5) if h.entity.id == "test:shammout"]
        return found

    name = "هاني شموط"  # "hn sm": Hani SHAMMOUT in four consonants
    lifted = hit(Query(name, EntityType.PERSON, dob="1961-04-02"))
    alone = hit(Query(name, EntityType.PERSON, countries=("AE",)))
    assert "thin_skeleton" not in {e.feature for e in lifted.explanation}
    assert "thin_skeleton" in {e.feature for e in alone.explanation}
    assert alone.score < cfg.THIN_SKELETON_CAP < lifted.score
