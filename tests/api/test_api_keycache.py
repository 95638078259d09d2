"""The short-lived cache of checked API keys: fewer table lookups, revocation still honoured."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from prosper.api import ApiLimits, create_app
from prosper.api.keycache import KeyCache
from prosper.keys import Role
from prosper.settings import Settings

from .conftest import FakeBackend, Keys


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_key_expires_after_its_ttl(keys: Keys) -> None:
    clock = Clock()
    cache = KeyCache(2.0, clock=clock)
    key = keys.store.authenticate(keys.screener)
    assert key is not None
    assert cache.get(keys.screener) is None
    cache.put(keys.screener, key)
    assert cache.get(keys.screener) == key
    assert cache.get(keys.reviewer) is None  # another secret is not this key
    clock.now += 1.99
    assert cache.get(keys.screener) == key
    clock.now += 0.02
    assert cache.get(keys.screener) is None


def test_forget_drops_the_key_at_once(keys: Keys) -> None:
    cache = KeyCache(60.0)
    screener = keys.store.authenticate(keys.screener)
    admin = keys.store.authenticate(keys.admin)
    assert screener is not None
    assert admin is not None
    cache.put(keys.screener, screener)
    cache.put(keys.admin, admin)
    cache.forget(screener.id)
    assert cache.get(keys.screener) is None
    assert cache.get(keys.admin) == admin


def test_ttl_zero_and_revoked_keys_are_never_cached(keys: Keys) -> None:
    key = keys.store.authenticate(keys.screener)
    assert key is not None
    off = KeyCache(0.0)
    off.put(keys.screener, key)
    assert off.get(keys.screener) is None
    cache = KeyCache(60.0)
    revoked = keys.store.revoke(key.id)
    cache.put(keys.screener, revoked)
    assert cache.get(keys.screener) is None


def test_the_cache_stays_bounded(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KeyCache, "MAX_KEYS", 3)
    cache = KeyCache(60.0)
    key = keys.store.authenticate(keys.screener)
    assert key is not None
    for i in range(10):
        cache.put(f"secret-{i}", key)
    assert len(cache._keys) <= 3
    assert cache.get("secret-9") == key


@pytest.fixture
def cached(settings: Settings, keys: Keys) -> Iterator[tuple[TestClient, Clock, list[str]]]:
    """An app whose key cache runs on a settable clock, and the lookups it made."""
    limits = ApiLimits(rate_per_minute=6000, burst=1000, key_cache_seconds=2.0)
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    state = app.state.prosper
    clock = Clock()
    state.key_cache = KeyCache(limits.key_cache_seconds, clock=clock)
    lookups: list[str] = []
    authenticate = state.keys.authenticate

    def counting(presented: str) -> Any:
        lookups.append(presented)
        return authenticate(presented)

    state.keys.authenticate = counting
    with TestClient(app) as client:
        yield client, clock, lookups


def test_a_busy_key_is_looked_up_once_per_ttl(
    cached: tuple[TestClient, Clock, list[str]], keys: Keys
) -> None:
    client, clock, lookups = cached
    for _ in range(5):
        assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200
    assert lookups == [keys.screener]
    clock.now += 2.5
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200
    assert lookups == [keys.screener, keys.screener]


def test_a_wrong_key_is_looked_up_and_refused_every_time(
    cached: tuple[TestClient, Clock, list[str]],
) -> None:
    client, _clock, lookups = cached
    wrong = {"X-API-Key": "psk_00000000_nope"}
    assert client.get("/v1/whoami", headers=wrong).status_code == 401
    assert client.get("/v1/whoami", headers=wrong).status_code == 401
    assert len(lookups) == 2


def test_a_key_revoked_elsewhere_is_refused_once_its_entry_expires(
    cached: tuple[TestClient, Clock, list[str]], keys: Keys
) -> None:
    client, clock, _lookups = cached
    me = client.get("/v1/whoami", headers=keys.header("screener")).json()
    keys.store.revoke(me["id"])  # as `prosper keys revoke` does, from another process
    # trusted until its entry expires (the documented --key-cache window) …
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200
    clock.now += 2.01
    # … then looked up again, and refused
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 401


def test_a_key_revoked_through_this_server_is_refused_at_once(
    cached: tuple[TestClient, Clock, list[str]], keys: Keys
) -> None:
    client, _clock, _lookups = cached
    me = client.get("/v1/whoami", headers=keys.header("screener")).json()
    assert client.delete(f"/v1/keys/{me['id']}", headers=keys.header("admin")).status_code == 200
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 401


def test_a_cached_key_still_needs_its_role(
    cached: tuple[TestClient, Clock, list[str]], keys: Keys
) -> None:
    client, _clock, lookups = cached
    assert client.get("/v1/whoami", headers=keys.header("screener")).status_code == 200
    assert client.get("/v1/keys", headers=keys.header("screener")).status_code == 403
    assert lookups == [keys.screener]
    created = keys.store.create(Role.ADMIN, "second")
    assert client.get("/v1/keys", headers={"X-API-Key": created.secret}).status_code == 200
