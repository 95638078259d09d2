"""The service's helpers for the server: work run aside in a spawned process (bounded, killable),
and the engine swap after a list update building the new index there first."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.cases.helpers import BASE, engine

from prosper import service
from prosper.settings import Settings


def test_run_aside_reports_how_the_process_ended() -> None:
    assert service.run_aside(time.sleep, (0,), timeout=120)
    assert not service.run_aside(sys.exit, (3,), timeout=120)


def test_run_aside_kills_a_process_past_its_timeout() -> None:
    assert not service.run_aside(time.sleep, (600,), timeout=0.5)


def test_run_aside_survives_kill_9_of_its_process() -> None:
    pids: list[int] = []

    def kill(pid: int) -> None:
        pids.append(pid)
        os.kill(pid, signal.SIGKILL)

    assert not service.run_aside(time.sleep, (600,), timeout=120, started=kill)
    assert len(pids) == 1


def test_swap_builds_the_index_aside_first_and_falls_back_when_that_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path, db_url="sqlite://", threshold=0.8, actor="t")
    calls: list[str] = []
    old, new = engine(BASE), engine(BASE, version="v2")

    def aside(_settings: Settings) -> bool:
        calls.append("aside")
        return False  # the separate process failed: build here, as before

    def build(_settings: Settings) -> Any:
        calls.append("build")
        return old if len(calls) == 1 else new

    monkeypatch.setattr(service, "build_index_aside", aside)
    monkeypatch.setattr(service, "build_engine", build)
    try:
        assert service.get_engine(settings) is old
        assert service.swap_engine(settings) is new
        assert calls == ["build", "aside", "build"]
        assert service.get_engine(settings) is new
    finally:
        service.reset_engines()
