"""`/v1/parties`, `/v1/alerts`, `/v1/webhooks`: roles per endpoint, four-eyes by key holder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.cases.helpers import BASE, engine

from prosper import casework, service

from .conftest import Keys

CSV = (
    "id;name;countries\n"
    "C-1;Korea Mining Development Trading Corporation;KP\n"
    "C-2;Acme Widgets GmbH;DE\n"
    "C-3;Huawei Technologies Co., Ltd.;CN\n"
)


@pytest.fixture(autouse=True)
def small_lists(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    small = engine(BASE)
    monkeypatch.setattr(service, "get_engine", lambda settings=None: small)
    yield
    casework.reset_stores()
    service.reset_engines()


def _import(client: TestClient, keys: Keys, text: str = CSV) -> dict[str, Any]:
    r = client.post(
        "/v1/parties/import?format=csv", content=text.encode(), headers=keys.header("reviewer")
    )
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_import_and_read(client: TestClient, keys: Keys) -> None:
    out = _import(client, keys)
    assert (out["inserted"], out["screening"]["opened"]) == (3, 2)
    r = client.get("/v1/parties", headers=keys.header("screener"))
    assert r.json()["total"] == 3
    r = client.get("/v1/parties/C-1", headers=keys.header("screener"))
    assert r.json()["alerts"][0]["entity_id"] == "us_ofac_sdn:1"
    r = client.get("/v1/parties/NOPE", headers=keys.header("screener"))
    assert r.status_code == 404
    r = client.get("/v1/parties/export", headers=keys.header("screener"))
    assert r.text.count("\n") == 3
    r = client.post("/v1/parties/C-2/screen", headers=keys.header("screener"))
    assert r.json()["screened"] == 1


def test_bad_rows_are_422_with_the_report(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/parties/import",
        content=b"id,name,countries\nA,x,KR\nB,y,XX\n",
        headers=keys.header("reviewer"),
    )
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "countries"
    assert body["rows"][0]["row"] == 3
    assert "nothing imported" in body["message"]
    r = client.get("/v1/parties", headers=keys.header("screener"))
    assert r.json()["total"] == 0
    r = client.post("/v1/parties/import?format=doc", content=b"x", headers=keys.header("reviewer"))
    assert (r.status_code, r.json()["field"]) == (422, "format")


@pytest.mark.parametrize(
    ("method", "path", "role", "status"),
    [
        ("post", "/v1/parties/import", "screener", 403),
        ("get", "/v1/parties", None, 401),
        ("post", "/v1/alerts/1/decide", "screener", 403),
        ("post", "/v1/alerts/1/escalate", "screener", 403),
        ("get", "/v1/alerts/report", "screener", 403),
        ("get", "/v1/webhooks", "reviewer", 403),
        ("post", "/v1/webhooks", "reviewer", 403),
        ("get", "/v1/alerts", None, 401),
    ],
)
def test_roles(
    client: TestClient, keys: Keys, method: str, path: str, role: str | None, status: int
) -> None:
    headers = {} if role is None else keys.header(role)
    body = {"as": "true_match", "reason": "x"} if "decide" in path else {"reason": "x"}
    r = getattr(client, method)(
        path, headers=headers, **({"json": body} if method == "post" else {})
    )
    assert r.status_code == status, r.text


def test_four_eyes_by_key_holder(client: TestClient, keys: Keys) -> None:
    _import(client, keys)
    alerts = client.get(
        "/v1/alerts?state=open&list=us_ofac_sdn", headers=keys.header("screener")
    ).json()
    (alert,) = alerts
    url = f"/v1/alerts/{alert['id']}/decide"
    # the actor is the key's holder; a claimed reviewer in the body is refused (unknown field)
    r = client.post(
        url,
        json={"as": "true_match", "reason": "r", "actor": "bob"},
        headers=keys.header("reviewer"),
    )
    assert (r.status_code, r.json()["field"]) == (422, "actor")
    r = client.post(
        url, json={"as": "true_match", "reason": "same"}, headers=keys.header("reviewer")
    )
    assert r.json()["state"] == "pending"
    assert r.json()["proposed_by"].startswith("key:")
    r = client.post(
        url, json={"as": "true_match", "reason": "again"}, headers=keys.header("reviewer")
    )
    assert r.status_code == 409
    assert "second reviewer" in r.json()["message"]
    r = client.post(url, json={"as": "true_match", "reason": "agree"}, headers=keys.header("admin"))
    assert r.json()["state"] == "true_match"
    shown = client.get(f"/v1/alerts/{alert['id']}", headers=keys.header("screener")).json()
    assert [e["action"] for e in shown["events"]] == ["opened", "proposed", "confirmed"]
    assert shown["party"]["id"] == "C-1"
    r = client.post("/v1/audit/verify", headers=keys.header("reviewer"))
    assert r.json()["ok"] is True


def test_escalate_filters_and_report(client: TestClient, keys: Keys) -> None:
    _import(client, keys)
    alerts = client.get("/v1/alerts", headers=keys.header("screener")).json()
    r = client.post(
        f"/v1/alerts/{alerts[0]['id']}/escalate",
        json={"reason": "check"},
        headers=keys.header("reviewer"),
    )
    assert r.json()["state"] == "escalated"
    assert (
        len(client.get("/v1/alerts?state=escalated", headers=keys.header("screener")).json()) == 1
    )
    assert client.get("/v1/alerts?min_score=1.2", headers=keys.header("screener")).json() == []
    r = client.get("/v1/alerts?state=bogus", headers=keys.header("screener"))
    assert (r.status_code, r.json()["field"]) == (422, "state")
    r = client.get("/v1/alerts/report", headers=keys.header("reviewer"))
    assert r.json()["by_state"] == {"escalated": 1, "open": 1}
    r = client.get("/v1/alerts/report?format=csv", headers=keys.header("reviewer"))
    assert "by_state,open,1" in r.text
    r = client.get("/v1/alerts/report?from=soon", headers=keys.header("reviewer"))
    assert (r.status_code, r.json()["field"]) == (422, "from")
    r = client.get("/v1/alerts/99999", headers=keys.header("screener"))
    assert r.status_code == 404


def test_webhooks_admin(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/x", "events": ["alert.opened"]},
        headers=keys.header("admin"),
    )
    assert r.status_code == 201
    assert r.json()["secret"].startswith("whsec_")
    listed = client.get("/v1/webhooks", headers=keys.header("admin")).json()
    assert "secret" not in listed[0]
    r = client.post(
        "/v1/webhooks", json={"url": "ftp://x/y", "events": []}, headers=keys.header("admin")
    )
    assert (r.status_code, r.json()["field"]) == (422, "url")
    r = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/x", "events": ["nope"]},
        headers=keys.header("admin"),
    )
    assert (r.status_code, r.json()["field"]) == (422, "events")


def test_case_page_in_both_languages(client: TestClient) -> None:
    from prosper.web.case_strings import CASE_STRINGS

    assert set(CASE_STRINGS["en"]) == set(CASE_STRINGS["ko"])
    r = client.get("/cases?lang=ko")
    assert r.status_code == 200
    assert "경보 대기열" in r.text
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    r = client.get("/cases?lang=en")
    assert "Alert queue" in r.text
    assert client.get("/static/cases.js").status_code == 200


def test_api_screens_are_on_the_record(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/screen", json={"name": "Korea Kwangson Banking Corp"}, headers=keys.header("screener")
    )
    assert r.status_code == 200
    record_id = r.headers["X-Prosper-Audit-Record"]
    rec = client.get(f"/v1/audit/{record_id}", headers=keys.header("reviewer")).json()
    assert rec["kind"] == "screen"
    assert rec["actor"].startswith("key:")
    assert rec["output"]["hits"][0]["entity_id"] == "us_ofac_sdn:8876"
    r = client.post("/v1/screen?dry_run=true", json={"name": "x"}, headers=keys.header("screener"))
    assert r.headers["X-Prosper-Dry-Run"] == "true"
    assert "X-Prosper-Audit-Record" not in r.headers
