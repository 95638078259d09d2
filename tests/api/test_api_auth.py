"""Every /v1/ route enforces its role: 401 without or with a bad key, 403 for a low role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from prosper.api import ApiLimits, create_app
from prosper.settings import Settings

from .conftest import TX, FakeBackend, Keys

# (method, path, json body, lowest role)
ROUTES = [
    ("POST", "/v1/screen", {"name": "x"}, "screener"),
    ("POST", "/v1/screen/batch", {"queries": [{"name": "x"}]}, "screener"),
    ("GET", "/v1/screen/batch/abc", None, "screener"),
    ("POST", "/v1/match", {"name1": "a", "name2": "b"}, "screener"),
    ("POST", "/v1/classify", {"description": "x", "kind": "other"}, "screener"),
    ("POST", "/v1/check", TX, "screener"),
    ("GET", "/v1/lists", None, "screener"),
    ("GET", "/v1/rules", None, "screener"),
    ("GET", "/v1/whoami", None, "screener"),
    ("GET", "/v1/audit", None, "reviewer"),
    ("GET", "/v1/audit/1", None, "reviewer"),
    ("POST", "/v1/audit/verify", None, "reviewer"),
    ("GET", "/v1/keys", None, "admin"),
    ("POST", "/v1/lists/update", {"from": ["/no/such/folder"]}, "admin"),
    ("POST", "/v1/keys", {"role": "screener"}, "admin"),
    ("DELETE", "/v1/keys/00000000", None, "admin"),
]
ORDER = ["screener", "reviewer", "admin"]


@pytest.mark.parametrize(("method", "path", "body", "role"), ROUTES)
def test_route_needs_a_key(
    client: TestClient, method: str, path: str, body: object, role: str
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "Bearer" in response.headers["www-authenticate"]
    bad = client.request(method, path, json=body, headers={"X-API-Key": "psk_00000000_nope"})
    assert bad.status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "role"), ROUTES)
def test_route_enforces_its_role(
    client: TestClient, keys: Keys, method: str, path: str, body: object, role: str
) -> None:
    for caller in ORDER:
        response = client.request(method, path, json=body, headers=keys.header(caller))
        if ORDER.index(caller) < ORDER.index(role):
            assert response.status_code == 403, (caller, response.text)
            assert response.json()["error"] == "forbidden"
        else:
            assert response.status_code not in (401, 403), (caller, response.text)


def test_bearer_token_is_accepted(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/whoami", headers={"Authorization": f"Bearer {keys.reviewer}"})
    assert response.status_code == 200
    assert response.json()["role"] == "reviewer"
    assert response.json()["name"] == "rev"


def test_revoked_key_is_refused(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/whoami", headers=keys.header("screener")).json()
    revoked = client.delete(f"/v1/keys/{me['id']}", headers=keys.header("admin"))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 401


def test_admin_manages_keys(client: TestClient, keys: Keys) -> None:
    created = client.post(
        "/v1/keys", json={"role": "reviewer", "name": "auditor"}, headers=keys.header("admin")
    )
    assert created.status_code == 201
    secret = created.json()["key"]
    listed = client.get("/v1/keys", headers=keys.header("admin")).json()
    assert "auditor" in [k["name"] for k in listed]
    assert all("key" not in k and "digest" not in k for k in listed)
    assert client.get("/v1/audit", headers={"X-API-Key": secret}).status_code == 200
    bad_role = client.post("/v1/keys", json={"role": "root"}, headers=keys.header("admin"))
    assert bad_role.status_code == 422
    assert bad_role.json()["field"] == "role"


def test_rate_limit_per_key(settings: Settings, keys: Keys) -> None:
    limits = ApiLimits(rate_per_minute=60, burst=3)
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    with TestClient(app) as client:
        codes = [
            client.get("/v1/whoami", headers=keys.header("screener")).status_code for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/whoami", headers=keys.header("screener"))
        assert limited.json()["error"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
        # the bucket is per key: another key is not limited
        assert client.get("/v1/whoami", headers=keys.header("reviewer")).status_code == 200
