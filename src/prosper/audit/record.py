"""The value of one audit record, as stored and hashed (:class:`AuditRecord`).

Apart from :mod:`prosper.audit.chain` (which re-exports it) so that an append — the lean
``sqlite3`` writer of ``prosper screen`` (:mod:`prosper.audit.lite`) — does not import the chain
walker and its report classes it never uses. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from prosper.audit.canonical import JsonObject, record_hash


@dataclass(frozen=True)
class AuditRecord:
    """One decision in the log, exactly as stored and hashed.

    ``input`` is what was decided on (for ``check``: the raw transaction), ``output`` the
    decision JSON, ``versions`` the engine, rulebook and list snapshot versions used.
    """

    id: int
    created_at: str
    kind: str
    actor: str
    input: JsonObject
    output: JsonObject
    versions: JsonObject
    prev_hash: str
    hash: str
    signature: str | None = None
    """``hmac-sha256:…`` of ``hash``; None for a record written before signing existed."""

    def compute_hash(self) -> str:
        """Recompute this record's hash from its fields (equals ``hash`` when intact)."""
        return record_hash(
            record_id=self.id,
            created_at=self.created_at,
            kind=self.kind,
            actor=self.actor,
            input=self.input,
            output=self.output,
            versions=self.versions,
            prev_hash=self.prev_hash,
        )

    def to_dict(self) -> JsonObject:
        """The record as one JSON object (the shape of ``prosper audit show --json``)."""
        return {
            "id": self.id,
            "created_at": self.created_at,
            "kind": self.kind,
            "actor": self.actor,
            "input": self.input,
            "output": self.output,
            "versions": self.versions,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "signature": self.signature,
        }
