"""Latency of ``POST /v1/screen`` while the server installs a list update (issue 13).

Starts ``prosper serve`` on 127.0.0.1 with a private data folder (scheduled refresh off),
waits until it is ready, times sequential screening requests, then asks for a list update
(``POST /v1/lists/update`` with one small UN file) and keeps timing requests until the update —
download, checks, install and the new engine built beside the old one — has returned::

    .venv/bin/python bench/list_update_latency.py [--requests 100] [--index-cache DIR]
        [--src LABEL=PATH ...]

Prints one table: p50, p99 and max latency before and during the update, and the update's
duration. Nothing leaves the machine. ``--src LABEL=PATH`` (repeatable) runs it once per source
tree (``PYTHONPATH=PATH``), one after the other in one invocation; ``--index-cache`` copies a
built screening-index folder into each fresh data folder (the server then starts in seconds;
the index of the updated lists is built during the update in every case).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
UN_FILE = REPO / "tests" / "fixtures" / "lists" / "un_bad_entry.xml"
NAMES = [
    "Kim Jong Un",
    "Korea Kwangson Banking Corp",
    "Sophgo Technologies",
    "Jane Doe",
    "Ri Won Ho",
]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {_quantile(ms, 0.99):.1f} "
        f"| {max(ms):.1f} |"
    )


def main() -> int:
    """Run the measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="requests before the update")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--index-cache", type=Path, default=None)
    parser.add_argument("--src", action="append", default=[], metavar="LABEL=PATH")
    args = parser.parse_args()
    sources = [s.partition("=") for s in args.src] or [("this", "=", "")]
    print("| server | POST /v1/screen | requests | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    status = 0
    for label, _, path in sources:
        status |= _one(label, path, args)
    return status


def _one(label: str, path: str, args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="prosper-bench-") as tmp:
        if args.index_cache is not None:
            shutil.copytree(args.index_cache, Path(tmp) / "cache")
        env = {**os.environ, "PROSPER_DATA_DIR": tmp, "PROSPER_LISTS_REFRESH": "off"}
        if path:
            env["PYTHONPATH"] = str(Path(path).resolve())
        prosper = [sys.executable, "-m", "prosper"]
        created = subprocess.run(
            [*prosper, "keys", "create", "--role", "admin", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        key = json.loads(created.stdout)["key"]
        server = subprocess.Popen(
            # no rate limit: the bench measures latency, not the limiter
            [
                *prosper,
                "serve",
                "--port",
                str(args.port),
                "--log-level",
                "warning",
                "--rate-limit",
                "1000000",
                "--burst",
                "100000",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            return _measure(label, f"http://127.0.0.1:{args.port}", key, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _measure(label: str, base: str, key: str, count: int) -> int:
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            try:
                if client.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            print("server not ready within 900 s", file=sys.stderr)
            return 1

        def screen(i: int) -> float:
            started = time.perf_counter()
            response = client.post("/v1/screen", json={"name": NAMES[i % len(NAMES)]})
            response.raise_for_status()
            return time.perf_counter() - started

        for i in range(10):  # warm up
            screen(i)
        before = [screen(i) for i in range(count)]
        result: dict[str, object] = {}

        def update() -> None:
            started = time.perf_counter()
            body = {"from": [str(UN_FILE)], "allow_older": True, "allow_shrink": True}
            with httpx.Client(base_url=base, headers=headers, timeout=900) as other:
                response = other.post("/v1/lists/update", json=body)
            result["status"] = response.status_code
            result["seconds"] = time.perf_counter() - started

        worker = threading.Thread(target=update)
        worker.start()
        during: list[float] = []
        i = 0
        while worker.is_alive():
            during.append(screen(i))
            i += 1
        worker.join()
    print(f"| {label} " + _row("before the update", before))
    print(f"| {label} " + _row("during the update", during))
    seconds = float(str(result["seconds"]))
    print(f"| {label} | update: HTTP {result['status']} in {seconds:.1f} s | | | | |", flush=True)
    return 0 if result["status"] == 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
