"""The lean ``POST /v1/check`` with check workers: the decision awaited on the event loop and
the record batched by the loop's writer (:mod:`prosper.api.recorder`) — one verified chain, a
worker killed mid-check replaced (the check retried), a check that breaks two pools a 503."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from prosper.api import ApiLimits, CoreBackend, create_app
from prosper.settings import Settings

from . import workers_setup
from .conftest import Keys
from .test_api_workers import WAIT_S, _tx, _verify, _wait_for, in_parent

__all__ = ["in_parent"]  # the fixture: the server process may not decide a check itself


def _serve(settings: Settings, keys: Keys, workers: int) -> tuple[TestClient, CoreBackend]:
    """A served app whose keys stay checked for an hour (every request after the first of a
    key is the lean layer's), with ``workers`` gated check workers."""
    limits = ApiLimits(key_cache_seconds=3600.0)
    backend = CoreBackend(settings, check_workers=workers, worker_setup=workers_setup.gated)
    app = create_app(settings, backend=backend, key_store=keys.store, limits=limits)
    client = TestClient(app)
    client.__enter__()
    for _ in range(int(WAIT_S * 10)):  # bounded: until the workers have loaded the engine
        if client.get("/readyz").status_code == 200:
            break
        threading.Event().wait(0.1)
    else:
        client.__exit__(None, None, None)
        raise AssertionError("the server never became ready")
    r = client.post("/v1/check", json=_tx("PO-0"), headers=keys.header("screener"))
    assert r.status_code == 200, r.text  # through FastAPI: the key is now checked
    return client, backend


@pytest.mark.usefixtures("in_parent")
def test_concurrent_lean_checks_share_batches_on_one_verified_chain(
    settings: Settings, keys: Keys
) -> None:
    client, backend = _serve(settings, keys, 2)
    try:
        out: list[int] = []
        lock = threading.Lock()

        def post(i: int) -> None:
            r = client.post("/v1/check", json=_tx(f"PO-{i}"), headers=keys.header("screener"))
            assert r.status_code == 200, r.text
            with lock:
                out.append(r.json()["audit"]["record_id"])

        threads = [threading.Thread(target=post, args=(i,)) for i in range(1, 17)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S)
        assert sorted(out) == list(range(2, 18))
        assert 1 <= backend.recorder.batches <= 16  # the lean route's records went this way
        report = _verify(settings)
        assert report.ok, report.problems
        assert report.checked == 17
    finally:
        client.__exit__(None, None, None)


@pytest.mark.usefixtures("in_parent")
def test_a_worker_killed_mid_lean_check_is_replaced_and_the_check_retried(
    settings: Settings, keys: Keys, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    client, backend = _serve(settings, keys, 1)
    assert backend.pool is not None
    try:
        (victim,) = backend.pool.pids()
        result: dict[str, Any] = {}

        def post() -> None:
            r = client.post("/v1/check", json=_tx(f"BLOCK:{gate}"), headers=keys.header("screener"))
            result["response"] = r

        held = threading.Thread(target=post)
        held.start()
        _wait_for(lambda: (gate / f"started-{victim}").exists(), "the worker to take the check")
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: backend.pool is not None and backend.pool.replaced == 1, "a new pool")
        (gate / "go").touch()
        held.join(WAIT_S)
        r = result["response"]
        assert r.status_code == 200, r.text
        assert r.json()["audit"]["record_id"] == 2  # the killed attempt recorded nothing
        assert backend.recorder.batches == 1
        report = _verify(settings)
        assert report.ok, report.problems
        assert report.checked == 2
    finally:
        (gate / "go").touch()
        client.__exit__(None, None, None)


@pytest.mark.usefixtures("in_parent")
def test_a_lean_check_that_kills_two_pools_is_503_and_the_next_one_is_decided(
    settings: Settings, keys: Keys
) -> None:
    client, backend = _serve(settings, keys, 1)
    try:
        r = client.post("/v1/check", json=_tx("CRASH"), headers=keys.header("screener"))
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "worker_error"
        assert backend.pool is not None
        assert backend.pool.replaced == 2
        assert backend.recorder.batches == 0  # nothing recorded for it
        r = client.post("/v1/check", json=_tx("PO-1"), headers=keys.header("screener"))
        assert r.status_code == 200, r.text
        assert r.json()["audit"]["record_id"] == 2
        assert backend.recorder.batches == 1
    finally:
        client.__exit__(None, None, None)
