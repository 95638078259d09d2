"""Where the audit key comes from: a setting (a KMS-style secret) or a key file.

* ``PROSPER_AUDIT_KEY`` — the key itself (at least 32 characters, e.g. ``openssl rand -hex 32``
  fetched from a secrets manager at start-up); never written anywhere by Prosper.
* ``PROSPER_AUDIT_KEY_FILE`` — a file holding the key; default ``<data dir>/audit.key``.

A key file that does not exist is created on first use — only when the log holds no signed
record yet — with 256 random bits, mode 0600, atomically (written beside it, then hard-linked
into place, so that two processes starting at once agree on one key and nobody reads half a
file). A missing key file for a log that has signed records is an integrity problem, not a
reason to make a new key.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prosper.audit.signing import MIN_KEY_BYTES, SigningKey
from prosper.errors import AuditError, AuditIntegrityError, InputError
from prosper.settings import Settings

KEY_FILE_NAME = "audit.key"


@dataclass(frozen=True)
class KeySource:
    """One configured source of the audit key: a secret given directly, or a file path."""

    path: Path | None = None
    secret: bytes | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> KeySource:
        """``PROSPER_AUDIT_KEY`` if set, else the key file (default in the data folder)."""
        if settings.security.audit_key is not None:
            secret = settings.security.audit_key.encode("utf-8")
            if len(secret) < MIN_KEY_BYTES:
                raise InputError(
                    f"must be at least {MIN_KEY_BYTES} characters", field="PROSPER_AUDIT_KEY"
                )
            return cls(secret=secret)
        return cls(path=settings.security.audit_key_file or settings.data_dir / KEY_FILE_NAME)

    @property
    def where(self) -> str:
        """How to name this source in a message (never the key)."""
        return "PROSPER_AUDIT_KEY" if self.path is None else f"key file {self.path}"

    def load(self) -> SigningKey | None:
        """The key, or None when the key file does not exist.

        Raises:
            AuditError: the file exists but cannot be read, or holds too short a key.
        """
        if self.secret is not None:
            return SigningKey(self.secret)
        assert self.path is not None
        try:
            raw = self.path.read_bytes().strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AuditError(f"cannot read the audit key file {self.path}: {exc}") from None
        try:
            return SigningKey(raw)
        except ValueError:
            raise AuditError(
                f"the audit key file {self.path} holds fewer than {MIN_KEY_BYTES} bytes"
            ) from None

    def create(self) -> SigningKey:
        """Create the key file (0600, 256 random bits) unless another process just did.

        Raises:
            AuditError: the folder or file cannot be written.
        """
        if self.path is None:
            assert self.secret is not None
            return SigningKey(self.secret)
        path = self.path
        import secrets  # only to make a key: random and base64 are not imported to append

        text = secrets.token_hex(32).encode("ascii") + b"\n"
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, text)
                os.fsync(fd)
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):  # another process created it first
                os.link(temp, path)
        except OSError as exc:
            raise AuditError(f"cannot create the audit key file {path}: {exc}") from None
        finally:
            temp.unlink(missing_ok=True)
        key = self.load()
        assert key is not None
        return key


def resolve_key(source: KeySource, has_signed_records: Callable[[], bool]) -> SigningKey:
    """The key appends sign with: ``source``'s, created only for a log with no signed record
    (both writers, :mod:`prosper.audit.log` and :mod:`prosper.audit.lite`, decide so).

    Raises:
        AuditIntegrityError: the key is missing but the log holds signed records.
        AuditError: the key file cannot be read or created.
    """
    key = source.load()
    if key is None:
        if not has_signed_records():
            return source.create()
        # another writer may have created the key and signed with it since the first read
        key = source.load()
        if key is None:
            raise AuditIntegrityError(
                f"the audit key ({source.where}) is missing but the log holds signed "
                "records: restore it (run `prosper audit verify`)"
            )
    return key
