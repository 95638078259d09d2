"""`prosper screen NAME`, `prosper check FILE` and the help pages run within
`prosper.cli.oneshot.one_shot_collector` (the collector's first threshold raised while they run,
what is alive frozen at exit): the caller's settings are given back, also on failure, the exit
hook is registered once, and the output is the same. The other commands keep the collector."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from prosper import cli
from prosper.cli import oneshot, screen_name


def _raised() -> bool:
    return gc.get_threshold()[0] == oneshot.ONE_SHOT_GC_THRESHOLD


def test_the_collector_is_given_back_after_a_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def screen(*args: object, **kwargs: object) -> None:
        seen.append(_raised())

    monkeypatch.setattr(screen_name, "screen_name", screen)
    monkeypatch.setattr(sys, "argv", ["prosper", "screen", "Kim Jong Un", "--json"])
    before = gc.get_threshold()
    cli.main()
    cli.main()
    assert seen == [True, True]  # raised while the screen ran
    assert gc.get_threshold() == before
    assert oneshot._FREEZE_AT_EXIT == [True]  # one exit hook, however many runs


def test_the_collector_is_given_back_when_the_screen_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(screen_name, "screen_name", broken)
    monkeypatch.setattr(sys, "argv", ["prosper", "screen", "Kim Jong Un", "--json"])
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        cli.main()
    assert gc.get_threshold() == before


def test_check_runs_within_the_one_shot_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    import prosper.cli.lean as lean

    def check(args: list[str]) -> int:
        seen.append(_raised())
        return 0

    monkeypatch.setattr(lean, "check_argv", check)
    monkeypatch.setattr(sys, "argv", ["prosper", "check", "x.yaml"])
    cli.main()
    assert seen == [True]
    assert not _raised()


def test_a_screen_process_exits_cleanly_with_the_frozen_heap(tmp_path: Path) -> None:
    """A real process: output flushed, exit code 0, the exit hook ran (gc frozen)."""
    code = """
import atexit, gc, sys
from prosper import cli
import prosper.cli.screen_name as s
s.screen_name = lambda *a, **k: print("screened")
sys.argv = ["prosper", "screen", "Kim Jong Un", "--json"]
atexit.register(lambda: print("frozen", gc.get_freeze_count() > 0))  # runs after cli's hook
cli.main()
"""
    src = str(Path(cli.__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src, "PROSPER_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == ["screened", "frozen True"]


@pytest.mark.parametrize(
    ("argv", "raised"),
    [
        (["--help"], True),
        ([], True),
        (["audit", "recover", "--help"], True),
        (["audit", "verify"], False),
        (["audit", "recover", "--reason", "--help"], False),  # a value, not a help request
    ],
)
def test_help_pages_run_within_the_one_shot_collector(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], raised: bool
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "run_app", lambda: seen.append(_raised()))
    monkeypatch.setattr(sys, "argv", ["prosper", *argv])
    before = gc.get_threshold()
    cli.main()
    assert seen == [raised]
    assert gc.get_threshold() == before
