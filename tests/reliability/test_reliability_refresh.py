"""The server's scheduled list refresh: outcomes per source on /healthz, /metrics and
GET /v1/lists; a failing refresh changes nothing and never stops the schedule; the engine is
swapped without making requests wait."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from prosper import service
from prosper.api import CoreBackend, create_app
from prosper.api.refresh import ListRefresher, RefreshLog
from prosper.errors import InputError
from prosper.keys import KeyStore, Role
from prosper.lists.guard import UpdateRefusedError
from prosper.settings import load_settings

SOURCES = ["us_ofac_sdn", "un_sc", "us_csl"]


class RefreshingBackend(CoreBackend):
    """Lists of fixed age; each update returns (or raises) the next scripted outcome."""

    def __init__(self, settings: Any, outcomes: list[Any]) -> None:
        super().__init__(settings)
        self.outcomes = outcomes
        self.calls: list[list[str]] = []

    def warm(self) -> None:
        return None

    def lists(self) -> list[dict[str, Any]]:
        ages = {"us_ofac_sdn": 3, "un_sc": 12, "us_csl": None}
        return [
            {"source": s, "label": s, "published": "2026-12-01", "age_days": ages[s]}
            for s in SOURCES
        ]

    def update_lists(
        self, locations: list[str], flags: dict[str, bool] | None = None
    ) -> dict[str, Any]:
        self.calls.append(list(locations))
        outcome = self.outcomes.pop(0) if self.outcomes else self.outcomes_done()
        if isinstance(outcome, Exception):
            raise outcome
        return dict(outcome)

    def outcomes_done(self) -> dict[str, Any]:
        return {"installed": False, "updated": [], "delta": []}


INSTALLED = {
    "installed": True,
    "updated": ["us_ofac_sdn", "un_sc"],
    "skipped": [],
    "refused": ["us_csl: the new data (unknown, 3 entities) … nothing was installed"],
    "failed": [],
    "delta": [
        {"source": "us_ofac_sdn", "added": 4, "removed": 0, "changed": 1},
        {
            "source": "un_sc",
            "added": 0,
            "removed": 0,
            "changed": 0,
            "old_published": "2026-08-01",
            "new_published": "2026-08-01",
        },
    ],
}


def test_refresh_log_outcomes() -> None:
    log = RefreshLog()
    log.record_result(INSTALLED, SOURCES)
    sdn, un, csl = (log.get(s) for s in SOURCES)
    assert sdn is not None
    assert (sdn.result, sdn.ok) == ("installed", True)
    assert un is not None
    assert un.result == "unchanged"
    assert csl is not None
    assert (csl.result, csl.ok) == ("refused", False)
    assert csl.message.startswith("the new data (unknown")
    log.record_error(
        InputError("us_ofac_sdn: http://x/SDN.CSV: download failed (HTTP 503)"), SOURCES
    )
    failed = log.get("us_ofac_sdn")
    assert failed is not None
    assert failed.result == "failed"
    assert "HTTP 503" in failed.message
    refused = UpdateRefusedError(["un_sc: the new data (2025-01-15, 2 entities) is older …"])
    log.record_error(refused, SOURCES)
    un_after = log.get("un_sc")
    assert un_after is not None
    assert un_after.result == "refused"
    csl_after = log.get("us_csl")
    assert csl_after is not None
    assert csl_after.result == "failed"  # the failure above, not touched by un_sc's refusal


def test_schedule_survives_failures() -> None:
    log = RefreshLog()
    script: list[Any] = [RuntimeError("bug"), InputError("all downloads failed"), INSTALLED]
    done = threading.Event()

    def update() -> dict[str, Any]:
        outcome = script.pop(0)
        if not script:
            done.set()
        if isinstance(outcome, Exception):
            raise outcome
        return dict(outcome)

    refresher = ListRefresher(update, lambda: SOURCES, log, interval=0.05, first_delay=0.0)
    refresher.start()
    try:
        assert done.wait(10)
        deadline = time.monotonic() + 5
        while log.runs < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        refresher.stop()
    assert log.runs >= 3
    last = log.get("us_ofac_sdn")
    assert last is not None
    assert last.result == "installed"


def test_server_shows_ages_and_refresh_outcomes(tmp_path: Path) -> None:
    settings = replace(load_settings({"PROSPER_DATA_DIR": str(tmp_path)}), lists_refresh=0.1)
    backend = RefreshingBackend(settings, [INSTALLED])
    keys = KeyStore.open(settings.db_url)
    admin = {"X-API-Key": keys.create(Role.ADMIN, "test").secret}
    app = create_app(settings, backend=backend, key_store=keys, refresh=True)
    with TestClient(app) as client:
        deadline = time.monotonic() + 10
        while not backend.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert backend.calls[0] == []  # every source from its official URL
        deadline = time.monotonic() + 10
        health: dict[str, Any] = {}
        while time.monotonic() < deadline:
            health = client.get("/healthz").json()
            if any(row["refresh"] for row in health["lists"]):
                break
            time.sleep(0.05)
        rows = {row["source"]: row for row in health["lists"]}
        assert rows["us_ofac_sdn"]["age_days"] == 3
        assert rows["us_ofac_sdn"]["refresh"]["result"] == "installed"
        assert rows["us_csl"]["refresh"]["result"] == "refused"
        listed = client.get("/v1/lists", headers=admin).json()["sources"]
        assert {s["source"]: s["refresh"]["ok"] for s in listed} == {
            "us_ofac_sdn": True,
            "un_sc": True,
            "us_csl": False,
        }
        metrics = client.get("/metrics", headers=admin).text
        assert 'prosper_list_age_days{source="un_sc"} 12.0' in metrics
        assert 'prosper_list_age_days{source="us_csl"} -1.0' in metrics
        assert 'prosper_list_refresh_ok{source="us_csl"} 0.0' in metrics
        assert 'prosper_list_refresh_ok{source="us_ofac_sdn"} 1.0' in metrics
        assert 'prosper_list_refresh_timestamp_seconds{source="un_sc"}' in metrics


def test_update_endpoint_records_refusals(tmp_path: Path) -> None:
    settings = load_settings({"PROSPER_DATA_DIR": str(tmp_path)})
    refusal = UpdateRefusedError(["un_sc: the new data (2025-01-15, 2 entities) is older …"])
    backend = RefreshingBackend(settings, [refusal])
    keys = KeyStore.open(settings.db_url)
    admin = {"X-API-Key": keys.create(Role.ADMIN, "test").secret}
    with TestClient(create_app(settings, backend=backend, key_store=keys)) as client:
        response = client.post(
            "/v1/lists/update", json={"from": ["/x"], "allow_shrink": True}, headers=admin
        )
        assert response.status_code == 422
        assert response.json()["message"].startswith("un_sc: the new data (2025-01-15")
        assert backend.calls == [["/x"]]
        listed = client.get("/v1/lists", headers=admin).json()["sources"]
        un = next(s for s in listed if s["source"] == "un_sc")
        assert un["refresh"]["result"] == "refused"


def test_engine_swap_does_not_block_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings({"PROSPER_DATA_DIR": str(tmp_path)})
    built: list[object] = []
    slow = threading.Event()

    def fake_build(_settings: Any) -> Any:
        engine = object()
        if built:
            slow.set()
            time.sleep(1.0)  # loading lists and index for the new engine
        built.append(engine)
        return engine

    monkeypatch.setattr(service, "build_engine", fake_build)
    service.reset_engines()
    try:
        old = service.get_engine(settings)
        swapper = threading.Thread(target=service.swap_engine, args=(settings,))
        swapper.start()
        assert slow.wait(5)
        started = time.monotonic()
        during = service.get_engine(settings)
        assert time.monotonic() - started < 0.2  # answered at once, by the old engine
        assert during is old
        swapper.join(10)
        assert service.get_engine(settings) is built[-1]
        assert built[-1] is not old
    finally:
        service.reset_engines()
