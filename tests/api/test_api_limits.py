"""The token bucket refills at its rate; a chunked body over the limit is refused too."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

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
