"""The anchor file: an append-only witness of the log's head, kept outside the database.

After every append commits, one line is added to the anchor file:

    {"at":"2026-12-06T22:41:07.123456+00:00","hash":"sha256:…","id":17}

so the file remembers every ``(id, hash)`` the log has ever had. ``verify`` and the read paths
compare the database with it: a record the file names must still be there with the same hash
(deleting the newest records and moving the head back is caught), and a signed record the file
does not name was written around Prosper, or the file was cut. The line is written after the
commit: a crash in between leaves a record unwitnessed (reported until ``prosper audit recover``
witnesses it late, on the record: :mod:`prosper.audit.recovery`), never a false witness.

The default file is ``<data dir>/audit.anchor`` for the default SQLite log and
``<data dir>/audit-<12 hex>.anchor`` for any other database URL (a hash of the URL without its
password), so that two logs never share one anchor; ``PROSPER_AUDIT_ANCHOR`` names it instead.
``prosper audit anchor --post`` sends the head to ``PROSPER_AUDIT_ANCHOR_URL`` as well.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from prosper.errors import AuditError, InputError
from prosper.settings import Settings

if TYPE_CHECKING:  # an append (prosper.audit.lite) imports neither
    from prosper.audit.chain import Witness
    from prosper.audit.record import AuditRecord

ANCHOR_FILE_NAME = "audit.anchor"
POST_TIMEOUT_S = 10.0
PAUSE_ENV = "PROSPER_AUDIT_TEST_PAUSE_BEFORE_ANCHOR"
"""A test hook, not a setting: when it names a file, every append writes the ids it just
committed to that file and then sleeps before writing their anchor lines, so that a test can
``kill -9`` the process in exactly the gap ``prosper audit recover`` exists for."""
PAUSE_S = 120.0


def default_db_url(settings: Settings) -> str:
    """The database URL used when ``PROSPER_DB_URL`` is not set."""
    return f"sqlite:///{settings.data_dir / 'audit.sqlite3'}"


def anchor_path(settings: Settings) -> Path:
    """Where the anchor file of ``settings.db_url`` lives."""
    if settings.security.audit_anchor is not None:
        return settings.security.audit_anchor
    if settings.db_url == default_db_url(settings):
        return settings.data_dir / ANCHOR_FILE_NAME
    from sqlalchemy.engine import make_url

    try:
        safe = make_url(settings.db_url).render_as_string(hide_password=True)
    except Exception:  # an invalid URL fails later, where the log is opened
        safe = settings.db_url
    digest = hashlib.sha256(safe.encode("utf-8")).hexdigest()[:12]
    return settings.data_dir / f"audit-{digest}.anchor"


@dataclass(frozen=True)
class AnchorState:
    """What the anchor file says: record id → hash, and any damaged lines."""

    exists: bool
    entries: dict[int, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    last_line: dict[str, Any] | None = None


_TAIL_BYTES = 512
"""How much of the file's end an incremental read compares with what it saw last time."""


@dataclass(frozen=True)
class _Seen:
    """What this process read of an anchor file: its inode, size, last bytes and lines."""

    ino: int
    size: int
    tail: bytes
    lines: int
    state: AnchorState


# path → what this process read last (dict assignment is atomic: threads share it safely)
_SEEN: dict[str, _Seen] = {}


def pause_before_anchor(records: Sequence[AuditRecord]) -> None:
    """The test hook :data:`PAUSE_ENV` (a no-op unless that variable is set)."""
    path = os.environ.get(PAUSE_ENV)
    if not path or not records:
        return
    import time

    Path(path).write_text(" ".join(str(r.id) for r in records), encoding="ascii")
    time.sleep(PAUSE_S)


class AnchorFile:
    """The anchor file at ``path`` (created with its folder on the first append)."""

    def __init__(self, path: Path) -> None:
        """Use the anchor file at ``path``."""
        self.path = path

    def open_for_append(self) -> IO[bytes]:
        """Open the file for appending, before the database transaction, so that a file that
        cannot be written stops the append before anything is committed.

        Raises:
            AuditError: the folder or file cannot be written.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise AuditError(f"cannot write the audit anchor file {self.path}: {exc}") from None
        return os.fdopen(fd, "ab")

    @staticmethod
    def write(handle: IO[bytes], record_id: int, record_hash: str) -> None:
        """Append one witness line (one ``write``: lines of concurrent writers never mix)."""
        AnchorFile.write_many(handle, [(record_id, record_hash)])

    @staticmethod
    def write_many(handle: IO[bytes], records: list[tuple[int, str]]) -> None:
        """Append one witness line per ``(id, hash)``, in one ``write`` and one ``fsync``
        (a batch of records committed in one transaction)."""
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        lines = [
            json.dumps(
                {"at": at, "hash": record_hash, "id": record_id},
                sort_keys=True,
                separators=(",", ":"),
            ).encode("ascii")
            + b"\n"
            for record_id, record_hash in records
        ]
        handle.write(b"".join(lines))
        handle.flush()
        os.fsync(handle.fileno())

    def witness_records(self, handle: IO[bytes], records: Sequence[AuditRecord]) -> None:
        """Witness ``records``, just committed, with :meth:`write_many` on ``handle``.

        Raises:
            AuditError: the file cannot be written (the records are in the log all the same).
        """
        try:
            self.write_many(handle, [(r.id, r.hash) for r in records])
        except OSError as exc:
            ids = f"{records[0].id}" if len(records) == 1 else f"s {records[0].id}-{records[-1].id}"
            raise AuditError(
                f"record{ids} {'was' if len(records) == 1 else 'were'} recorded, but "
                f"the anchor file {self.path} could not be written: {exc}"
            ) from None

    def read(self, *, incremental: bool = False) -> AnchorState:
        """Read every line; a damaged line or a record named with two hashes is a problem.

        ``incremental`` (the read paths of a long-running server): when this process has read
        the file before and its last bytes then are unchanged, parse only what was appended
        since. ``verify`` always reads the whole file.

        Raises:
            AuditError: the file exists but cannot be read.
        """
        key = str(self.path)
        try:
            with self.path.open("rb") as handle:
                info = os.fstat(handle.fileno())
                seen = _SEEN.get(key) if incremental else None
                if seen is not None and seen.ino == info.st_ino and info.st_size >= seen.size:
                    handle.seek(seen.size - len(seen.tail))
                    if handle.read(len(seen.tail)) == seen.tail:
                        return self._extend(seen, handle.read())
                handle.seek(0)
                data = handle.read()
        except FileNotFoundError:
            return AnchorState(exists=False)
        except OSError as exc:
            raise AuditError(f"cannot read the audit anchor file {self.path}: {exc}") from None
        base = _Seen(ino=info.st_ino, size=0, tail=b"", lines=0, state=AnchorState(exists=True))
        return self._extend(base, data)

    def _extend(self, seen: _Seen, data: bytes) -> AnchorState:
        """``seen`` plus the lines in ``data`` (which follows it in the file)."""
        if not data:
            return seen.state
        entries = dict(seen.state.entries)
        problems = list(seen.state.problems)
        last = seen.state.last_line
        last_id, last_raw = (-1 if last is None else int(last["id"])), b""
        lines = data.split(b"\n")
        complete = lines[-1] == b""
        lines.pop()  # the empty piece after the last newline, or a line cut short
        for number, raw in enumerate(lines, start=seen.lines + 1):
            parsed = _parse_line(raw)
            if parsed is None:
                problems.append(f"anchor file line {number} is unreadable (edited or truncated)")
                continue
            record_id, record_hash = parsed
            known = entries.get(record_id)
            if known is not None and known != record_hash:
                problems.append(f"anchor file names two hashes for record {record_id} (edited)")
            entries[record_id] = record_hash
            if record_id >= last_id:
                last_id, last_raw = record_id, raw
        if last_raw:
            last = json.loads(last_raw)
        state = AnchorState(exists=True, entries=entries, problems=tuple(problems), last_line=last)
        if not complete:
            cut = f"anchor file line {seen.lines + len(lines) + 1} is cut short (truncated)"
            return AnchorState(True, entries, (*problems, cut), last)
        size = seen.size + len(data)
        tail = (seen.tail + data)[-_TAIL_BYTES:]
        _SEEN[str(self.path)] = _Seen(seen.ino, size, tail, seen.lines + len(lines), state)
        return state

    def witness(self, key: Any, *, incremental: bool = False) -> Witness:
        """The :class:`Witness` of this anchor file and ``key``."""
        from prosper.audit.chain import Witness

        state = self.read(incremental=incremental)
        return Witness(
            key=key, anchored=state.entries, anchor_in_use=True, anchor_problems=state.problems
        )


# The line :meth:`AnchorFile.write` writes; anything else is read with the JSON parser.
_LINE = re.compile(
    rb'\{"at":"[^"\\]{1,40}","hash":"(sha256:[0-9a-f]{64})","id":([1-9][0-9]{0,17})\}'
)


def _parse_line(raw: bytes) -> tuple[int, str] | None:
    """``(id, hash)`` of one anchor line, or None when it is not one."""
    match = _LINE.fullmatch(raw)
    if match is not None:
        return int(match.group(2)), match.group(1).decode("ascii")
    try:
        doc = json.loads(raw)
        record_id, record_hash = doc["id"], doc["hash"]
    except (ValueError, TypeError, KeyError):
        return None
    if type(record_id) is not int or not isinstance(record_hash, str):
        return None
    return record_id, record_hash


def post_anchor(url: str, document: dict[str, Any]) -> int:
    """POST ``document`` as JSON to ``url`` (``PROSPER_AUDIT_ANCHOR_URL``); the HTTP status.

    Raises:
        InputError: not an http(s) URL.
        AuditError: the server cannot be reached or answers other than 2xx.
    """
    if not url.startswith(("http://", "https://")):
        raise InputError("must be an http:// or https:// URL", field="PROSPER_AUDIT_ANCHOR_URL")
    # imported here: urllib.request (http.client, ssl) costs ~0.02 s of CPU at the start of
    # every command that writes an audit record, and only an anchor post uses it
    import urllib.error
    import urllib.request

    body = json.dumps(document, sort_keys=True).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=POST_TIMEOUT_S) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise AuditError(f"posting the anchor to {url} failed: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AuditError(f"posting the anchor to {url} failed: {reason}") from None
    return status
