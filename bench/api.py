"""Throughput and latency of ``prosper serve`` for ``POST /v1/screen`` and ``POST /v1/check``.

Usage::

    .venv/bin/python bench/api.py [--clients 8] [--screen-requests 2000]
        [--check-requests 400] [--max-seconds 30] [--out bench/results/api.json]

Starts ``prosper serve`` on a free loopback port with a private data folder (a fresh audit
log) and a high rate limit, creates a screener key, waits for ``/readyz``, then for each
endpoint sends a bounded number of requests (and stops at ``--max-seconds`` whatever the
count) from ``--clients`` threads, each with its own keep-alive ``httpx`` client. Screening
queries rotate over Latin and Hangul names, listed and unlisted; checks post
``examples/kr_to_vn_rngd.yaml`` (so every check also appends to the audit log). Prints a
table (requests/s, p50/p90/p99/max latency) and writes JSON.

The load generator runs on the same 2-core machine as the server (one uvicorn process, one
event loop plus its thread pool), so the numbers are a floor for a dedicated server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "kr_to_vn_rngd.yaml"
NAMES = [
    "Korea Kwangson Banking Corp",
    "김정은",
    "Samsung Electronics Co Ltd",
    "Rosneft Oil Company",
    "Huawei Technologies Co., Ltd.",
    "Jane Q. Public",
    "조선무역은행",
    "Mahan Air",
]


@dataclass
class Result:
    """What one endpoint's run measured."""

    endpoint: str
    clients: int
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    index = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return sorted_ms[index]


def run_load(
    url: str,
    key: str,
    name: str,
    send: Callable[[httpx.Client, int], httpx.Response],
    *,
    clients: int,
    total: int,
    max_seconds: float,
) -> Result:
    """Send ``total`` requests from ``clients`` threads (stopping at ``max_seconds``)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + max_seconds
    barrier = threading.Barrier(clients + 1)

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as http:
            barrier.wait()
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                start = time.perf_counter()
                response = send(http, i)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code == 200:
                    mine.append(elapsed)
                else:
                    bad += 1
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    latencies.sort()
    done = len(latencies)
    return Result(
        endpoint=name,
        clients=clients,
        requests=done,
        errors=errors,
        seconds=round(seconds, 2),
        requests_per_second=round(done / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(statistics.median(latencies), 2) if latencies else float("nan"),
        p90_ms=round(_percentile(latencies, 0.90), 2),
        p99_ms=round(_percentile(latencies, 0.99), 2),
        max_ms=round(latencies[-1], 2) if latencies else float("nan"),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--screen-requests", type=int, default=2000)
    parser.add_argument("--check-requests", type=int, default=400)
    parser.add_argument("--max-seconds", type=float, default=30.0, help="per endpoint")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "api.json")
    args = parser.parse_args(argv)

    from prosper.keys import KeyStore, Role

    data_dir = Path(tempfile.mkdtemp(prefix="prosper-bench-api-"))
    env = {**os.environ, "PROSPER_DATA_DIR": str(data_dir)}
    env.pop("PROSPER_DB_URL", None)
    key = KeyStore.open(f"sqlite:///{data_dir / 'audit.sqlite3'}").create(Role.SCREENER, "bench")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    exe = shutil.which("prosper", path=str(Path(sys.executable).parent)) or "prosper"
    command = [exe, "serve", "--port", str(port), "--log-level", "warning"]
    command += ["--rate-limit", "1e9", "--burst", "1000000000"]
    server = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                print("server did not become ready", file=sys.stderr)
                return 1
            time.sleep(0.2)

        check_body = EXAMPLE.read_bytes()
        yaml_type = {"Content-Type": "application/yaml"}

        def screen(http: httpx.Client, i: int) -> httpx.Response:
            return http.post("/v1/screen", json={"name": NAMES[i % len(NAMES)], "limit": 10})

        def check(http: httpx.Client, _i: int) -> httpx.Response:
            return http.post("/v1/check", content=check_body, headers=yaml_type)

        results = []
        for name, send, total in (
            ("POST /v1/screen", screen, args.screen_requests),
            ("POST /v1/check", check, args.check_requests),
        ):
            warm = run_load(
                url, key.secret, name, send, clients=1, total=args.warmup, max_seconds=60
            )
            if warm.errors:
                print(f"{name}: {warm.errors} errors during warm-up", file=sys.stderr)
                return 1
            results.append(
                run_load(
                    url,
                    key.secret,
                    name,
                    send,
                    clients=args.clients,
                    total=total,
                    max_seconds=args.max_seconds,
                )
            )
        verify = httpx.post(
            f"{url}/v1/audit/verify",
            headers={
                "X-API-Key": KeyStore.open(f"sqlite:///{data_dir / 'audit.sqlite3'}")
                .create(Role.REVIEWER, "bench-verify")
                .secret
            },
            timeout=120,
        ).json()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

    header = f"{'endpoint':<18}{'clients':>8}{'requests':>10}{'errors':>8}{'req/s':>9}"
    header += f"{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(header)
    for r in results:
        print(
            f"{r.endpoint:<18}{r.clients:>8}{r.requests:>10}{r.errors:>8}"
            f"{r.requests_per_second:>9.1f}{r.p50_ms:>9.1f}{r.p90_ms:>9.1f}"
            f"{r.p99_ms:>9.1f}{r.max_ms:>9.1f}"
        )
    print(f"audit chain after the run: ok={verify.get('ok')} records={verify.get('checked')}")
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_after": os.getloadavg(),
        },
        "params": {k: str(v) for k, v in vars(args).items()},
        "results": [asdict(r) for r in results],
        "audit_verify": {"ok": verify.get("ok"), "checked": verify.get("checked")},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
