"""A fault-injecting HTTP server on 127.0.0.1 serving official list files, and the update
options the reliability tests use (short deadlines, few retries, no waiting).

Every fault is bounded: a hanging or trickling response gives up after :data:`MAX_STALL`
seconds or when the server stops, whichever comes first.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from prosper.lists.download import DownloadLimits
from prosper.lists.guard import UpdatePolicy
from prosper.lists.update import UpdateOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
# longest a hanging or trickling response keeps its connection (seconds)
MAX_STALL = 8.0

# the official file names a no-argument update asks for → a small real-format fixture
OFFICIAL_FIXTURES: dict[str, Path] = {
    "sdn.csv": FIXTURES / "ofac_sdn_new" / "sdn.csv",
    "add.csv": FIXTURES / "ofac_sdn_new" / "add.csv",
    "alt.csv": FIXTURES / "ofac_sdn_new" / "alt.csv",
    "sdn_comments.csv": FIXTURES / "ofac_sdn_new" / "sdn_comments.csv",
    "cons_prim.csv": FIXTURES / "ofac_sdn_new" / "sdn.csv",
    "cons_add.csv": FIXTURES / "ofac_sdn_new" / "add.csv",
    "cons_alt.csv": FIXTURES / "ofac_sdn_new" / "alt.csv",
    "cons_comments.csv": FIXTURES / "ofac_sdn_new" / "sdn_comments.csv",
    "consolidated.xml": FIXTURES / "un_bad_entry.xml",
    "dpl.txt": FIXTURES / "dpl_bad_rows.txt",
    "consolidated.json": FIXTURES / "csl_official_handwritten.json",
    "consolidated.csv": FIXTURES / "csl_bad_rows.csv",
    "xmlFullSanctionsList_1_1.xml": FIXTURES / "eu_fsf_handwritten.xml",
    "regulation8_consolidated.xlsx": FIXTURES / "dfat_consolidated.xlsx",
    "sema-lmes.xml": FIXTURES / "sema-lmes.xml",
}

HTML_ERROR = (
    b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\n"
    b"<body>Please try again later.</body></html>\n"
)


@dataclass
class Route:
    """What the server does for one path (mutable: a test switches faults on and off)."""

    body: bytes
    fault: str = "ok"  # ok | truncate | html200 | 404 | 500 | hang | trickle | bad_digest


class FaultServer:
    """A threaded HTTP server whose routes can misbehave on purpose."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.stop = threading.Event()
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                name = self.path.lstrip("/").split("?")[0]
                server.hits[name] = server.hits.get(name, 0) + 1
                route = server.routes.get(name)
                if route is None or route.fault == "404":
                    self.send_error(404, "Not Found")
                    return
                if route.fault == "500":
                    self.send_error(500, "Internal Server Error")
                    return
                body = HTML_ERROR if route.fault == "html200" else route.body
                if route.fault == "hang":
                    server.stop.wait(MAX_STALL)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                if route.fault == "bad_digest":
                    wrong = hashlib.sha256(body + b"x").hexdigest()
                    self.send_header("X-Note", "digest of other bytes")
                    self.send_header("Digest", "SHA-256=" + _b64(wrong))
                self.end_headers()
                if route.fault == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if route.fault == "trickle":
                    end = time.monotonic() + MAX_STALL
                    for byte in body:
                        if server.stop.is_set() or time.monotonic() > end:
                            break
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve_official(self) -> None:
        """Serve every official file name with its fixture, no faults."""
        for name, path in OFFICIAL_FIXTURES.items():
            self.routes[name] = Route(path.read_bytes())

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _b64(hexdigest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hexdigest)).decode()


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A fault-injecting server on 127.0.0.1 serving the official file set."""
    with FaultServer() as server:
        server.serve_official()
        yield server


def fast_options(base: str | None = None, **flags: bool) -> UpdateOptions:
    """Update options with a short deadline, two attempts and no lock wait."""
    return UpdateOptions(
        policy=UpdatePolicy(**flags),
        limits=DownloadLimits(deadline=1.5, read_timeout=0.5, attempts=2, retry_wait=0.01),
        lock_wait=0.0,
        mirror=base,
    )
