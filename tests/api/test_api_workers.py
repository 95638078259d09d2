"""`POST /v1/check` in worker processes: one audit chain, no stall behind a large check, a
killed worker replaced, and the cap on the names one check may screen (413)."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.cases.helpers import BASE, engine

from prosper import service
from prosper.api import ApiLimits, CoreBackend, create_app
from prosper.api import backend as backend_module
from prosper.audit import AuditLog
from prosper.keys import KeyStore, Role
from prosper.settings import Settings, load_settings

from . import workers_setup
from .conftest import Keys

WAIT_S = 60.0
SMALL = {
    "origin_country": "KR",
    "destination_country": "VN",
    "parties": [
        {"role": "exporter", "name": "Acme Widgets GmbH", "country": "KR"},
        {"role": "end_user", "name": "Example Cloud JSC", "country": "VN"},
    ],
    "items": [{"description": "a card", "kind": "integrated_circuit", "quantity": 1}],
}


def _tx(tx_id: str) -> dict[str, Any]:
    return {**SMALL, "id": tx_id}


@pytest.fixture
def in_parent(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server process gets the small engine, and may not decide a check itself."""
    small = engine(BASE)
    monkeypatch.setattr(service, "get_engine", lambda settings=None: small)

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("a check was decided in the server process")

    monkeypatch.setattr(service, "decide_document", refuse)
    monkeypatch.setattr(backend_module, "parse_body", refuse)  # bodies are read in the workers
    yield
    service.reset_engines()


def _serve(
    settings: Settings, keys: Keys, workers: int, setup: Callable[[], None]
) -> tuple[TestClient, CoreBackend]:
    backend = CoreBackend(settings, check_workers=workers, worker_setup=setup)
    app = create_app(settings, backend=backend, key_store=keys.store)
    client = TestClient(app)
    client.__enter__()
    for _ in range(int(WAIT_S * 10)):  # bounded: until the workers have loaded the engine
        if client.get("/readyz").status_code == 200:
            break
        threading.Event().wait(0.1)
    else:
        client.__exit__(None, None, None)
        raise AssertionError("the server never became ready")
    return client, backend


def _verify(settings: Settings) -> Any:
    with AuditLog.from_settings(settings) as log:
        return log.verify()


def _wait_for(predicate: Callable[[], bool], what: str) -> None:
    for _ in range(int(WAIT_S * 100)):  # bounded
        if predicate():
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.usefixtures("in_parent")
def test_checks_are_decided_in_workers_and_recorded_in_one_chain(
    settings: Settings, keys: Keys
) -> None:
    client, backend = _serve(settings, keys, 2, workers_setup.small_engine)
    try:
        assert backend.pool is not None
        pids = backend.pool.pids()
        assert len(pids) == 2
        assert os.getpid() not in pids
        out: list[int] = []
        lock = threading.Lock()

        def post(i: int) -> None:
            r = client.post("/v1/check", json=_tx(f"PO-{i}"), headers=keys.header("screener"))
            assert r.status_code == 200, r.text
            with lock:
                out.append(r.json()["audit"]["record_id"])

        threads = [threading.Thread(target=post, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S)
        assert sorted(out) == list(range(1, 13))
        report = _verify(settings)
        assert report.ok, report.problems
    finally:
        client.__exit__(None, None, None)
    assert backend.pool is None  # stopped with the app


@pytest.mark.usefixtures("in_parent")
def test_a_large_check_does_not_stall_checks_or_screens(
    settings: Settings, keys: Keys, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    client, _backend = _serve(settings, keys, 2, workers_setup.gated)
    try:
        big: dict[str, Any] = {}

        def post_big() -> None:
            r = client.post("/v1/check", json=_tx(f"BLOCK:{gate}"), headers=keys.header("screener"))
            big["response"] = r

        held = threading.Thread(target=post_big)
        held.start()
        _wait_for(lambda: any(gate.glob("started-*")), "the large check to start")
        # While it holds one worker, small checks go to the other and screens are answered.
        for i in range(5):
            r = client.post("/v1/check", json=_tx(f"S-{i}"), headers=keys.header("screener"))
            assert r.status_code == 200, r.text
            s = client.post("/v1/screen", json={"name": "Acme"}, headers=keys.header("screener"))
            assert s.status_code == 200, s.text
        assert "response" not in big  # still held: the small ones did not wait behind it
        (gate / "go").touch()
        held.join(WAIT_S)
        assert big["response"].status_code == 200, big["response"].text
        assert big["response"].json()["audit"]["record_id"] == 11  # 5 checks + 5 screens first
        report = _verify(settings)
        assert report.ok, report.problems
    finally:
        (gate / "go").touch()
        client.__exit__(None, None, None)


@pytest.mark.usefixtures("in_parent")
def test_a_worker_killed_mid_check_is_replaced_and_the_check_retried(
    settings: Settings, keys: Keys, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    client, backend = _serve(settings, keys, 1, workers_setup.gated)
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
        assert r.json()["audit"]["record_id"] == 1  # the killed attempt recorded nothing
        assert victim not in backend.pool.pids()
        report = _verify(settings)
        assert report.ok, report.problems
        assert report.checked == 1
    finally:
        (gate / "go").touch()
        client.__exit__(None, None, None)


@pytest.mark.usefixtures("in_parent")
def test_a_check_that_kills_two_pools_is_503_and_the_next_one_is_decided(
    settings: Settings, keys: Keys
) -> None:
    client, backend = _serve(settings, keys, 1, workers_setup.gated)
    try:
        r = client.post("/v1/check", json=_tx("CRASH"), headers=keys.header("screener"))
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "worker_error"
        assert backend.pool is not None
        assert backend.pool.replaced == 2  # tried on two pools, not more
        r = client.post("/v1/check", json=_tx("PO-1"), headers=keys.header("screener"))
        assert r.status_code == 200, r.text
        assert r.json()["audit"]["record_id"] == 1
    finally:
        client.__exit__(None, None, None)


@pytest.mark.usefixtures("in_parent")
def test_an_oversized_check_is_read_and_refused_in_a_worker(settings: Settings, keys: Keys) -> None:
    client, _backend = _serve(settings, keys, 1, workers_setup.small_engine)
    try:
        tx = {**SMALL, "parties": [_party(i) for i in range(20_001)]}
        body = json.dumps(tx, separators=(",", ":")).encode()
        head = {**keys.header("screener"), "Content-Type": "application/json"}
        r = client.post("/v1/check", content=body, headers=head)
        assert r.status_code == 413, r.text
        assert r.json()["error"] == "too_many_parties"
        assert "20,001 names" in r.json()["message"]
        r = client.post(
            "/v1/check", content=b"parties: [", headers={**head, "Content-Type": "application/yaml"}
        )
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "body"
    finally:
        client.__exit__(None, None, None)


def test_workers_end_when_their_server_is_killed(settings: Settings, tmp_path: Path) -> None:
    import multiprocessing

    pids_file = tmp_path / "pids"
    server = multiprocessing.get_context("spawn").Process(
        target=workers_setup.pool_until_killed, args=(settings, str(pids_file))
    )
    server.start()  # not daemonic: a daemonic process may not start the pool's processes
    try:
        _wait_for(lambda: pids_file.exists() and bool(pids_file.read_text()), "the pool")
        workers = [int(p) for p in pids_file.read_text().split()]
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)  # no shutdown: the workers must notice by themselves
        server.join(WAIT_S)
        _wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in workers), "workers to end")
    finally:
        if server.is_alive():
            server.kill()
            server.join(WAIT_S)


# ------------------------------------------------------------------ the cap (413)


def _party(i: int) -> dict[str, Any]:
    return {"role": "end_user", "name": f"P{i}", "country": "US"}


def test_twenty_thousand_parties_are_413_naming_the_cap(client: TestClient, keys: Keys) -> None:
    tx = {"origin_country": "KR", "destination_country": "VN"}
    tx["parties"] = [_party(i) for i in range(20_001)]  # type: ignore[assignment]
    body = json.dumps(tx, separators=(",", ":")).encode()
    app = client.app
    big = create_app(
        app.state.prosper.settings,  # type: ignore[attr-defined]
        backend=app.state.prosper.backend,  # type: ignore[attr-defined]
        key_store=keys.store,
        limits=ApiLimits(max_body_bytes=2 << 20, rate_per_minute=6000, burst=1000),
    )
    with TestClient(big) as http:
        r = http.post(
            "/v1/check",
            content=body,
            headers={**keys.header("screener"), "Content-Type": "application/json"},
        )
    assert r.status_code == 413, r.text
    out = r.json()
    assert out["error"] == "too_many_parties"
    assert out["field"] == "parties"
    assert "20,001 names" in out["message"]
    assert "at most 500" in out["message"]
    assert "PROSPER_API_MAX_PARTIES" in out["message"]


def test_the_cap_counts_owners_and_aliases_and_is_a_setting(
    tmp_path: Path, keys: Keys, settings: Settings
) -> None:
    from dataclasses import replace

    capped = replace(settings, api_max_parties=4)
    store = KeyStore.open(capped.db_url)
    key = {"X-API-Key": store.create(Role.SCREENER, "s").secret}
    app = create_app(capped, backend=_FakeCheck(capped), key_store=store)
    owner = {"name": "Holding", "country": "CN", "percent": 60, "aliases": ["H1"]}
    at_cap = {**SMALL, "parties": [{**SMALL["parties"][0], "owners": [owner]}, SMALL["parties"][1]]}
    over = {**at_cap, "parties": [*at_cap["parties"], _party(9)]}
    with TestClient(app) as http:
        r = http.post("/v1/check", json=at_cap, headers=key)
        assert r.status_code == 200, r.text
        r = http.post("/v1/check", json=over, headers=key)
        assert r.status_code == 413, r.text
        assert "5 names" in r.json()["message"]
        assert "at most 4" in r.json()["message"]


class _FakeCheck(CoreBackend):
    def warm(self) -> None:
        return None

    def check(self, raw: dict[str, Any], *, mode: str, as_of: Any, actor: str) -> dict[str, Any]:
        return {"verdict": "allowed", "as_of": "2026-11-27", "mode": mode, "findings": []}


def test_screened_names_counts_the_raw_document() -> None:
    doc = {
        "parties": [
            {"name": "A", "aliases": ["A1", "A2"], "owners": [{"name": "B", "owners": [{}]}]},
            "not a party",
        ],
        "data_transfers": [{"recipient": {"name": "R", "owners": [{"name": "O"}]}}, None],
    }
    assert service.screened_names(doc) == 6  # A + 2 aliases, B, B's owner, R's owner O
    assert service.screened_names(["not", "a", "mapping"]) == 0


def test_worker_and_cap_settings() -> None:
    base = {"PROSPER_DATA_DIR": "/tmp/x"}
    assert load_settings({**base, "PROSPER_CHECK_WORKERS": "0"}).check_workers == 0
    assert load_settings({**base, "PROSPER_CHECK_WORKERS": "3"}).check_workers == 3
    assert 1 <= load_settings(base).check_workers <= 4
    assert load_settings(base).api_max_parties == 500
    assert load_settings({**base, "PROSPER_API_MAX_PARTIES": "50"}).api_max_parties == 50
    with pytest.raises(Exception, match="PROSPER_CHECK_WORKERS"):
        load_settings({**base, "PROSPER_CHECK_WORKERS": "many"})
    with pytest.raises(Exception, match="PROSPER_API_MAX_PARTIES"):
        load_settings({**base, "PROSPER_API_MAX_PARTIES": "0"})


def _stored(settings: Settings) -> list[tuple[str, str, str, str, str]]:
    with AuditLog.from_settings(settings) as log:
        return [
            (r.kind, r.actor, json.dumps(r.input), json.dumps(r.output), json.dumps(r.versions))
            for r in sorted(log.list(limit=100), key=lambda r: r.id)
        ]


def test_worker_texts_record_what_record_check_records(tmp_path: Path) -> None:
    """A check recorded from the worker's texts stores the same values as record_check, and
    the chain verifies; a decision whose texts cannot be made falls back to record_check."""
    from prosper.api.workers import check_texts

    small = engine(BASE)
    doc, output = small_decision(small)
    texts = check_texts(doc, output)
    assert texts is not None
    logs = []
    for name in ("via_record_check", "via_texts"):
        data = tmp_path / name
        settings = Settings(
            data_dir=data, db_url=f"sqlite:///{data / 'a.sqlite3'}", threshold=0.8, actor="t"
        )
        backend = CoreBackend(settings, check_workers=0)
        if name == "via_record_check":
            result = service.record_check(doc, output, settings=settings, actor="key:1:a")
        else:
            backend.pool = FakePool(doc, output, texts)  # type: ignore[assignment]
            result = backend.check_body(b"{}", "application/json", mode="enforced",
                                        as_of=None, actor="key:1:a")  # fmt: skip
            backend.pool = None
        assert result == {**output, "audit": result["audit"]}
        assert _verify(settings).ok
        logs.append(_stored(settings))
        service.reset_engines()
    assert logs[0] == logs[1]
    assert len(logs[0]) == 1
    assert check_texts(doc, {**output, "versions": ["not", "an", "object"]}) is None
    assert check_texts(doc, {k: v for k, v in output.items() if k != "versions"}) is None
    assert check_texts(doc, {**output, "x": float("nan")}) is None


class FakePool:
    """A check pool that hands back a fixed decision and texts."""

    def __init__(self, doc: Any, output: Any, texts: Any) -> None:
        self.answer = (doc, output, texts)

    def decide_body(self, *_a: Any, **_k: Any) -> Any:
        return self.answer


def test_a_decision_without_texts_is_recorded_by_record_check(tmp_path: Path) -> None:
    small = engine(BASE)
    doc, output = small_decision(small)
    data = tmp_path / "d"
    settings = Settings(
        data_dir=data, db_url=f"sqlite:///{data / 'a.sqlite3'}", threshold=0.8, actor="t"
    )
    backend = CoreBackend(settings, check_workers=0)
    backend.pool = FakePool(doc, output, None)  # type: ignore[assignment]
    result = backend.check_body(b"{}", "application/json", mode="enforced", as_of=None,
                                actor="key:1:a")  # fmt: skip
    backend.pool = None
    assert result["audit"]["record_id"] == 1
    assert _verify(settings).ok
    service.reset_engines()


def small_decision(small: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A real decided check (document, decision) on the small engine."""
    from prosper import service as svc

    original = svc.get_engine
    svc.get_engine = lambda settings=None: small  # type: ignore[assignment]
    try:
        settings = Settings(data_dir=Path("/nonexistent"), db_url="sqlite://", threshold=0.8,
                            actor="t")  # fmt: skip
        return svc.decide_document(_tx("PO-T"), settings=settings, mode="enforced", as_of=None)
    finally:
        svc.get_engine = original  # type: ignore[assignment]
