"""A real `prosper serve` on loopback with a private data folder, and Debian's Chromium.

The server is started as a user would start it (the console script, a key made with
`prosper keys create`). The browser is /usr/bin/chromium driven by Playwright; Playwright
never downloads a browser here. Without Chromium the tests skip, except under CI, where
scripts/bootstrap.sh must have installed it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT_S = 300.0
BIN = Path(sys.executable).parent


@dataclass
class Server:
    """A running server: its URL, data folder, keys and log file."""

    url: str
    data_dir: Path
    env: dict[str, str]
    log: Path
    keys: dict[str, str]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _prosper(*args: str, env: dict[str, str]) -> str:
    exe = shutil.which("prosper", path=str(BIN)) or "prosper"
    done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`prosper serve` on a free loopback port, ready (lists loaded) before the tests start."""
    base = tmp_path_factory.mktemp("e2e")
    data_dir = base / "data"
    env = {**os.environ, "PROSPER_DATA_DIR": str(data_dir)}
    env.pop("PROSPER_DB_URL", None)
    keys = {
        role: _prosper("keys", "create", "--role", role, "--name", f"e2e-{role}", env=env)
        .strip()
        .splitlines()[0]
        for role in ("screener", "reviewer", "admin")
    }
    port = _free_port()
    log = base / "server.log"
    exe = shutil.which("prosper", path=str(BIN)) or "prosper"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--rate-limit", "6000"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"prosper serve exited {proc.returncode}:\n{log.read_text()}")
            try:
                ready = httpx.get(f"{url}/readyz", timeout=2.0)
                if ready.status_code == 200:
                    break
                if ready.json().get("status") == "failed":
                    pytest.fail(f"server failed to load: {ready.text}")
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after {READY_TIMEOUT_S} s:\n{log.read_text()}")
            time.sleep(0.25)
        yield Server(url=url, data_dir=data_dir, env=env, log=log, keys=keys)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, or a skip where there is none (never under CI)."""
    if not CHROMIUM.exists():
        reason = "no /usr/bin/chromium (scripts/bootstrap.sh installs it when run as root)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
