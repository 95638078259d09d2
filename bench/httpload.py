"""A small HTTP/1.1 load generator on asyncio streams (keep-alive, closed or open loop).

Used by ``bench/api.py``. It speaks just enough HTTP for a local ``prosper serve``
(``Content-Length`` bodies), so that 50 concurrent clients cost the 2-core machine little
CPU next to the server's (an ``httpx`` client per thread costs about as much as the server).

* closed loop (``rate=None``): each connection sends its next request when the previous
  answer arrives; latency is send → answer.
* open loop (``rate`` requests/s over all connections): request ``i`` is due at
  ``start + i / rate``; a connection sends it when due (or as soon as it is free) and its
  latency counts from when it was due, so a stalled server is not hidden by the clients
  waiting for it (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_HEADER_BYTES = 64 * 1024


@dataclass
class LoadResult:
    """Latencies (ms) of the answered requests by status, and the run's wall time."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0
    seconds: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def ok(self) -> int:
        """Requests answered 200."""
        return self.statuses.get(200, 0)


def request_bytes(
    method: str, path: str, body: bytes, headers: dict[str, str] | None = None
) -> bytes:
    """One HTTP/1.1 request with its body."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEADER_BYTES:
        raise ValueError("response headers too large")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding":
            raise ValueError("chunked responses are not supported by this client")
    if length:
        await reader.readexactly(length)
    return status


async def _run(
    port: int,
    make: Callable[[int], bytes],
    connections: int,
    seconds: float,
    rate: float | None,
    max_requests: int | None,
) -> LoadResult:
    result = LoadResult()
    counter = iter(range(max_requests if max_requests is not None else 10**12))
    start = time.perf_counter()
    stop_at = start + seconds

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                i = next(counter, None)
                if i is None:
                    return
                due = start + i / rate if rate else time.perf_counter()
                if due >= stop_at:
                    return
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not rate:
                    due = time.perf_counter()
                try:
                    status = await _exchange(reader, writer, make(i))
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    result.failures += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    result.latencies_ms.append((time.perf_counter() - due) * 1000)
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    result.seconds = time.perf_counter() - start
    return result


def run_load(
    port: int,
    make: Callable[[int], bytes],
    *,
    connections: int,
    seconds: float,
    rate: float | None = None,
    max_requests: int | None = None,
) -> LoadResult:
    """Send requests ``make(0), make(1), …`` over ``connections`` keep-alive connections for
    ``seconds`` (closed loop, or open loop at ``rate`` requests/s); latencies in ms."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = asyncio.run(_run(port, make, connections, seconds, rate, max_requests))
    after = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def percentile(sorted_ms: list[float], q: float) -> float:
    """The ``q`` quantile of an ascending list (nearest rank); NaN when empty."""
    if not sorted_ms:
        return float("nan")
    index = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return sorted_ms[index]


def process_times() -> dict[int, tuple[int, float, float]]:
    """Every live process: pid → (parent pid, user CPU s, system CPU s) (Linux /proc)."""
    from pathlib import Path

    tick = float(_clock_ticks())
    out: dict[int, tuple[int, float, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        rest = text[text.rindex(")") + 2 :].split()
        out[int(stat.parent.name)] = (int(rest[1]), int(rest[11]) / tick, int(rest[12]) / tick)
    return out


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and every live descendant (Linux /proc)."""
    procs = process_times()
    total = 0.0
    for proc, (_, user, system) in procs.items():
        p = proc
        for _ in range(64):  # bounded walk up the tree
            if p == pid:
                total += user + system
                break
            p = procs[p][0] if p in procs else 0
            if p <= 1:
                break
    return total


def _clock_ticks() -> int:
    import os

    return int(os.sysconf("SC_CLK_TCK"))
