"""The garbage collector's settings around one lean command-line decision
(:func:`prosper.cli.oneshot.one_shot_collector`)."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import pytest

from prosper.cli import oneshot


class _Node:
    """An object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: object = None


def test_the_threshold_is_raised_within_the_block_and_restored_after() -> None:
    before = gc.get_threshold()
    with oneshot.one_shot_collector():
        assert gc.get_threshold() == (oneshot.ONE_SHOT_GC_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before


def test_the_threshold_is_restored_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), oneshot.one_shot_collector():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_what_the_block_allocated_does_not_wait_for_one_pass_after_it() -> None:
    kept: list[list[int]] = []
    with oneshot.one_shot_collector():
        kept.extend([i] for i in range(50_000))  # 50,000 young containers
    # moved to the oldest generation: the next young pass does not walk them all
    assert gc.get_count()[0] < 1_000
    assert gc.get_freeze_count() == 0  # nothing stays frozen in a process that goes on
    assert len(kept) == 50_000


def test_garbage_cycles_are_still_collected_in_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oneshot, "ONE_SHOT_GC_THRESHOLD", 1_000)
    with oneshot.one_shot_collector():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
        held = [[i] for i in range(20_000)]  # net allocations enough for a pass
        assert ref() is None
        assert len(held) == 20_000


def test_the_freeze_at_exit_is_registered_once() -> None:
    with oneshot.one_shot_collector():
        pass
    with oneshot.one_shot_collector():
        pass
    assert oneshot._FREEZE_AT_EXIT == [True]


def test_a_process_exits_with_its_objects_frozen() -> None:
    # an exit handler registered first runs last: it sees what the interpreter's last
    # collection will see
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stdout.write(f'frozen {gc.get_freeze_count() > 0}\\n'))\n"
        "from prosper.cli import oneshot\n"
        "with oneshot.one_shot_collector():\n"
        "    data = [[i] for i in range(1000)]\n"
        "print('frozen now', gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["frozen now False", "frozen True"]


def test_main_runs_a_lean_check_and_screen_within_the_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prosper import cli
    from prosper.cli import lean

    seen: dict[str, int] = {}

    def record(name: str) -> object:
        def run(args: list[str]) -> int:
            seen[name] = gc.get_threshold()[0]
            return 0

        return run

    monkeypatch.setattr(lean, "check_argv", record("check"))
    monkeypatch.setattr(lean, "screen_argv", record("screen"))
    before = gc.get_threshold()
    for command in ("check", "screen"):
        monkeypatch.setattr(sys, "argv", ["prosper", command, "x"])
        cli.main()
    assert seen == {"check": oneshot.ONE_SHOT_GC_THRESHOLD, "screen": oneshot.ONE_SHOT_GC_THRESHOLD}
    assert gc.get_threshold() == before
