"""The routers over a fake backend: shapes, errors naming fields, limits, jobs, actors."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient

from prosper.api import ApiLimits, create_app
from prosper.settings import Settings

from .conftest import LISTED, TX, FakeBackend, Keys


def test_screen_returns_the_contract_shape(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/screen", json={"name": LISTED, "countries": ["KP"]}, headers=keys.header("screener")
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"query", "threshold", "lists", "hits"}
    hit = body["hits"][0]
    assert hit["match"] is True
    assert hit["programs"] == ["DPRK"]
    assert hit["explanation"][0]["feature"] == "name_match"


def test_unknown_field_is_422_naming_it(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/screen", json={"name": "x", "nmae": "y"}, headers=keys.header("screener")
    )
    assert response.status_code == 422
    assert response.json()["field"] == "nmae"


def test_wrong_type_is_422_naming_the_nested_field(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/screen/batch",
        json={"queries": [{"name": "ok"}, {"name": ""}]},
        headers=keys.header("screener"),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "queries[1].name"


def test_bad_json_is_422_not_500(client: TestClient, keys: Keys) -> None:
    for path in ("/v1/screen", "/v1/check", "/v1/match", "/v1/classify"):
        response = client.post(
            path,
            content=b'{"name": ',
            headers={**keys.header("screener"), "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (path, response.text)
        assert response.json()["field"] == "body"
        assert "JSON" in response.json()["message"]


def test_body_too_large_is_413(client: TestClient, keys: Keys) -> None:
    big = {"name": "x" * 100, "ids": ["y" * 100] * 1000}
    response = client.post("/v1/screen", json=big, headers=keys.header("screener"))
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_batch_job_runs_in_the_background(client: TestClient, keys: Keys) -> None:
    queries = [{"name": LISTED}, {"name": "Nobody In Particular"}]
    started = client.post(
        "/v1/screen/batch", json={"queries": queries}, headers=keys.header("screener")
    )
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == f"/v1/screen/batch/{job['job_id']}"
    deadline = time.monotonic() + 10
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = client.get(
            f"/v1/screen/batch/{job['job_id']}", headers=keys.header("screener")
        ).json()
    assert job["status"] == "done"
    assert job["completed"] == job["total"] == 2
    assert [bool(r["hits"]) for r in job["results"]] == [True, False]
    # another screener cannot see it; an admin can
    other = keys.store.create("screener", "other").secret
    hidden = client.get(f"/v1/screen/batch/{job['job_id']}", headers={"X-API-Key": other})
    assert hidden.status_code == 404
    seen = client.get(f"/v1/screen/batch/{job['job_id']}", headers=keys.header("admin"))
    assert seen.status_code == 200


def test_batch_larger_than_the_limit_is_413(client: TestClient, keys: Keys) -> None:
    queries = [{"name": f"n{i}"} for i in range(6)]
    response = client.post(
        "/v1/screen/batch", json={"queries": queries}, headers=keys.header("screener")
    )
    assert response.status_code == 413
    assert response.json()["field"] == "queries"


def test_match_scores_a_pair(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/match", json={"name1": "Kim", "name2": "KIM"}, headers=keys.header("screener")
    )
    assert response.json()["match"] is True
    assert response.json()["threshold"] == 0.8


def test_check_records_the_key_as_actor(client: TestClient, keys: Keys) -> None:
    response = client.post("/v1/check", json=TX, headers=keys.header("screener"))
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["verdict"] == "prohibited"
    record_id = decision["audit"]["record_id"]
    record = client.get(f"/v1/audit/{record_id}", headers=keys.header("reviewer")).json()
    me = client.get("/v1/whoami", headers=keys.header("screener")).json()
    assert record["actor"] == f"key:{me['id']}:scr"
    assert record["hash"] == decision["audit"]["hash"]


def test_check_accepts_yaml_and_literal_mode(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/check?mode=literal&as_of=2026-01-15",
        content=yaml.safe_dump(TX).encode(),
        headers={**keys.header("screener"), "Content-Type": "application/yaml"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["mode"] == "literal"
    assert response.json()["as_of"] == "2026-01-15"


def test_check_schema_error_names_the_field(client: TestClient, keys: Keys) -> None:
    bad = {**TX, "parties": [{"name": "X", "country": "QQ"}]}
    response = client.post("/v1/check", json=bad, headers=keys.header("screener"))
    assert response.status_code == 422
    assert response.json()["field"] == "parties[0].country"
    not_object = client.post("/v1/check", json=[1, 2], headers=keys.header("screener"))
    assert not_object.status_code == 422
    assert not_object.json()["field"] == "body"
    bad_mode = client.post("/v1/check?mode=lax", json=TX, headers=keys.header("screener"))
    assert bad_mode.status_code == 422
    assert bad_mode.json()["field"] == "mode"


def test_audit_list_verify_and_missing_record(client: TestClient, keys: Keys) -> None:
    for _ in range(3):
        client.post("/v1/check", json=TX, headers=keys.header("screener"))
    page = client.get("/v1/audit?limit=2", headers=keys.header("reviewer")).json()
    assert [r["id"] for r in page["records"]] == [3, 2]
    verify = client.post("/v1/audit/verify", headers=keys.header("reviewer")).json()
    assert verify["ok"] is True
    assert verify["checked"] == 3
    missing = client.get("/v1/audit/999", headers=keys.header("reviewer"))
    assert missing.status_code == 404
    assert missing.json()["field"] == "record_id"


def test_lists_and_rules(client: TestClient, keys: Keys) -> None:
    lists = client.get("/v1/lists", headers=keys.header("screener")).json()
    assert lists["sources"][0]["age_days"] == 10
    rules = client.get("/v1/rules", headers=keys.header("screener")).json()
    assert rules["digest"].startswith("sha256:")


def test_health_ready_metrics_openapi(client: TestClient, keys: Keys) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert isinstance(health["lists"], list)  # empty while the lists load
    deadline = time.monotonic() + 5
    while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.get("/readyz").json() == {"status": "ready"}
    lists = client.get("/healthz").json()["lists"]
    assert lists
    assert {"source", "published", "age_days", "refresh"} <= set(lists[0])
    client.post("/v1/check", json=TX, headers=keys.header("screener"))
    metrics = client.get("/metrics", headers=keys.header("reviewer"))
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'prosper_http_requests_total{method="POST",route="/v1/check",status="200"} 1.0' in text
    assert 'prosper_decisions_total{mode="enforced",verdict="prohibited"} 1.0' in text
    assert "prosper_ready 1.0" in text
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert {"TransactionIn", "PartyIn", "ItemIn", "ScreenRequest", "DecisionOut"} <= set(schemas)
    assert set(doc["paths"]) >= {
        "/v1/screen",
        "/v1/screen/batch",
        "/v1/match",
        "/v1/classify",
        "/v1/check",
        "/v1/lists",
        "/v1/rules",
        "/v1/audit",
        "/v1/audit/{record_id}",
        "/v1/audit/verify",
    }
    json.dumps(doc)  # the whole document serialises


def test_tampered_chain_is_reported_not_500(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    for _ in range(2):
        client.post("/v1/check", json=TX, headers=keys.header("screener"))
    engine = sa.create_engine(settings.db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_record SET actor = 'mallory' WHERE id = 1"))
    engine.dispose()
    report = client.post("/v1/audit/verify", headers=keys.header("reviewer"))
    assert report.status_code == 200
    body = report.json()
    assert body["ok"] is False
    assert body["problems"][0]["record_id"] == 1
    assert body["problems"][0]["reason"]


def test_batch_works_after_a_restart_of_the_app(
    settings: Settings, keys: Keys, limits: ApiLimits
) -> None:
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    for _ in range(2):  # lifespan start, shutdown, start again
        with TestClient(app) as client:
            started = client.post(
                "/v1/screen/batch",
                json={"queries": [{"name": LISTED}]},
                headers=keys.header("admin"),
            )
            assert started.status_code == 202
            job_id = started.json()["job_id"]
            deadline = time.monotonic() + 10
            status = "queued"
            while status in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.05)
                status = client.get(
                    f"/v1/screen/batch/{job_id}", headers=keys.header("admin")
                ).json()["status"]
            assert status == "done"
