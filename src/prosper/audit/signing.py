"""Record signatures: HMAC-SHA256 of a record's hash under a key the database does not hold.

Pure (``hmac`` and ``hashlib`` only; the key file lives in :mod:`prosper.audit.keyfile`).
A record's ``hash`` covers every field and the previous record's hash, so signing the hash
signs the record and its place in the chain. A signature reads

    hmac-sha256:<key id>:<64 hex digits>

where the key id (16 hex digits) names the key without revealing it, so that a record signed
under another key is reported as such rather than as a plain mismatch. Someone who can write
the database but cannot read the key can still compute a valid ``hash`` for a forged record,
but not its signature.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

SIGNATURE_PREFIX = "hmac-sha256:"
MIN_KEY_BYTES = 32
"""A key shorter than 32 bytes (256 bits) is refused: ``openssl rand -hex 32`` gives 64 bytes."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The secret that signs and checks records (never printed: ``repr`` hides it)."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ValueError(f"an audit key needs at least {MIN_KEY_BYTES} bytes")

    @property
    def key_id(self) -> str:
        """16 hex digits naming this key (a hash of it; safe to print)."""
        return hashlib.sha256(b"prosper audit key id\x00" + self.secret).hexdigest()[:16]

    def sign(self, record_hash: str) -> str:
        """The signature of a record whose hash is ``record_hash``."""
        mac = hmac.new(self.secret, record_hash.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{SIGNATURE_PREFIX}{self.key_id}:{mac}"


def signature_problem(key: SigningKey | None, record_hash: str, signature: str) -> str | None:
    """Why ``signature`` is not a valid signature of ``record_hash`` under ``key``, or None.

    >>> key = SigningKey(b"k" * 32)
    >>> signature_problem(key, "sha256:ab", key.sign("sha256:ab")) is None
    True
    >>> signature_problem(key, "sha256:cd", key.sign("sha256:ab"))
    'signature does not match (forged: written without the audit key)'
    """
    parts = signature.split(":")
    if len(parts) != 3 or f"{parts[0]}:" != SIGNATURE_PREFIX or len(parts[2]) != 64:
        return "signature malformed (edited)"
    if key is None:
        return "signed, but no audit key to check it with (key file missing)"
    if parts[1] != key.key_id:
        return (
            f"signed with key {parts[1]}, not the audit key {key.key_id} "
            "(forged, or the key was replaced)"
        )
    if not hmac.compare_digest(key.sign(record_hash), signature):
        return "signature does not match (forged: written without the audit key)"
    return None
