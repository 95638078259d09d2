"""`prosper lists update` as separate processes: concurrent updates, a second one waiting or
refusing cleanly, and ``kill -9`` in the middle of an update (issue 13)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.reliability.conftest import FIXTURES, FaultServer, fast_options

from prosper.lists import load_snapshot
from prosper.lists.lock import update_lock
from prosper.lists.snapshot import CURRENT, SNAPSHOTS, current_snapshot_path, load_snapshot_dir
from prosper.lists.update import update_snapshot

FLAGS = ("--allow-older", "--allow-shrink")  # small fixtures over the larger embedded default
# longest any one subprocess may run (seconds)
BOUND = 120


def _cli(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PROSPER_DATA_DIR": str(data_dir), "PROSPER_LISTS_DEADLINE": "60"}
    return subprocess.Popen(
        [sys.executable, "-m", "prosper", "lists", "update", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, err


def _consistent(snapshot_dir: Path) -> str:
    """The published date of un_sc in the current snapshot, after checking every data file
    against the manifest (a fresh load, not the in-process cache)."""
    path = current_snapshot_path(snapshot_dir)
    assert path is not None
    (path / "manifest.json").touch()  # a new mtime: loaded and checked again
    un = load_snapshot_dir(path).source("un_sc")
    assert un is not None
    return un.published


def test_two_concurrent_updates_both_succeed(data_dir: Path) -> None:
    """Two updates at the same moment, each waiting for the other: both exit 0, one after the
    other, and the snapshot matches its manifest (twice: 4 of 4 correct)."""
    snapshot_dir = data_dir / "lists"
    newer, older = FIXTURES / "un_bad_entry.xml", FIXTURES / "un_older.xml"
    for _ in range(2):
        procs = [_cli(data_dir, "--from", str(f), *FLAGS, "--wait", "90") for f in (newer, older)]
        results = [_finish(p) for p in procs]
        assert [code for code, _ in results] == [0, 0], results
        assert _consistent(snapshot_dir) in ("2026-03-01", "2025-01-15")
    assert not [p for p in (snapshot_dir / SNAPSHOTS).iterdir() if p.name.startswith(".tmp-")]


def test_second_update_refuses_cleanly_or_waits(data_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    with update_lock(snapshot_dir, wait=0):
        busy = _cli(data_dir, "--from", str(FIXTURES / "un_bad_entry.xml"), *FLAGS, "--wait", "0")
        code, err = _finish(busy)
        assert code == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("error: ")
        assert "another list update is running" in lines[0]
        assert "Traceback" not in err
        waiting = _cli(data_dir, "--from", str(FIXTURES / "un_bad_entry.xml"), *FLAGS)
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting for the lock
    code, err = _finish(waiting)
    assert code == 0, err
    assert _consistent(snapshot_dir) == "2026-03-01"


def test_kill_9_mid_update_keeps_the_last_good_snapshot(
    data_dir: Path, fault_server: FaultServer
) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(
        snapshot_dir,
        [str(FIXTURES / "un_bad_entry.xml")],
        options=fast_options(allow_older=True, allow_shrink=True),
    )
    pointer = (snapshot_dir / CURRENT).read_text()
    fault_server.routes["consolidated.xml"].fault = "trickle"
    proc = _cli(data_dir, "--from", f"{fault_server.base}/consolidated.xml", *FLAGS)
    deadline = time.monotonic() + 60
    work: list[Path] = []
    while not work and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        work = [p for p in snapshot_dir.iterdir() if p.name.startswith(".tmp-download-")]
    assert work, "the update never started downloading"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=BOUND)
    assert proc.returncode == -signal.SIGKILL
    assert (snapshot_dir / CURRENT).read_text() == pointer
    assert current_snapshot_path(snapshot_dir) == good.path
    assert _consistent(snapshot_dir) == "2026-03-01"
    assert work[0].exists()  # left behind by the killed process …
    fault_server.routes["consolidated.xml"].fault = "ok"
    messages: list[str] = []
    update_snapshot(  # … and the next update gets the lock at once and removes it
        snapshot_dir,
        [str(FIXTURES / "un_older.xml")],
        messages.append,
        options=fast_options(allow_older=True),
    )
    assert "removed 1 temporary folder(s) of an interrupted update" in messages
    assert not work[0].exists()
    assert load_snapshot(snapshot_dir).source("un_sc") is not None
