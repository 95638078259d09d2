"""One list update at a time: an inter-process lock on ``<snapshot_dir>/.update.lock``.

The lock is an advisory ``flock`` on a file that is never deleted. The kernel releases it when
the holder exits for any reason — a ``kill -9`` included — so a crashed update never blocks
the next one. A second update waits up to ``wait`` seconds, then fails with one line.
Everything an update reads (the current snapshot) and writes (the new one, ``CURRENT``) happens
while it holds the lock, so two updates can never interleave.

POSIX only (``fcntl``); Prosper's servers and CI run on Linux.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prosper.errors import ListDataError

LOCK_FILE = ".update.lock"
# how often a waiting update retries the lock (seconds)
POLL = 0.05


class UpdateBusyError(ListDataError):
    """Another list update holds the lock and did not finish within the wait."""

    http_status = 409


@contextmanager
def update_lock(snapshot_dir: Path, wait: float) -> Iterator[None]:
    """Hold the update lock of ``snapshot_dir`` for the ``with`` block.

    Args:
        snapshot_dir: the folder of installed snapshots (created if missing).
        wait: seconds to wait for another update to finish (0: fail at once).

    Raises:
        UpdateBusyError: the lock was not free within ``wait`` seconds.
        ListDataError: the lock file cannot be created.
    """
    try:
        snapshot_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(snapshot_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ListDataError(f"{snapshot_dir}: cannot create the update lock ({exc})") from None
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UpdateBusyError(
                        f"{snapshot_dir}: another list update is running (waited {wait:g} s); "
                        "nothing was changed — try again when it has finished"
                    ) from None
                time.sleep(POLL)
        try:
            # who holds it, for a person looking at a stuck update
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
