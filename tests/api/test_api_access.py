"""Access hardening (issue 13 item 4) and the audit read paths over HTTP (item 2).

* the last active admin key cannot be revoked (409, one line);
* ``/metrics`` needs a reviewer key, or with ``PROSPER_METRICS_PUBLIC=1`` shows no business
  series without one; ``/docs`` needs a key and there is no ``/redoc``;
* wrong keys are throttled per client: 429 with ``Retry-After`` after N failures in a window;
* ``GET /v1/audit/{id}`` answers 409 for a tampered record, ``GET /v1/audit`` flags it.
"""

from __future__ import annotations

import dataclasses
import json

import sqlalchemy as sa
from fastapi.testclient import TestClient

from prosper.api import ApiLimits, create_app
from prosper.api.limits import AuthThrottle
from prosper.keys import Role
from prosper.settings import SecuritySettings, Settings

from .conftest import TX, FakeBackend, Keys

# --------------------------------------------------------------------------- last admin key


def test_the_last_admin_key_cannot_be_revoked(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/whoami", headers=keys.header("admin")).json()
    refused = client.delete(f"/v1/keys/{me['id']}", headers=keys.header("admin"))
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "conflict_error"
    assert body["field"] == "id"
    assert "last active admin key" in body["message"]
    assert "\n" not in body["message"]
    assert client.get("/v1/whoami", headers=keys.header("admin")).status_code == 200


def test_an_admin_key_can_be_revoked_while_another_remains(client: TestClient, keys: Keys) -> None:
    second = keys.store.create(Role.ADMIN, "second-admin")
    first_id = client.get("/v1/whoami", headers=keys.header("admin")).json()["id"]
    other = {"X-API-Key": second.secret}
    assert client.delete(f"/v1/keys/{first_id}", headers=other).status_code == 200
    # now the second one is the last: it cannot revoke itself
    refused = client.delete(f"/v1/keys/{second.key.id}", headers=other)
    assert refused.status_code == 409
    # revoking a non-admin key is unaffected
    scr = client.get("/v1/whoami", headers=keys.header("screener")).json()["id"]
    assert client.delete(f"/v1/keys/{scr}", headers=other).status_code == 200


# --------------------------------------------------------------------------- /metrics, /docs


def _with_security(settings: Settings, **changes: object) -> Settings:
    return dataclasses.replace(settings, security=SecuritySettings(**changes))  # type: ignore[arg-type]


def test_metrics_need_a_reviewer_key(client: TestClient, keys: Keys) -> None:
    client.post("/v1/check", json=TX, headers=keys.header("screener"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"X-API-Key": "psk_00000000_nope"}).status_code == 401
    assert client.get("/metrics", headers=keys.header("screener")).status_code == 403
    full = client.get("/metrics", headers=keys.header("reviewer"))
    assert full.status_code == 200
    assert "prosper_decisions_total" in full.text
    assert "prosper_http_requests_total" in full.text


def test_public_metrics_show_no_business_data(
    settings: Settings, keys: Keys, limits: ApiLimits
) -> None:
    public = _with_security(settings, metrics_public=True)
    app = create_app(public, backend=FakeBackend(public), key_store=keys.store, limits=limits)
    with TestClient(app) as client:
        client.post("/v1/check", json=TX, headers=keys.header("screener"))
        client.post("/v1/screen", json={"name": "x"}, headers=keys.header("screener"))
        anonymous = client.get("/metrics")
        assert anonymous.status_code == 200
        assert "prosper_http_requests_total" in anonymous.text
        assert "prosper_decisions" not in anonymous.text
        assert "prosper_screen_matches" not in anonymous.text
        assert "verdict=" not in anonymous.text
        full = client.get("/metrics", headers=keys.header("reviewer"))
        assert 'verdict="prohibited"' in full.text
        # a key that is presented must still be a good one
        assert client.get("/metrics", headers={"X-API-Key": "psk_bad"}).status_code == 401


def test_no_docs_page_is_left_open(client: TestClient) -> None:
    # /docs exists behind the API key (tests/api/test_api_ops.py); nothing else is served
    assert client.get("/docs").status_code == 401
    for path in ("/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path


# --------------------------------------------------------------------------- auth throttle


def test_the_throttle_counts_failures_in_a_sliding_window() -> None:
    now = [1000.0]
    throttle = AuthThrottle(3, 60.0, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.wait("10.0.0.1") is None
        throttle.fail("10.0.0.1")
        now[0] += 1
    wait = throttle.wait("10.0.0.1")
    assert wait is not None
    assert 56 < wait <= 58  # until the first failure (at 1000) leaves the window
    assert throttle.wait("10.0.0.2") is None  # per client
    now[0] = 1061.0  # the first failure has left the window: one more try allowed
    assert throttle.wait("10.0.0.1") is None


def test_failed_authentication_is_throttled_per_client(
    settings: Settings, keys: Keys, limits: ApiLimits
) -> None:
    strict = _with_security(settings, auth_failures=3, auth_window=120.0)
    app = create_app(strict, backend=FakeBackend(strict), key_store=keys.store, limits=limits)
    with TestClient(app) as client:
        bad = {"X-API-Key": "psk_0badc0de_guess"}
        codes = [client.get("/v1/whoami", headers=bad).status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        throttled = client.get("/v1/whoami", headers=bad)
        assert throttled.status_code == 429
        assert throttled.json()["error"] == "too_many_failures"
        assert 1 <= int(throttled.headers["retry-after"]) <= 120
        # while throttled, even a right key is not tried: guessing gains nothing
        assert client.get("/v1/whoami", headers=keys.header("admin")).status_code == 429
        assert client.get("/metrics", headers=keys.header("reviewer")).status_code == 429
    # another client address is not affected
    with TestClient(app, client=("192.0.2.7", 5000)) as other:
        assert other.get("/v1/whoami", headers=keys.header("admin")).status_code == 200


def test_good_keys_do_not_count_as_failures(
    settings: Settings, keys: Keys, limits: ApiLimits
) -> None:
    strict = _with_security(settings, auth_failures=2, auth_window=120.0)
    app = create_app(strict, backend=FakeBackend(strict), key_store=keys.store, limits=limits)
    with TestClient(app) as client:
        for _ in range(10):
            assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200
        # a low role (403) is not a failed authentication either
        for _ in range(3):
            assert client.get("/v1/keys", headers=keys.header("screener")).status_code == 403
        assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200


# --------------------------------------------------------------------------- audit read paths


def _tamper(settings: Settings, statement: str) -> None:
    engine = sa.create_engine(settings.db_url)
    with engine.begin() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def test_a_tampered_record_is_409_and_flagged_in_the_list(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    for _ in range(3):
        assert client.post("/v1/check", json=TX, headers=keys.header("screener")).status_code == 200
    reviewer = keys.header("reviewer")
    intact = client.get("/v1/audit/2", headers=reviewer)
    assert intact.status_code == 200
    assert intact.json()["signature"].startswith("hmac-sha256:")
    page = client.get("/v1/audit", headers=reviewer).json()
    assert page["integrity"] == {"ok": True, "problems": []}
    assert all(r["integrity"]["ok"] and r["integrity"]["signed"] for r in page["records"])

    _tamper(
        settings,
        "UPDATE audit_record SET output = replace(output, 'prohibited', 'allowed') WHERE id = 2",
    )
    refused = client.get("/v1/audit/2", headers=reviewer)
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("record 2: hash mismatch (edited)")
    assert client.get("/v1/audit/3", headers=reviewer).status_code == 200
    page = client.get("/v1/audit", headers=reviewer).json()
    flags = {r["id"]: r["integrity"]["ok"] for r in page["records"]}
    assert flags == {3: True, 2: False, 1: True}


def test_a_deleted_tail_is_flagged_on_the_list_page(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    for _ in range(3):
        client.post("/v1/check", json=TX, headers=keys.header("screener"))
    engine = sa.create_engine(settings.db_url)
    with engine.begin() as conn:
        two = conn.execute(sa.text("SELECT hash FROM audit_record WHERE id = 2")).scalar_one()
        conn.execute(sa.text("DELETE FROM audit_record WHERE id = 3"))
        conn.execute(sa.text("UPDATE audit_head SET last_id = 2, last_hash = :h"), {"h": two})
    engine.dispose()
    page = client.get("/v1/audit", headers=keys.header("reviewer")).json()
    assert page["integrity"]["ok"] is False
    assert "record 3 in the anchor file but not in the log" in json.dumps(page["integrity"])
    verify = client.post("/v1/audit/verify", headers=keys.header("reviewer")).json()
    assert verify["ok"] is False
