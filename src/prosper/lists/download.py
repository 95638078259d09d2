"""Downloading official list files: complete, checked, bounded in time, retried.

A download is complete only when

- the server answered ``200`` (redirects followed, at most :data:`MAX_REDIRECTS`);
- the body is as long as its ``Content-Length`` (a connection cut at 2.4 of 3.9 MB fails);
- it matches the checksum the publisher states, where it states one: a ``Digest`` (RFC 3230)
  or ``Repr-Digest`` (RFC 9530) SHA-256 header, ``Content-MD5``, or a sha256 given with the
  URL (``…#sha256=<hex>`` or the ``sha256`` of a configured source);
- it is not an HTML page (an error or login page served with status 200);
- it arrived within the overall deadline of :class:`DownloadLimits` — every read waits at
  most the time left, so a server that trickles one byte a second fails at the deadline
  instead of after hours.

Transient failures (connection errors, timeouts, HTTP 5xx / 429, a body cut short) are
retried with exponential back-off by tenacity while attempts and time remain; others (HTTP
404, an HTML page, a wrong checksum) fail at once. Every failure is an
:class:`~prosper.errors.InputError` naming the URL.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import http.client
import re
import shutil
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    stop_any,
    wait_exponential,
)

from prosper import __version__
from prosper.errors import InputError

Progress = Callable[[str], None]
CHUNK = 1 << 16
# bytes between two progress messages
PROGRESS_STEP = 1 << 20
MAX_REDIRECTS = 5
# the first bytes looked at to tell an HTML page from a list file
_SNIFF = 512
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class DownloadLimits:
    """How long and how often a download may try.

    ``deadline`` bounds one file from the first connection to the last byte, retries
    included (the official SDN is ~4 MB, the EU FSF XML ~25 MB: minutes, not hours).
    """

    deadline: float = 300.0
    read_timeout: float = 60.0
    attempts: int = 3
    retry_wait: float = 2.0
    max_bytes: int = 512 * 1024 * 1024


@dataclass(frozen=True)
class Fetch:
    """One file to download: its URL, the name to save it under, a published checksum."""

    url: str
    name: str | None = None
    sha256: str | None = None


class _TransientError(Exception):
    """A failure worth another attempt (network, 5xx, cut short)."""


class _FinalError(Exception):
    """A failure another attempt would not fix (404, HTML page, wrong checksum)."""


def _quiet(_: str) -> None:
    return None


def split_checksum(url: str) -> Fetch:
    """``url`` with a ``#sha256=<hex>`` fragment split off into :attr:`Fetch.sha256`."""
    base, _, fragment = url.partition("#")
    match = re.fullmatch(r"sha256=([0-9a-fA-F]{64})", fragment)
    return Fetch(base, sha256=None if match is None else match.group(1).lower())


def _file_name(url: str, disposition: str | None) -> str:
    if disposition:
        match = re.search(r'filename="?([^";]+)"?', disposition)
        if match is not None:
            return Path(match.group(1)).name
    return Path(urllib.parse.urlparse(url).path).name


def _b64_hex(value: str) -> str | None:
    try:
        return base64.b64decode(value.strip().strip(":"), validate=True).hex()
    except (binascii.Error, ValueError):
        return None


def published_checksums(headers: http.client.HTTPMessage) -> dict[str, str]:
    """Checksums the server states for the body: ``{"sha256": hex, "md5": hex}``."""
    found: dict[str, str] = {}
    for header in ("Digest", "Repr-Digest", "Content-Digest"):
        for part in (headers.get(header) or "").split(","):
            algo, _, value = part.strip().partition("=")
            if algo.strip().lower() in ("sha-256", "sha256"):
                hexed = _b64_hex(value)
                if hexed is not None:
                    found["sha256"] = hexed
    md5 = headers.get("Content-MD5")
    if md5:
        hexed = _b64_hex(md5)
        if hexed is not None:
            found["md5"] = hexed
    return found


@dataclass
class _Attempt:
    """State of one attempt (mutable, private to :func:`download`)."""

    fetch: Fetch
    folder: Path
    limits: DownloadLimits
    deadline_at: float
    progress: Progress
    last: str | None = None  # the reason of the last failed attempt

    def left(self) -> float:
        return self.deadline_at - time.monotonic()

    def run(self) -> Path:
        url = self.fetch.url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                location = self._get(url)
                if isinstance(location, Path):
                    return location
                url = urllib.parse.urljoin(url, location)
        except _TransientError as exc:
            self.last = str(exc)
            raise
        raise _FinalError(f"more than {MAX_REDIRECTS} redirects")

    def _connect(self, url: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _FinalError(f"not an http(s) URL: {url}")
        timeout = max(0.01, min(self.limits.read_timeout, self.left()))
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return conn, target

    def _get(self, url: str) -> Path | str:
        if self.left() <= 0:
            if self.last is not None:  # say why the attempts so far failed
                raise _FinalError(
                    f"{self.last}; gave up at the deadline of {self.limits.deadline:g} s"
                )
            raise _FinalError(f"no answer within the deadline of {self.limits.deadline:g} s")
        conn, target = self._connect(url)
        try:
            conn.request(
                "GET",
                target,
                headers={"User-Agent": f"prosper/{__version__}", "Accept-Encoding": "identity"},
            )
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise _FinalError(f"HTTP {response.status} without a Location")
                return location
            if response.status != 200:
                reason = f"HTTP {response.status} {response.reason}"
                if response.status >= 500 or response.status in (408, 429):
                    raise _TransientError(reason)
                raise _FinalError(reason)
            return self._save(url, conn, response)
        except TimeoutError:
            if self.left() <= 0:
                raise _FinalError(
                    f"not complete within the deadline of {self.limits.deadline:g} s"
                ) from None
            raise _TransientError(f"no data for {self.limits.read_timeout:g} s") from None
        except (http.client.HTTPException, OSError) as exc:
            raise _TransientError(str(exc) or type(exc).__name__) from None
        finally:
            conn.close()

    def _save(
        self, url: str, conn: http.client.HTTPConnection, response: http.client.HTTPResponse
    ) -> Path:
        name = self.fetch.name or _file_name(url, response.getheader("Content-Disposition"))
        if not name or name in (".", ".."):
            raise _FinalError("cannot tell the file name")
        length_header = response.getheader("Content-Length")
        total = int(length_header) if length_header and length_header.isdigit() else None
        if total is not None and total > self.limits.max_bytes:
            raise _FinalError(f"{total:,} bytes, more than the limit of {self.limits.max_bytes:,}")
        target = self.folder / name
        sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
        done = reported = 0
        head = b""
        with target.open("wb") as out:
            while True:
                left = self.left()
                if left <= 0:
                    raise _FinalError(
                        f"not complete within the deadline of {self.limits.deadline:g} s "
                        f"({done:,} bytes received)"
                    )
                if conn.sock is not None:
                    conn.sock.settimeout(max(0.01, min(self.limits.read_timeout, left)))
                block = response.read1(CHUNK)
                if not block:
                    break
                if len(head) < _SNIFF:
                    head += block[: _SNIFF - len(head)]
                    if _HTML.match(head) and not name.lower().endswith((".html", ".htm")):
                        raise _FinalError("the server sent an HTML page, not the list file")
                out.write(block)
                sha256.update(block)
                md5.update(block)
                done += len(block)
                if done > self.limits.max_bytes:
                    raise _FinalError(f"more than the limit of {self.limits.max_bytes:,} bytes")
                if done - reported >= PROGRESS_STEP:
                    reported = done
                    of = "" if total is None else f" of {total / 1e6:.1f}"
                    self.progress(f"downloading {name}: {done / 1e6:.1f}{of} MB")
        if total is not None and done != total:
            raise _TransientError(f"cut short: {done:,} of {total:,} bytes (Content-Length)")
        if done == 0:
            raise _TransientError("empty body")
        self._check_sums(response, sha256.hexdigest(), md5.hexdigest())
        if (response.getheader("Content-Encoding") or "").lower() in ("gzip", "x-gzip"):
            _gunzip_in_place(target)
        size = f"{done / 1e6:.1f} MB" if total is None else f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
        self.progress(f"downloaded {name} ({size})")
        return target

    def _check_sums(self, response: http.client.HTTPResponse, sha256: str, md5: str) -> None:
        stated = published_checksums(response.headers)
        if self.fetch.sha256 is not None:
            stated["sha256"] = self.fetch.sha256
        got = {"sha256": sha256, "md5": md5}
        for algo, expected in stated.items():
            if got[algo] != expected.lower():
                raise _TransientError(f"{algo} {got[algo][:16]}… does not match the published one")


def _gunzip_in_place(path: Path) -> None:
    raw = path.with_name(path.name + ".gz-encoded")
    path.rename(raw)
    try:
        with gzip.open(raw, "rb") as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    except (OSError, EOFError) as exc:
        raise _FinalError(f"gzip-encoded body is corrupt ({exc})") from None
    finally:
        raw.unlink(missing_ok=True)


def fetch_head(fetch: Fetch, size: int, limits: DownloadLimits | None = None) -> bytes:
    """The first ``size`` bytes of ``fetch.url`` (one attempt, within the deadline).

    Used to read a publication's header — e.g. OFAC's ``SDN.XML`` states its ``Publish_Date``
    in its first few hundred bytes — without downloading the whole file.

    Raises:
        InputError: the URL cannot be fetched.
    """
    limits = limits or DownloadLimits()
    attempt = _Attempt(fetch, Path("."), limits, time.monotonic() + limits.deadline, _quiet)
    url = fetch.url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            conn, target = attempt._connect(url)
            try:
                conn.request("GET", target, headers={"User-Agent": f"prosper/{__version__}"})
                response = conn.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    url = urllib.parse.urljoin(url, response.getheader("Location") or "")
                    continue
                if response.status != 200:
                    raise _FinalError(f"HTTP {response.status} {response.reason}")
                head = b""
                while len(head) < size and attempt.left() > 0:
                    if conn.sock is not None:
                        conn.sock.settimeout(max(0.01, min(limits.read_timeout, attempt.left())))
                    block = response.read1(size - len(head))
                    if not block:
                        break
                    head += block
                return head
            finally:
                conn.close()
        raise _FinalError(f"more than {MAX_REDIRECTS} redirects")
    except (_TransientError, _FinalError, http.client.HTTPException, OSError) as exc:
        raise InputError(f"{fetch.url}: download failed ({exc})") from None


def download(
    fetch: Fetch,
    folder: Path,
    progress: Progress = _quiet,
    limits: DownloadLimits | None = None,
) -> Path:
    """Download ``fetch.url`` into ``folder``; returns the saved file.

    Raises:
        InputError: the file could not be fetched completely within the limits; the message
            names the URL and the last reason.
    """
    limits = limits or DownloadLimits()
    attempt = _Attempt(fetch, folder, limits, time.monotonic() + limits.deadline, progress)

    def before_sleep(state: RetryCallState) -> None:
        outcome = state.outcome
        reason = "" if outcome is None else str(outcome.exception())
        progress(
            f"retrying {fetch.url} (attempt {state.attempt_number + 1} of {limits.attempts}): "
            f"{reason}"
        )

    retrying = Retrying(
        stop=stop_any(stop_after_attempt(limits.attempts), stop_after_delay(limits.deadline)),
        wait=wait_exponential(multiplier=limits.retry_wait, max=30),
        retry=retry_if_exception_type(_TransientError),
        before_sleep=before_sleep,
        sleep=lambda seconds: time.sleep(max(0.0, min(seconds, attempt.left()))),
        reraise=True,
    )
    try:
        return retrying(attempt.run)
    except (_TransientError, _FinalError) as exc:
        raise InputError(f"{fetch.url}: download failed ({exc})") from None
