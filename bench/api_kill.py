"""Nothing acknowledged is lost: ``prosper serve`` under screens and checks, killed with
``kill -9``, then every acknowledged audit record looked up and the chain verified.

Usage::

    .venv/bin/python bench/api_kill.py --src TREE/src [--seconds 10] [--threads 24]
        [--index-cache DIR]

The server (``bench/api.py``'s ``start``: fresh data folder, the index copied in) is loaded by
``--threads`` clients, each alternating ``POST /v1/check`` (the examples mix) and
``POST /v1/screen``, noting every answered record id (and, for checks, its hash). After
``--seconds`` the server process is killed with SIGKILL. Then: each acknowledged record must be
in the log with the acknowledged hash, and ``prosper audit verify`` must exit 0. Prints the
counts; exit 1 when an acknowledged record is missing or differs, or the chain fails.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

import api


def main(argv: list[str] | None = None) -> int:
    """Run the kill test; returns the exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--index-cache", type=Path, default=None)
    args = parser.parse_args(argv)
    server = api.start("kill", args.src, args.index_cache)
    acked: dict[int, str | None] = {}
    lock = threading.Lock()
    stop = threading.Event()
    try:
        api.ready(server)
        docs = [json.dumps(d).encode() for d in api.check_docs()]
        head = {"X-API-Key": server.key, "Content-Type": "application/json"}
        base = f"http://127.0.0.1:{server.port}"

        def client(n: int) -> None:
            with httpx.Client(base_url=base, headers=head, timeout=30) as http:
                i = n
                while not stop.is_set():
                    i += args.threads
                    try:
                        if i % 2:
                            r = http.post("/v1/check", content=docs[i % len(docs)])
                            if r.status_code == 200:
                                audit = r.json()["audit"]
                                with lock:
                                    acked[int(audit["record_id"])] = str(audit["hash"])
                        else:
                            body = json.dumps({"name": api.NAMES[i % len(api.NAMES)]})
                            r = http.post("/v1/screen", content=body)
                            if r.status_code == 200:
                                with lock:
                                    acked[int(r.headers["X-Prosper-Audit-Record"])] = None
                    except httpx.HTTPError:
                        if stop.is_set():
                            return
                        time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.threads)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        os.kill(server.process.pid, signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(60)
        server.process.wait(timeout=30)
        with lock:
            snapshot = dict(acked)
        return _check(server, args.src, snapshot)
    finally:
        stop.set()
        api.stop(server)


def _check(server: api.Server, src: Path, acked: dict[int, str | None]) -> int:
    """Look every acknowledged record up and verify the chain; the exit code."""
    from prosper.audit import AuditLog
    from prosper.settings import load_settings

    env = {**os.environ, "PYTHONPATH": str(src), "PROSPER_DATA_DIR": str(server.data)}
    env.pop("PROSPER_DB_URL", None)
    settings = load_settings(env)
    missing = differing = 0
    with AuditLog.from_settings(settings) as log:
        stored = {r.id: r.hash for r in log.list(limit=10**9)}
    for record_id, digest in acked.items():
        if record_id not in stored:
            missing += 1
        elif digest is not None and stored[record_id] != digest:
            differing += 1
    verify = subprocess.run(
        [sys.executable, "-m", "prosper", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(
        f"acknowledged {len(acked)}, stored {len(stored)}, acknowledged missing {missing}, "
        f"hash differing {differing}, `prosper audit verify` exit {verify.returncode}: "
        f"{verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr}"
    )
    return 0 if missing == 0 and differing == 0 and verify.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
