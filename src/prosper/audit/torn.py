"""An anchor line cut inside by a crash: what ``prosper audit recover`` may repair.

An append writes its anchor lines (:meth:`prosper.audit.anchor.AnchorFile.write_many`) after
its commit, in one ``write``; a power loss or a ``kill -9`` while the kernel had only part of
that write on disk leaves the file ending in the first bytes of a line, without its newline.
``verify`` reports ``anchor file line N is cut short (truncated)``. :func:`read_torn_line` finds
such a tail and :func:`torn_problem` says whether it is one:

* only the **last** line, only bytes after the file's last newline (a line cut anywhere else,
  or bytes after which something was appended, is damage, not a crash);
* the bytes are the start of a line as :meth:`~prosper.audit.anchor.AnchorFile.write_many`
  writes it (``{"at":"…","hash":"sha256:<64 hex>","id":<n>}``), cut anywhere;
* whatever part of the record's hash (and id, when the line is whole but for its newline) it
  holds is the hash (and id) of a record that no anchor line names: the record whose line was
  being written.

A recovery that repairs it records the cut line (:meth:`TornLine.to_dict`: line number, offset,
the bytes and their SHA-256) in the recovery record's ``input.torn_anchor_line``, commits, then
cuts the file back to the end of its last whole line (:func:`cut_torn_line`) before writing the
late lines: ``verify`` then reads an intact file. Pure except the two file functions.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from prosper.errors import AuditError

_AT = frozenset(range(256)) - {ord('"'), ord("\\"), ord("\n")}
_HEX = frozenset(b"0123456789abcdef")
_DIGITS = frozenset(b"0123456789")
_HASH_PREFIX = "sha256:"
# (literal bytes) or (field name, allowed bytes, fewest, most): the line write_many writes
_TEMPLATE: tuple[bytes | tuple[str, frozenset[int], int, int], ...] = (
    b'{"at":"',
    ("at", _AT, 1, 40),
    b'","hash":"sha256:',
    ("hash", _HEX, 64, 64),
    b'","id":',
    ("id", _DIGITS, 1, 18),
    b"}",
)


@dataclass(frozen=True, slots=True)
class TornLine:
    """The anchor file's last line, cut before its newline."""

    number: int
    """Its line number (1 = the first line of the file)."""
    offset: int
    """Where it starts: the file's size once it is cut off."""
    data: bytes
    """Its bytes (not empty)."""

    def to_dict(self) -> dict[str, Any]:
        """``{"line", "offset", "bytes", "sha256"}`` (``bytes`` as text; escaped if not ASCII)."""
        return {
            "line": self.number,
            "offset": self.offset,
            "bytes": self.data.decode("ascii", errors="backslashreplace"),
            "sha256": hashlib.sha256(self.data).hexdigest(),
        }

    def problem(self) -> str:
        """What ``verify`` says about it (:meth:`prosper.audit.anchor.AnchorFile.read`)."""
        return f"anchor file line {self.number} is cut short (truncated)"


@dataclass(frozen=True, slots=True)
class LinePrefix:
    """What the first bytes of an anchor line hold."""

    hash_hex: str
    """The hex digits of the record's hash present (maybe none, maybe part)."""
    record_id: int | None
    """The record id, only when the line is whole (its closing brace present)."""


def line_prefix(raw: bytes) -> LinePrefix | None:
    """What ``raw`` holds when it is the start of an anchor line (or the whole line without
    its newline); None when no anchor line starts so.

    >>> line_prefix(b'{"at":"2026-12-07T23:40:01.5+00:00","hash":"sha256:ab')
    LinePrefix(hash_hex='ab', record_id=None)
    >>> line_prefix(b'{"at":"x","hash":"sha256:' + b"0" * 64 + b'","id":17}').record_id
    17
    >>> [line_prefix(b) for b in (b'{"id":1}', b'{"at":"","hash"', b'{"at":"a","hash":"sha256:g')]
    [None, None, None]
    """
    pos = 0
    fields: dict[str, bytes] = {}
    for part in _TEMPLATE:
        if pos == len(raw):
            whole = False
            break
        if isinstance(part, bytes):
            piece = raw[pos : pos + len(part)]
            if not part.startswith(piece):
                return None
            pos += len(piece)
        else:
            name, allowed, fewest, most = part
            end = pos
            while end < len(raw) and end - pos < most and raw[end] in allowed:
                end += 1
            if end < len(raw) and end - pos < fewest:
                return None  # too short, and more follows
            fields[name] = raw[pos:end]
            pos = end
    else:
        whole = True
    if pos != len(raw) or fields.get("id", b"").startswith(b"0"):
        return None  # bytes the line cannot hold, or an id with a leading zero
    return LinePrefix(
        hash_hex=fields.get("hash", b"").decode("ascii"),
        record_id=int(fields["id"]) if whole else None,
    )


def read_torn_line(path: Path) -> TornLine | None:
    """The cut last line of the anchor file at ``path``, or None (no file, an empty file, or
    one that ends with a newline).

    Raises:
        AuditError: the file exists but cannot be read.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditError(f"cannot read the audit anchor file {path}: {exc}") from None
    if not data or data.endswith(b"\n"):
        return None
    start = data.rfind(b"\n") + 1
    return TornLine(number=data.count(b"\n") + 1, offset=start, data=data[start:])


def torn_problem(torn: TornLine, unwitnessed: Iterable[tuple[int, str]]) -> str | None:
    """None when ``torn`` is what a crash while writing the line of one of the ``unwitnessed``
    records ``(id, hash)`` leaves; else why it is not (recovery is then refused)."""
    start = f"anchor file line {torn.number} is cut short"
    prefix = line_prefix(torn.data)
    if prefix is None:
        return f"{start} and is not the start of an anchor line (edited?)"
    candidates = [(i, h) for i, h in unwitnessed if h.startswith(_HASH_PREFIX + prefix.hash_hex)]
    if prefix.record_id is not None:
        candidates = [(i, h) for i, h in candidates if i == prefix.record_id]
    if not candidates:
        return f"{start} and names no record that lacks its anchor line (edited?)"
    return None


def cut_torn_line(handle: IO[bytes], path: Path, torn: TornLine) -> None:
    """Cut ``torn`` off the anchor file (``handle``: the file opened for appending), after
    checking that the file still ends with exactly those bytes; then ``fsync``.

    Raises:
        AuditError: the file changed since ``torn`` was read, or cannot be cut.
    """
    try:
        with path.open("rb") as current:
            current.seek(torn.offset)
            rest = current.read()
        if rest != torn.data:
            raise AuditError(
                f"the anchor file {path} changed while recovering (line {torn.number} is no "
                "longer the cut last line): run recover again"
            )
        handle.flush()
        os.ftruncate(handle.fileno(), torn.offset)
        os.fsync(handle.fileno())
    except OSError as exc:
        raise AuditError(f"cannot cut the torn line off the anchor file {path}: {exc}") from None
