"""Operations: the structured access log (never a key or a query string) and /docs behind the
API key, served without a CDN."""

from __future__ import annotations

import json
import logging

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from tests.api.conftest import Keys

from prosper.api.access_log import LOGGER
from prosper.api.routers import docs


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]


def test_access_log_names_the_key_holder_never_the_key(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.post("/v1/screen", json={"name": "Nobody"}, headers=keys.header("screener"))
    client.get(f"/reconcile/default/suggest/type?prefix=p&api_key={keys.reviewer}")
    client.get("/v1/lists")  # no key
    client.get("/v1/lists", headers={"X-API-Key": keys.screener + "x"})  # a wrong key
    lines = _lines(caplog)
    assert len(lines) == 4
    first = lines[0]
    assert set(first) == {
        "ts",
        "method",
        "path",
        "route",
        "status",
        "duration_ms",
        "client",
        "key",
    }
    assert first["method"] == "POST"
    assert first["path"] == "/v1/screen"
    assert first["route"] == "/v1/screen"
    assert first["status"] == 200
    assert isinstance(first["duration_ms"], float)
    assert str(first["key"]).startswith("key:")
    assert str(first["key"]).endswith(":scr")  # the holder's name
    assert lines[1]["path"] == "/reconcile/default/suggest/type"  # no query string
    assert str(lines[1]["key"]).endswith(":rev")
    assert lines[2]["status"] == 401
    assert lines[2]["key"] is None
    assert lines[3]["status"] == 401
    assert lines[3]["key"] is None
    text = caplog.text
    for secret in (keys.screener, keys.reviewer):
        assert secret not in text
        assert secret.split("_", 2)[2] not in text  # not even the secret part


def test_docs_needs_a_key_and_serves_swagger_from_here(client: TestClient, keys: Keys) -> None:
    assert client.get("/docs").status_code == 401
    page = client.get("/docs", headers=keys.header("screener"))
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    in_browser = client.get(f"/docs?api_key={keys.screener}")
    assert in_browser.status_code == 200
    if docs.swagger_dir() is None:  # without swagger-ui-bundle: the plain operation list
        assert "/match/{dataset}" in page.text
        return
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN, nothing off this server
    assert '<script src="/docs/assets/swagger-ui-bundle.js">' in page.text
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200
    assert "SwaggerUIBundle" in js.text
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200
    assert '"/openapi.json"' in client.get("/docs/init.js").text
    assert client.get("/docs/assets/..%2Fsecrets").status_code == 404
    assert client.get("/docs/assets/index.html").status_code == 404


def test_docs_plain_page_without_the_package(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs, "swagger_dir", lambda: None)
    page = client.get("/docs", headers=keys.header("screener"))
    assert page.status_code == 200
    assert "/openapi.json" in page.text
    assert "<code>/match/{dataset}</code>" in page.text
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 404
