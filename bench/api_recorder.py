"""Server-process CPU of ``POST /v1/check``'s decision hand-off and audit write, the thread-pool
path (``CoreBackend.check_body`` in the pool: the worker's future waited for in a pool thread,
the record appended through the group commit from that thread) against the event-loop path
(``CoreBackend.check_body_async``: the future awaited on the loop, the record batched by
:class:`prosper.api.recorder.LoopRecorder`), alternated in one process, without HTTP.

Usage::

    PROSPER_DATA_DIR=DIR .venv/bin/python bench/api_recorder.py \\
        [CHECKS] [ROUNDS] [CLIENTS] [WORKERS]

``DIR`` needs a built index in ``DIR/cache``; a fresh data folder beside it (a copy of the
cache) holds the audit log. Every round runs ``CHECKS`` checks of the examples mix
(``bench/api.py``'s ``check_docs``) with ``CLIENTS`` at once, once per path; prints the server
process's CPU ms per check (``time.process_time``: every thread of this process, not the check
workers) per path and round, the medians and the median of the rounds' ratios.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the rounds; returns the exit code."""
    checks = int(argv[0]) if argv else 400
    rounds = int(argv[1]) if len(argv) > 1 else 5
    clients = int(argv[2]) if len(argv) > 2 else 50
    workers = int(argv[3]) if len(argv) > 3 else 2
    source = Path(os.environ["PROSPER_DATA_DIR"]) / "cache"
    data = Path(tempfile.mkdtemp(prefix="prosper-bench-recorder-"))
    shutil.copytree(source, data / "cache")
    os.environ.update(PROSPER_DATA_DIR=str(data), PROSPER_LISTS_MAX_AGE_DAYS="36500")
    sys.path.insert(0, str(HERE))
    from starlette.concurrency import run_in_threadpool

    import api
    from prosper.api.backend import CoreBackend
    from prosper.audit import AuditLog
    from prosper.settings import load_settings

    settings = load_settings()
    backend = CoreBackend(settings, check_workers=workers)
    backend.warm()
    bodies = [json.dumps(d).encode() for d in api.check_docs()]

    async def one(path: str, i: int) -> None:
        raw = bodies[i % len(bodies)]
        kw = {"mode": "enforced", "as_of": None, "actor": "bench"}
        if path == "pool":
            await run_in_threadpool(backend.check_body, raw, "application/json", **kw)
        else:
            await backend.check_body_async(raw, "application/json", **kw)

    async def run(path: str, n: int) -> float:
        queue = iter(range(n))

        async def client() -> None:
            for i in queue:
                await one(path, i)

        before = time.process_time()
        await asyncio.gather(*(client() for _ in range(clients)))
        return (time.process_time() - before) * 1000 / n

    async def rounds_() -> dict[str, list[float]]:
        await run("pool", 2 * len(bodies))  # warm-up: both paths, the workers' memos
        await run("loop", 2 * len(bodies))
        out: dict[str, list[float]] = {"pool": [], "loop": []}
        for r in range(rounds):
            for path in ("pool", "loop") if r % 2 == 0 else ("loop", "pool"):
                ms = await run(path, checks)
                out[path].append(ms)
                print(f"round {r} {path}: {ms:.3f} ms/check", flush=True)
        return out

    try:
        figures = asyncio.run(rounds_())
        with AuditLog.from_settings(settings) as log:
            report = log.verify()
        print(f"audit verify ok={report.ok} checked={report.checked}")
    finally:
        backend.close()
        shutil.rmtree(data, ignore_errors=True)
    pool, loop = figures["pool"], figures["loop"]
    ratios = [b / a for a, b in zip(pool, loop, strict=True)]
    print(
        f"median pool {statistics.median(pool):.3f} loop {statistics.median(loop):.3f} ms/check "
        f"(x{statistics.median(loop) / statistics.median(pool):.3f}; median of the rounds' ratios "
        f"x{statistics.median(ratios):.3f}) load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
