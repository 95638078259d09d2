"""Set-up functions run in the check workers the tests spawn (importable by a fresh process).

``small_engine`` gives a worker the small engine of the case tests instead of the embedded
lists. ``gated`` also makes two transaction ids special, so that tests can hold a check in a
worker or kill the worker deciding it: ``id: "BLOCK:<folder>"`` touches ``<folder>/started``
and waits (at most :data:`GATE_WAIT_S`) for ``<folder>/go`` before deciding; ``id: "CRASH"``
ends the worker process at once, as ``kill -9`` would.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from tests.cases.helpers import BASE, engine

GATE_WAIT_S = 60.0


def small_engine() -> None:
    from prosper import service

    small = engine(BASE)
    service.get_engine = lambda settings=None: small  # type: ignore[assignment]


def gated() -> None:
    from prosper import service

    small_engine()
    decide = service.decide_document

    def gate(
        raw: Any, *, settings: Any = None, mode: str = "enforced", as_of: date | None = None
    ) -> Any:
        tx_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        if tx_id == "CRASH":
            os._exit(9)
        if tx_id.startswith("BLOCK:"):
            folder = Path(tx_id.removeprefix("BLOCK:"))
            (folder / f"started-{os.getpid()}").touch()
            deadline = time.monotonic() + GATE_WAIT_S
            while not (folder / "go").exists():  # bounded by the deadline
                if time.monotonic() > deadline:
                    raise TimeoutError("the test never opened the gate")
                time.sleep(0.01)
        return decide(raw, settings=settings, mode=mode, as_of=as_of)

    service.decide_document = gate  # type: ignore[assignment]


def pool_until_killed(settings: Any, pids_file: str) -> None:
    """A stand-in server process: start a one-worker pool, write its pids, wait to be killed."""
    from prosper.api.workers import CheckPool

    pool = CheckPool(settings, 1, setup=small_engine)
    pool.start()
    Path(pids_file).write_text(" ".join(str(p) for p in pool.pids()))
    time.sleep(GATE_WAIT_S)
