"""`prosper screen NAME` turns the cyclic garbage collector off while it runs and freezes what
is alive at exit (`prosper.cli.short_lived_collector`): the caller's collector is given back,
the exit hook is registered once, and the output is the same."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from prosper import cli
from prosper.cli import screen_name


def test_the_collector_is_enabled_again_after_a_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def screen(*args: object, **kwargs: object) -> None:
        seen.append(gc.isenabled())

    monkeypatch.setattr(screen_name, "screen_name", screen)
    monkeypatch.setattr(sys, "argv", ["prosper", "screen", "Kim Jong Un", "--json"])
    assert gc.isenabled()
    cli.main()
    cli.main()
    assert seen == [False, False]  # off while the screen ran
    assert gc.isenabled()
    assert cli._FREEZE_AT_EXIT == [True]  # one exit hook, however many runs


def test_a_disabled_collector_stays_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screen_name, "screen_name", lambda *a, **k: None)
    monkeypatch.setattr(sys, "argv", ["prosper", "screen", "Kim Jong Un", "--json"])
    gc.disable()
    try:
        cli.main()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_enabled_again_when_the_screen_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(screen_name, "screen_name", broken)
    monkeypatch.setattr(sys, "argv", ["prosper", "screen", "Kim Jong Un", "--json"])
    with pytest.raises(RuntimeError):
        cli.main()
    assert gc.isenabled()


def test_check_and_the_typer_path_keep_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "run_app", lambda: None)
    seen: list[bool] = []
    import prosper.cli.lean as lean

    def check(args: list[str]) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(lean, "check_argv", check)
    monkeypatch.setattr(sys, "argv", ["prosper", "check", "x.yaml"])
    cli.main()
    assert seen == [True]


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
    ("argv", "off"),
    [
        (["--help"], True),
        ([], True),
        (["audit", "recover", "--help"], True),
        (["audit", "verify"], False),
        (["audit", "recover", "--reason", "--help"], False),  # a value, not a help request
    ],
)
def test_help_pages_run_with_the_collector_off(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], off: bool
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "run_app", lambda: seen.append(gc.isenabled()))
    monkeypatch.setattr(sys, "argv", ["prosper", *argv])
    cli.main()
    assert seen == [not off]
    assert gc.isenabled()
