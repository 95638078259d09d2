"""Per-request thread hops: the trivial providers run on the event loop, not in a thread.

FastAPI runs every plain ``def`` dependency in its thread pool; on a busy server each hop is a
thread hand-off under the GIL (issue 16, deliver 6). ``get_state``, ``get_backend`` and
``get_settings`` only read the app's state, so they are ``async def``; the screening itself
still runs in the pool (it holds the CPU), and so does the key's lookup in the table — but only
for a key not checked a moment ago (:class:`prosper.api.keycache.KeyCache`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")

import fastapi.dependencies.utils as dependency_utils
import fastapi.routing as routing
from fastapi.testclient import TestClient
from tests.api.conftest import LISTED, FakeBackend, Keys

import prosper.api.auth as auth_module
import prosper.api.backend as backend_module
import prosper.api.lean as lean_module
import prosper.api.routers.documents as documents_router
import prosper.api.routers.screen as screen_router
from prosper.api import ApiLimits, create_app
from prosper.api.deps import get_backend, get_settings, get_state
from prosper.settings import Settings


@pytest.fixture
def client(settings: Settings, keys: Keys, limits: ApiLimits) -> Iterator[TestClient]:
    """The tests' app with keys trusted for an hour: the second request must find its key
    checked however long a loaded machine takes between the two (the default is 2 s)."""
    limits = ApiLimits(
        max_body_bytes=limits.max_body_bytes,
        max_batch=limits.max_batch,
        rate_per_minute=limits.rate_per_minute,
        burst=limits.burst,
        key_cache_seconds=3600.0,
    )
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    with TestClient(app) as test_client:
        yield test_client


def test_trivial_providers_are_coroutines() -> None:
    for provider in (get_state, get_backend, get_settings):
        assert inspect.iscoroutinefunction(provider), provider.__name__


def _count_hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    modules = (
        dependency_utils,
        routing,
        screen_router,
        documents_router,
        auth_module,
        lean_module,
        backend_module,
    )
    for module in modules:
        original = module.run_in_threadpool

        async def counting(func: Any, *args: Any, _orig: Any = original, **kw: Any) -> Any:
            calls.append(getattr(func, "__name__", repr(func)))
            return await _orig(func, *args, **kw)

        monkeypatch.setattr(module, "run_in_threadpool", counting)
    return calls


def test_screen_takes_two_thread_hops(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_hops(monkeypatch)
    r = client.post("/v1/screen", json={"name": LISTED}, headers=keys.header("screener"))
    assert r.status_code == 200, r.text
    assert r.json()["hits"][0]["name"] == LISTED
    # the key's lookup (database) and the screening with its audit write; no hop for a
    # provider, for the key check itself or for the response's validation
    assert sorted(calls) == ["_lookup", "screen_and_record"], calls
    calls.clear()
    r = client.post("/v1/screen", json={"name": LISTED}, headers=keys.header("screener"))
    assert r.status_code == 200, r.text
    # the key was checked a moment ago: the lean route screens (and serialises the record) in
    # the pool; the record is appended by the event loop's writer (prosper.api.recorder)
    assert calls == ["_screen_prepared"], calls


def test_unknown_key_is_still_refused(client: TestClient) -> None:
    r = client.post("/v1/screen", json={"name": LISTED}, headers={"X-API-Key": "pk_nope.x"})
    assert r.status_code == 401


def test_check_takes_two_thread_hops(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.conftest import TX

    calls = _count_hops(monkeypatch)
    r = client.post("/v1/check", json=TX, headers=keys.header("screener"))
    assert r.status_code == 200, r.text
    assert r.json()["audit"]["record_id"] >= 1
    # the key's lookup and the decision with its audit write (the body read in that thread too)
    assert sorted(calls) == ["_lookup", "check_body"], calls
    calls.clear()
    r = client.post("/v1/check", json=TX, headers=keys.header("screener"))
    assert r.status_code == 200, r.text
    assert calls == ["check_body"], calls


def test_dry_run_screen_still_says_so(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/screen?dry_run=true", json={"name": LISTED}, headers=keys.header("screener")
    )
    assert r.status_code == 200
    assert r.headers["X-Prosper-Dry-Run"] == "true"
    assert "X-Prosper-Audit-Record" not in r.headers
    recorded = client.post("/v1/screen", json={"name": LISTED}, headers=keys.header("screener"))
    assert int(recorded.headers["X-Prosper-Audit-Record"]) >= 1


def test_fastapi_telemetry_is_off(client: TestClient) -> None:
    """FastAPI's own OpenTelemetry hook is off where it exists (it asked for the global
    providers on every request); Prosper's /metrics and access log are its instrumentation."""
    import fastapi

    app: Any = client.app
    native = getattr(app, "_native_telemetry", None)
    if native is None:
        pytest.skip(f"FastAPI {fastapi.__version__} has no built-in telemetry")
    assert native.enabled() is False
    r = client.get("/healthz")
    assert r.status_code == 200
