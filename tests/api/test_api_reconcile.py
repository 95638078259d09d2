"""OpenRefine reconciliation (Reconciliation Service API v0.2), with the protocol's requests."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from tests.api.conftest import FakeBackend, Keys
from tests.api.test_api_yente import ENTITIES, SOURCES

from prosper.api import ApiLimits, create_app
from prosper.api.routers import yente
from prosper.engine import Engine
from prosper.lists.snapshot import Snapshot
from prosper.screening.index import ScreeningIndex
from prosper.settings import Settings

# shapes of the spec's examples (0.2/schemas/reconciliation-query-batch.json): a minimal batch
# and one with every optional field (type, limit, properties with pid/v, type_strict)
MINIMAL = {"q0": {"query": "John Doe"}}
FULL = {
    "q0": {
        "query": "John Doe",
        "type": "Person",
        "limit": 3,
        "properties": [
            {"pid": "country", "v": "us"},
            {"pid": "birthDate", "v": ["1975-04-21"]},
        ],
        "type_strict": "should",
    },
    "q1": {
        "query": "Brilliant Amazing Ltd",
        "type": ["Company", "Organization"],
        "properties": [
            {"pid": "registrationNumber", "v": {"id": "84BA99810", "name": "84BA99810"}}
        ],
    },
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    snapshot = Snapshot(sources=SOURCES, entities=ENTITIES)
    return Engine(snapshot=snapshot, index=ScreeningIndex.build(ENTITIES), threshold=0.8)


@pytest.fixture
def rclient(
    settings: Settings, keys: Keys, limits: ApiLimits, engine: Engine
) -> Iterator[TestClient]:
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    app.dependency_overrides[yente.get_engine] = lambda: engine
    with TestClient(app) as test_client:
        yield test_client


def test_manifest_without_a_key(rclient: TestClient) -> None:
    resp = rclient.get("/reconcile/default")
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == "*"
    doc = resp.json()
    assert doc["versions"] == ["0.2"]
    for field in ("name", "identifierSpace", "schemaSpace", "defaultTypes"):
        assert field in doc
    assert {"id": "Person", "name": "Person"} in doc["defaultTypes"]
    assert "{{id}}" in doc["preview"]["url"]
    assert {"width", "height"} <= set(doc["preview"])
    assert doc["suggest"]["entity"]["service_path"] == "/suggest/entity"
    assert doc["authentication"] == {"type": "apiKey", "name": "api_key", "in": "query"}
    assert rclient.get("/reconcile").json()["versions"] == ["0.2"]
    assert rclient.get("/reconcile/nope").status_code == 404


def test_post_form_queries_as_openrefine_sends_them(rclient: TestClient, keys: Keys) -> None:
    resp = rclient.post(
        "/reconcile/default",
        data={"queries": json.dumps(FULL)},
        headers=keys.header("screener"),
    )
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert set(doc) == {"q0", "q1"}
    best = doc["q0"]["result"][0]
    assert set(best) == {"id", "name", "description", "type", "score", "features", "match"}
    assert best["name"] == "John Doe"
    assert best["id"] == "us-ofac-sdn.9001"
    assert best["type"] == [{"id": "Person", "name": "Person"}]
    assert best["match"] is True
    assert {"id": "name_match", "value": 1.0} in best["features"]
    assert len(doc["q0"]["result"]) <= 3
    company = doc["q1"]["result"][0]
    assert company["name"] == "Brilliant Amazing Limited"
    assert company["type"] == [{"id": "Organization", "name": "Organization"}]


def test_get_queries_and_key_in_query_string(rclient: TestClient, keys: Keys) -> None:
    params = {"queries": json.dumps(MINIMAL), "api_key": keys.screener}
    doc = rclient.get("/reconcile/default", params=params).json()
    assert doc["q0"]["result"][0]["name"] == "John Doe"
    no_key = rclient.get("/reconcile/default", params={"queries": json.dumps(MINIMAL)})
    assert no_key.status_code == 401
    assert rclient.post("/reconcile/default", data={"queries": "{}"}).status_code == 401


@pytest.mark.parametrize(
    ("batch", "field"),
    [
        ({"q0": {"query": ""}}, "queries.q0.query"),
        ({"q0": {"query": "x", "type": "Spaceship"}}, "queries.q0.type"),
        ({"q0": {"query": "x", "limit": 0}}, "queries.q0.limit"),
        ({"q0": {"query": "x", "colour": 1}}, "queries.q0.colour"),
        (
            {"q0": {"query": "x", "properties": [{"pid": "shoe_size", "v": "9"}]}},
            "queries.q0.properties[0].pid",
        ),
        ({"q0": {"query": "x", "properties": [{"pid": "country"}]}}, "queries.q0.properties[0]"),
    ],
)
def test_bad_queries_are_422_naming_the_field(
    rclient: TestClient, keys: Keys, batch: dict[str, object], field: str
) -> None:
    resp = rclient.post(
        "/reconcile/default", data={"queries": json.dumps(batch)}, headers=keys.header("screener")
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["field"] == field


def test_not_json_is_422(rclient: TestClient, keys: Keys) -> None:
    resp = rclient.post(
        "/reconcile/default", data={"queries": "{not json"}, headers=keys.header("screener")
    )
    assert resp.status_code == 422
    assert resp.json()["field"] == "queries"


def test_suggest_and_preview(rclient: TestClient, keys: Keys) -> None:
    headers = keys.header("screener")
    ent = rclient.get(
        "/reconcile/default/suggest/entity", params={"prefix": "john"}, headers=headers
    ).json()
    assert ent["result"][0]["id"] == "us-ofac-sdn.9001"
    assert ent["result"][0]["notable"] == [{"id": "Person", "name": "Person"}]
    by_id = rclient.get(
        "/reconcile/default/suggest/entity",
        params={"prefix": "us-ofac-sdn.9003"},
        headers=headers,
    ).json()
    assert [r["name"] for r in by_id["result"]] == ["Chon Ma San"]
    skipped = rclient.get(
        "/reconcile/default/suggest/entity",
        params={"prefix": "john", "cursor": 1},
        headers=headers,
    ).json()
    assert skipped["result"] == []
    types = rclient.get(
        "/reconcile/default/suggest/type", params={"prefix": "ves"}, headers=headers
    ).json()
    assert types["result"] == [{"id": "Vessel", "name": "Vessel"}]
    props = rclient.get(
        "/reconcile/default/suggest/property", params={"prefix": "birth"}, headers=headers
    ).json()
    assert props["result"][0]["id"] == "birthDate"
    page = rclient.get(
        "/reconcile/default/preview", params={"id": "us-ofac-sdn.9001"}, headers=headers
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h3>John Doe</h3>" in page.text
    assert "X1234567" in page.text
    assert "<script" not in page.text
    missing = rclient.get("/reconcile/default/preview", params={"id": "nope"}, headers=headers)
    assert missing.status_code == 404
