"""The yente-compatible API: yente's own request examples answered with yente's field names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from tests.api.conftest import FakeBackend, Keys

from prosper.api import ApiLimits, create_app
from prosper.api.routers import yente
from prosper.engine import Engine
from prosper.lists.snapshot import Snapshot, SourceInfo
from prosper.model import Alias, Entity, EntityType, Identifier
from prosper.screening.index import ScreeningIndex
from prosper.settings import Settings

ENTITIES = (
    Entity(
        id="us_ofac_sdn:9001",
        source="us_ofac_sdn",
        list_code="SDN",
        type=EntityType.PERSON,
        name="John Doe",
        aliases=(Alias("Johnny Doe", strong=False),),
        countries=("US",),
        dates_of_birth=("1975-04-21",),
        identifiers=(Identifier("Passport", "X1234567", "US"),),
        programs=("SDGT",),
        gender="male",
    ),
    Entity(
        id="us_csl:EL-42",
        source="us_csl",
        list_code="EL",
        type=EntityType.ORGANIZATION,
        name="Brilliant Amazing Limited",
        countries=("HK",),
        identifiers=(Identifier("Registration Number", "84BA99810", "HK"),),
        programs=("EAR",),
    ),
    Entity(
        id="us_ofac_sdn:9003",
        source="us_ofac_sdn",
        list_code="SDN",
        type=EntityType.VESSEL,
        name="Chon Ma San",
        countries=("KP",),
        identifiers=(Identifier("IMO Number", "8660313"),),
    ),
)
SOURCES = (
    SourceInfo("us_ofac_sdn", "OFAC SDN", "2026-11-30", "sha256:" + "a" * 64, 2, 3, "test", ()),
    SourceInfo("us_csl", "CSL", "2026-11-29", "sha256:" + "b" * 64, 1, 1, "test", ()),
)

# yente's own example (yente/routers/match.py, the POST /match/{dataset} description)
YENTE_EXAMPLE = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"],
            },
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
    }
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    snapshot = Snapshot(sources=SOURCES, entities=ENTITIES)
    return Engine(snapshot=snapshot, index=ScreeningIndex.build(ENTITIES), threshold=0.8)


@pytest.fixture
def yclient(
    settings: Settings, keys: Keys, limits: ApiLimits, engine: Engine
) -> Iterator[TestClient]:
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    app.dependency_overrides[yente.get_engine] = lambda: engine
    with TestClient(app) as test_client:
        yield test_client


def test_match_answers_yentes_example_with_yentes_fields(yclient: TestClient, keys: Keys) -> None:
    headers = {"Authorization": f"ApiKey {keys.screener}"}  # as yente clients send it
    resp = yclient.post("/match/default?algorithm=logic-v2", json=YENTE_EXAMPLE, headers=headers)
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert set(doc) == {"responses", "matcher", "limit"}
    assert resp.headers["x-batch-size"] == "2"
    assert doc["limit"] == 5
    assert set(doc["responses"]) == {"entity1", "entity2"}
    person = doc["responses"]["entity1"]
    assert set(person) == {"status", "results", "total", "query"}
    assert person["status"] == 200
    assert person["total"] == {"value": 1, "relation": "eq"}
    assert person["query"]["schema"] == "Person"
    top = person["results"][0]
    assert {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
        "score",
        "match",
        "features",
    } == set(top)
    assert top["caption"] == "John Doe"
    assert top["schema"] == "Person"
    assert top["id"] == "us-ofac-sdn.9001"
    assert top["referents"] == ["us_ofac_sdn:9001"]
    assert top["datasets"] == ["us_ofac_sdn"]
    assert top["match"] is True
    assert top["score"] >= 0.8
    assert top["properties"]["birthDate"] == ["1975-04-21"]
    assert top["properties"]["weakAlias"] == ["Johnny Doe"]
    assert top["properties"]["passportNumber"] == ["X1234567"]
    assert top["last_seen"] == "2026-11-30T00:00:00"
    assert top["features"]["name_match"] == 1.0
    assert "dob_match" in top["features"] or "country_match" in top["features"]
    company = doc["responses"]["entity2"]["results"][0]
    assert company["schema"] == "Organization"
    assert company["match"] is True
    assert "name_match" in doc["matcher"]
    assert set(doc["matcher"]["name_match"]) == {"description", "coefficient", "url"}


def test_match_threshold_limit_dataset_and_tolerated_fields(
    yclient: TestClient, keys: Keys
) -> None:
    body = {
        "queries": {"q": {"schema": "Person", "properties": {"name": "Jon Doe"}}},
        "weights": {"name_literal": 0.8},
        "threshold": 0.99,
        "limit": 1,
        "algorithm": "best",
    }
    doc = yclient.post("/match/us_ofac_sdn", json=body, headers=keys.header("screener")).json()
    results = doc["responses"]["q"]["results"]
    assert doc["limit"] == 1
    assert len(results) <= 1
    assert all(r["match"] is (r["score"] >= 0.99) for r in results)
    only_csl = yclient.post(
        "/match/us_csl", json=YENTE_EXAMPLE, headers=keys.header("screener")
    ).json()
    assert only_csl["responses"]["entity1"]["results"] == []
    assert only_csl["responses"]["entity2"]["results"][0]["datasets"] == ["us_csl"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"queries": {"a": {"schema": "Spaceship", "properties": {}}}}, "queries.a.schema"),
        ({"queries": {"a": {"schema": "Address", "properties": {}}}}, "queries.a.schema"),
        (
            {"queries": {"a": {"schema": "Person", "properties": {"nationalty": ["us"]}}}},
            "queries.a.properties.nationalty",
        ),
        (
            {"queries": {"a": {"schema": "Person", "properties": {"name": [{"x": 1}]}}}},
            "queries.a.properties.name",
        ),
        (
            {"queries": {"a": {"schema": "Person", "properties": {"birthDate": ["1970"]}}}},
            "queries.a.properties.name",
        ),
        ({"queries": {}}, "queries"),
        ({"queries": {"a": {}}, "colour": 1}, "colour"),
    ],
)
def test_match_bad_input_is_422_naming_the_field(
    yclient: TestClient, keys: Keys, body: dict[str, object], field: str
) -> None:
    resp = yclient.post("/match/default", json=body, headers=keys.header("screener"))
    assert resp.status_code == 422, resp.text
    assert resp.json()["field"] == field


def test_unknown_dataset_and_entity_are_404(yclient: TestClient, keys: Keys) -> None:
    resp = yclient.post("/match/nope", json=YENTE_EXAMPLE, headers=keys.header("screener"))
    assert resp.status_code == 404
    assert resp.json()["field"] == "dataset"
    resp = yclient.get("/entities/nope", headers=keys.header("screener"))
    assert resp.status_code == 404


def test_same_auth_as_v1(yclient: TestClient, keys: Keys) -> None:
    assert yclient.post("/match/default", json=YENTE_EXAMPLE).status_code == 401
    assert yclient.get("/catalog", headers={"Authorization": "ApiKey wrong"}).status_code == 401
    bearer = {"Authorization": f"Bearer {keys.screener}"}
    assert yclient.get("/catalog", headers=bearer).status_code == 200


def test_search_entities_and_catalog(yclient: TestClient, keys: Keys) -> None:
    headers = keys.header("screener")
    doc = yclient.get("/search/default", params={"q": "john doe"}, headers=headers).json()
    assert set(doc) == {"results", "facets", "total", "limit", "offset"}
    assert doc["results"][0]["caption"] == "John Doe"
    assert "score" not in doc["results"][0]
    assert doc["facets"]["countries"]["values"][0] == {"name": "us", "label": "us", "count": 1}
    none = yclient.get("/search/default", params={"q": "john doe", "schema": "Vessel"})
    assert none.status_code == 401
    vessels = yclient.get(
        "/search/default", params={"q": "john doe", "schema": "Vessel"}, headers=headers
    ).json()
    assert vessels["results"] == []

    ent = yclient.get("/entities/us-ofac-sdn.9001", headers=headers).json()
    assert ent["caption"] == "John Doe"
    sanction = ent["properties"]["sanctions"][0]
    assert sanction["schema"] == "Sanction"
    assert sanction["properties"]["program"] == ["SDGT"]
    assert ent["properties"]["identification"][0]["schema"] == "Passport"
    same = yclient.get("/entities/us_ofac_sdn:9001", headers=headers).json()
    assert same["id"] == ent["id"]

    cat = yclient.get("/catalog", headers=headers).json()
    assert set(cat) == {"datasets", "current", "outdated", "index_stale"}
    names = [d["name"] for d in cat["datasets"]]
    assert names == ["default", "us_ofac_sdn", "us_csl"]
    assert cat["datasets"][0]["children"] == ["us_ofac_sdn", "us_csl"]
    assert set(cat["datasets"][1]) >= {"name", "title", "version", "load", "children"}
