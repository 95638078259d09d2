"""``prosper serve`` under load: screens and checks at 50 clients, CPU per request, and a large
check alongside small requests — for one or several source trees side by side in one run.

Usage::

    .venv/bin/python bench/api.py [--src base=/path/to/old/src --src branch=src]
        [--index-cache DIR] [--clients 50] [--seconds 15] [--screen-rates 20,50]
        [--check-rates 20,50] [--large-parties 500] [--unique-parties] [--out FILE]

Each ``--src LABEL=PATH`` is served by its own ``python -m prosper serve`` (``PYTHONPATH=PATH``)
on a free loopback port, with a private data folder (a fresh audit log; ``--index-cache``
copies a built screening-index folder in, so no server spends a minute building it), list
refresh off and a rate limit of 10^9. All servers run at once and every scenario is run on
each in turn, so a neighbour's load on the shared machine hits all of them alike:

* ``screen closed``: ``--clients`` connections, each sending its next ``POST /v1/screen``
  when answered (names rotate over ``NAMES``, listed and not, Latin and Hangul);
* ``screen @R/s``: open loop, R requests/s spread over ``--clients`` connections, latency
  counted from when each request was due (a stall is not hidden);
* ``check closed`` / ``check @R/s``: the same for ``POST /v1/check`` over the examples mix
  (``examples/export_*.yaml``, ``transfer_*.yaml``), each recorded in the audit log;
  ``--unique-parties`` suffixes every party name (and every screened name) with the request
  number, so that no name was screened before (no help from a memo of recent screenings);
* ``large``: one check with ``--large-parties`` parties (distinct names) posted while screens
  and small checks go on at 10/s each; their latency during it, and its own time;
* ``20,001 parties``: the status and time of a check with 20,001 parties, and the screens'
  latency meanwhile.

CPU per request is the server's process tree (server and check workers) user+system CPU
over the scenario divided by the requests answered; the load generator's own CPU is shown
too (it shares the 2 cores). The audit chain of every server is verified at the end.
Prints one table and writes JSON (default ``bench/results/api.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from httpload import LoadResult, percentile, request_bytes, run_load, tree_cpu_seconds

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
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
READY_S = 600.0


@dataclass
class Server:
    """One running ``prosper serve`` of one source tree."""

    label: str
    src: Path
    port: int
    data: Path
    process: subprocess.Popen[bytes]
    key: str = ""
    reviewer: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(label: str, src: Path, cache: Path | None, *, args: tuple[str, ...] = ()) -> Server:
    """Start ``prosper serve`` from ``src`` with a fresh data folder.

    ``src`` may name several folders joined by ``os.pathsep`` (``NEW/src:/tmp/extras``: a tree
    and packages installed beside it for the run); ``args`` are more ``prosper serve`` options.
    """
    data = Path(tempfile.mkdtemp(prefix=f"prosper-bench-api-{label}-"))
    if cache is not None:
        shutil.copytree(cache, data / "cache")
    path = os.pathsep.join(str(Path(p).resolve()) for p in str(src).split(os.pathsep))
    env = {**os.environ, "PYTHONPATH": path, "PROSPER_DATA_DIR": str(data)}
    env.update(PROSPER_LISTS_REFRESH="off", PROSPER_LISTS_MAX_AGE_DAYS="36500")
    env.pop("PROSPER_DB_URL", None)
    port = _free_port()
    command = [sys.executable, "-m", "prosper", "serve", "--port", str(port)]
    command += ["--log-level", "warning", "--rate-limit", "1e9", "--burst", "1000000000"]
    command += ["--max-body", str(2 << 20), *args]
    log = (data / "server.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Server(label, src, port, data, process)


def ready(server: Server) -> None:
    """Wait for ``/readyz`` (bounded), then create a screener and a reviewer key."""
    from prosper.keys import KeyStore, Role

    deadline = time.monotonic() + READY_S
    url = f"http://127.0.0.1:{server.port}/readyz"
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{server.label}: server did not become ready (see {server.data})")
        time.sleep(0.2)
    store = KeyStore.open(f"sqlite:///{server.data / 'audit.sqlite3'}")
    server.key = store.create(Role.SCREENER, "bench").secret
    server.reviewer = store.create(Role.REVIEWER, "bench-verify").secret


def stop(server: Server) -> None:
    """Terminate the server (kill after 10 s) and remove its data folder."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    shutil.rmtree(server.data, ignore_errors=True)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def check_docs() -> list[dict[str, Any]]:
    """The examples mix as JSON-able documents."""
    paths = sorted((REPO / "examples").glob("export_*.yaml"))
    paths += sorted((REPO / "examples").glob("transfer_*.yaml"))
    return [_plain(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in paths]


def large_doc(parties: int, tag: str) -> dict[str, Any]:
    """A check with ``parties`` distinct parties (the first an exporter)."""
    rows = [{"role": "end_user", "name": f"T{tag}{i}", "country": "VN"} for i in range(parties)]
    rows[0]["role"] = "exporter"
    return {"origin_country": "KR", "destination_country": "VN", "parties": rows}


def makers(server: Server, unique: bool) -> dict[str, Any]:
    """Request builders for the scenarios (request number → bytes)."""
    head = {"X-API-Key": server.key, "Content-Type": "application/json"}
    screens = [
        request_bytes("POST", "/v1/screen", json.dumps({"name": n, "limit": 10}).encode(), head)
        for n in NAMES
    ]
    docs = check_docs()
    fixed = [request_bytes("POST", "/v1/check", json.dumps(d).encode(), head) for d in docs]

    def check(i: int) -> bytes:
        if not unique:
            return fixed[i % len(fixed)]
        doc = json.loads(json.dumps(docs[i % len(docs)]))
        for party in doc.get("parties", []):
            party["name"] = f"{party['name']} {i}"
        return request_bytes("POST", "/v1/check", json.dumps(doc).encode(), head)

    def screen(i: int) -> bytes:
        if not unique:
            return screens[i % len(screens)]
        body = json.dumps({"name": f"{NAMES[i % len(NAMES)]} {i}", "limit": 10}).encode()
        return request_bytes("POST", "/v1/screen", body, head)

    get = {"X-API-Key": server.key}
    healthz = request_bytes("GET", "/healthz", b"", {})
    whoami = request_bytes("GET", "/v1/whoami", b"", get)
    return {
        "screen": screen,
        "check": check,
        "healthz": lambda i: healthz,
        "whoami": lambda i: whoami,
        "head": head,
    }


def row(server: Server, name: str, result: LoadResult, cpu_s: float) -> dict[str, Any]:
    """One table row."""
    lat = sorted(result.latencies_ms)
    answered = sum(result.statuses.values())
    return {
        "server": server.label,
        "scenario": name,
        "ok": result.ok,
        "errors": answered - result.ok + result.failures,
        "seconds": round(result.seconds, 2),
        "per_second": round(result.ok / result.seconds, 1) if result.seconds else 0.0,
        "p50_ms": round(percentile(lat, 0.50), 1),
        "p99_ms": round(percentile(lat, 0.99), 1),
        "max_ms": round(lat[-1], 1) if lat else float("nan"),
        "server_cpu_ms_per_req": round(cpu_s * 1000 / result.ok, 2) if result.ok else None,
        "ok_per_cpu_s": round(result.ok / cpu_s, 1) if cpu_s > 0 else None,
        "client_cpu_s": round(result.client_cpu_s, 2),
    }


def measure(server: Server, name: str, make: Any, **load: Any) -> dict[str, Any]:
    """Run one load and return its row (server CPU measured around it)."""
    before = tree_cpu_seconds(server.process.pid)
    result = run_load(server.port, make, **load)
    cpu = tree_cpu_seconds(server.process.pid) - before
    out = row(server, name, result, cpu)
    server.rows.append(out)
    print(_line(out), flush=True)
    return out


def alongside(server: Server, make: dict[str, Any], big: dict[str, Any], name: str) -> None:
    """Screens and small checks at 10/s each while ``big`` is being checked."""
    body = json.dumps(big, separators=(",", ":")).encode()
    done: dict[str, Any] = {}

    def post_big() -> None:
        t = time.perf_counter()
        r = httpx.post(
            f"http://127.0.0.1:{server.port}/v1/check",
            content=body,
            headers=make["head"],
            timeout=600,
        )
        done.update(status=r.status_code, seconds=round(time.perf_counter() - t, 2))

    thread = threading.Thread(target=post_big)
    before = tree_cpu_seconds(server.process.pid)
    thread.start()
    results: dict[str, LoadResult] = {}

    def load(kind: str) -> None:
        results[kind] = run_load(server.port, make[kind], connections=10, seconds=8.0, rate=10.0)

    side = [threading.Thread(target=load, args=(k,)) for k in ("screen", "check")]
    for t in side:
        t.start()
    for t in side:
        t.join()
    thread.join(600)
    cpu = tree_cpu_seconds(server.process.pid) - before
    for kind, result in results.items():
        out = row(server, f"{name}: {kind} @10/s", result, cpu)
        out["large_check"] = dict(done)
        out["server_cpu_ms_per_req"] = None  # the CPU went mostly to the large check
        server.rows.append(out)
        print(_line(out) + f"   large check: {done}", flush=True)


def _line(r: dict[str, Any]) -> str:
    cpu = r["server_cpu_ms_per_req"]
    return (
        f"{r['server']:<8} {r['scenario']:<34} {r['ok']:>6} {r['errors']:>5} "
        f"{r['per_second']:>8.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} "
        f"{'-' if cpu is None else f'{cpu:.2f}':>8} {r['client_cpu_s']:>6.1f}"
    )


HEADER = (
    f"{'server':<8} {'scenario':<34} {'ok':>6} {'err':>5} {'req/s':>8} {'p50 ms':>8} "
    f"{'p99 ms':>8} {'max ms':>8} {'cpu ms':>8} {'cli s':>6}"
)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--src", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument("--index-cache", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario")
    parser.add_argument("--screen-rates", default="20,50")
    parser.add_argument("--check-rates", default="20,50")
    parser.add_argument("--large-parties", type=int, default=500)
    parser.add_argument("--unique-parties", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "api.json")
    args = parser.parse_args(argv)
    # a terminated bench still stops the servers it started (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sources = [s.partition("=") for s in args.src] or [("this", "=", str(REPO / "src"))]
    servers = [start(label, Path(path), args.index_cache) for label, _, path in sources]
    try:
        for server in servers:
            ready(server)
        plans = {s.label: makers(s, args.unique_parties) for s in servers}
        print(HEADER, flush=True)
        for server in servers:  # warm-up, not reported
            run_load(server.port, plans[server.label]["screen"], connections=4, seconds=3)
            run_load(server.port, plans[server.label]["check"], connections=4, seconds=3)
        n, secs = args.clients, args.seconds
        for server in servers:
            measure(server, f"screen closed x{n}", plans[server.label]["screen"],
                    connections=n, seconds=secs)  # fmt: skip
        for rate in [float(r) for r in args.screen_rates.split(",") if r]:
            for server in servers:
                measure(server, f"screen @{rate:g}/s x{n}", plans[server.label]["screen"],
                        connections=n, seconds=secs, rate=rate)  # fmt: skip
        for server in servers:
            measure(server, f"check closed x{n}", plans[server.label]["check"],
                    connections=n, seconds=secs)  # fmt: skip
        for rate in [float(r) for r in args.check_rates.split(",") if r]:
            for server in servers:
                measure(server, f"check @{rate:g}/s x{n}", plans[server.label]["check"],
                        connections=n, seconds=secs, rate=rate)  # fmt: skip
        for server in servers:
            big = large_doc(args.large_parties, server.label)
            alongside(server, plans[server.label], big, f"{args.large_parties} parties")
        for server in servers:
            alongside(server, plans[server.label], large_doc(20_001, ""), "20,001 parties")
        verify = {}
        for server in servers:
            r = httpx.post(
                f"http://127.0.0.1:{server.port}/v1/audit/verify",
                headers={"X-API-Key": server.reviewer},
                timeout=600,
            ).json()
            verify[server.label] = {"ok": r.get("ok"), "checked": r.get("checked")}
            print(f"{server.label}: audit chain ok={r.get('ok')} records={r.get('checked')}")
    finally:
        for server in servers:
            stop(server)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_after": os.getloadavg(),
        },
        "params": {k: str(v) for k, v in vars(args).items()},
        "rows": [r for s in servers for r in s.rows],
        "audit_verify": verify,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return 0 if all(v["ok"] for v in verify.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
