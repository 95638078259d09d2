"""The token bucket refills at its rate; a chunked body over the limit is refused too, and
every 413 is logged and counted."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from prosper.api.access_log import LOGGER
from prosper.api.limits import RateLimiter

from .conftest import Keys


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate_per_minute=60, burst=2, clock=lambda: now[0])
    assert limiter.hit("k") is None
    assert limiter.hit("k") is None
    wait = limiter.hit("k")
    assert wait is not None
    assert 0.9 <= wait <= 1.0
    now[0] += 1.0  # one token a second
    assert limiter.hit("k") is None
    assert limiter.hit("k") is not None
    now[0] += 100.0  # never more than the burst
    assert [limiter.hit("k") is None for _ in range(3)] == [True, True, False]


def test_chunked_body_over_the_limit_is_413(client: TestClient, keys: Keys) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    for path in ("/v1/screen", "/v1/check"):
        response = client.post(
            path,
            content=chunks(),
            headers={**keys.header("screener"), "Content-Type": "application/json"},
        )
        assert response.status_code == 413, path
        assert response.json()["error"] == "payload_too_large"
    # the server is still fine afterwards
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200


def test_a_413_is_logged_and_counted(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    """The one request middleware answers 413 and still writes its access line and metrics."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    head = {**keys.header("screener"), "Content-Type": "application/json"}
    declared = client.post("/v1/screen", content=b"x" * (65 * 1024), headers=head)
    assert declared.status_code == 413
    assert declared.json()["error"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(70):
            yield b"x" * 1024

    chunked = client.post("/v1/check", content=chunks(), headers=head)
    assert chunked.status_code == 413
    ok = client.post("/v1/screen", json={"name": "Nobody"}, headers=keys.header("screener"))
    assert ok.status_code == 200
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/v1/screen", 413),
        ("/v1/check", 413),
        ("/v1/screen", 200),
    ]
    metrics = client.get("/metrics", headers=keys.header("reviewer")).text
    assert 'prosper_http_requests_total{method="POST",route="<unmatched>",status="413"} 1.0' in (
        metrics
    )
    assert 'prosper_http_requests_total{method="POST",route="/v1/check",status="413"} 1.0' in (
        metrics
    )
    assert 'prosper_http_requests_total{method="POST",route="/v1/screen",status="200"} 1.0' in (
        metrics
    )
