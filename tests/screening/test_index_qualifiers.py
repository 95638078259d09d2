"""Name-only caps and the gender qualifier: thin names (``THIN_NAME_CAP``) and
``Query.gender`` against the list's gender."""

from __future__ import annotations

import pytest

from prosper.errors import InputError
from prosper.matching import config as cfg
from prosper.model import Entity, EntityType
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query, normalize_gender
from prosper.screening.rows import parse_gender, row_query

P = EntityType.PERSON
ENTITIES = (
    Entity(
        id="test:li",
        source="test",
        list_code="SDN",
        type=P,
        name="LI, Li",
        countries=("CN",),
        dates_of_birth=("1970",),
        gender="female",
    ),
    Entity(
        id="test:kyj",
        source="test",
        list_code="SDN",
        type=P,
        name="KIM, Yo Jong",
        countries=("KP",),
        dates_of_birth=("1989-09-26",),
        gender="female",
    ),
)


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(ENTITIES)


def _features(hit: object) -> set[str]:
    return {e.feature for e in hit.explanation}  # type: ignore[attr-defined]


def test_thin_transliterated_name_is_capped_without_a_qualifier(index: ScreeningIndex) -> None:
    assert index.screen(Query("李丽", P)) == ()  # 李丽 → "li li": dozens of other characters
    low = index.screen(Query("李丽", P), threshold=0.7)
    assert [h.entity.id for h in low] == ["test:li"]
    assert low[0].score == cfg.THIN_NAME_CAP
    assert low[0].match  # a match at the lower threshold
    assert "thin_name" in _features(low[0])


def test_thin_name_alerts_when_a_date_of_birth_agrees(index: ScreeningIndex) -> None:
    hits = index.screen(Query("李丽", P, countries=("CN",), dob="1970"))
    assert [h.entity.id for h in hits] == ["test:li"]
    assert hits[0].match
    assert hits[0].qualifier_agrees
    assert "thin_name" not in _features(hits[0])


def test_a_country_alone_does_not_lift_the_thin_name_cap(index: ScreeningIndex) -> None:
    # tens of thousands in China bear 李丽: an agreeing country says nothing about which one
    assert index.screen(Query("李丽", P, countries=("CN",))) == ()
    low = index.screen(Query("李丽", P, countries=("CN",)), threshold=0.7)
    assert low[0].qualifier_agrees
    assert "thin_name" in _features(low[0])


def test_exact_listed_thin_name_stays_a_hit(index: ScreeningIndex) -> None:
    hits = index.screen(Query("Li Li", P))
    assert [h.entity.id for h in hits] == ["test:li"]
    assert hits[0].score == 1.0


def test_three_syllable_names_are_not_capped(index: ScreeningIndex) -> None:
    hits = index.screen(Query("Kim Yo Jong"))
    assert hits[0].score == 1.0
    assert "thin_name" not in _features(hits[0])


def test_gender_mismatch_lowers_the_score(index: ScreeningIndex) -> None:
    same = index.screen(Query("Kim Yo Jong", P, gender="female"))[0]
    other = index.screen(Query("Kim Yo Jong", P, gender="male"))[0]
    assert same.score == 1.0
    assert "gender_match" in _features(same)
    assert not same.qualifier_agrees  # half of everyone shares a gender: confirms nothing
    assert other.score == pytest.approx(1.0 + cfg.GENDER_MISMATCH)
    detail = {e.feature: e.detail for e in other.explanation}
    assert detail["gender_mismatch"] == "query male, list female"


def test_gender_unknown_on_either_side_does_nothing(index: ScreeningIndex) -> None:
    hit = index.screen(Query("Kim Yo Jong", P))[0]
    assert not {"gender_match", "gender_mismatch"} & _features(hit)


def test_query_fields_stay_backward_compatible() -> None:
    q = Query("Kim Yo Jong", P, ("KP",), "1989", ("X1",), ("us_ofac_sdn",))
    assert q.gender is None
    assert q.sources == ("us_ofac_sdn",)


@pytest.mark.parametrize(
    ("raw", "expected"), [("F", "female"), (" Male ", "male"), ("", None), ("x", None)]
)
def test_normalize_gender(raw: str, expected: str | None) -> None:
    assert normalize_gender(raw) == expected


def test_batch_gender_column() -> None:
    assert row_query({"name": "Kim Yo Jong", "gender": "f"}).gender == "female"
    assert row_query({"name": "Kim Yo Jong"}).gender is None
    with pytest.raises(InputError):
        parse_gender("unknown")


def test_birth_year_contradiction_costs_more_than_a_near_year() -> None:
    from prosper.screening.qualifiers import dob_evidence

    listed = ("1963", "1964-05-01")
    assert dob_evidence("1980-02-03", listed) == [
        ("dob_year_mismatch", cfg.DOB_YEAR_MISMATCH, "query 1980-02-03, list 1963; 1964-05-01")
    ]
    near = dob_evidence("1962", listed)
    assert near[0][0] == "dob_year_near"
    assert cfg.DOB_YEAR_MISMATCH < near[0][1] < 0
    # a 0.95 name with a contradicting birth year falls under the default threshold
    assert 0.95 + cfg.DOB_YEAR_MISMATCH < 0.8


def test_record_id_is_echoed_never_screened_and_identifiers_are_typed() -> None:
    assert row_query({"name": "Jane Doe", "id": "65256"}).identifiers == ()
    ids = "passport:PD 123456:kp; lei:529900T8BM49AURSDO55"
    query = row_query({"name": "X", "identifiers": ids})
    assert [(i.type, i.country) for i in query.identifiers] == [("passport", "KP"), ("lei", None)]
    with pytest.raises(InputError) as err:
        row_query({"name": "X", "identifiers": "shoe:123"})
    assert err.value.field == "identifiers"
