"""Records to append, prepared without a database: serialised once, chained and signed.

Pure (``hashlib`` and ``json``): both writers use it — :mod:`prosper.audit.writer` on
SQLAlchemy (every backend) and :mod:`prosper.audit.lite` on the standard library's ``sqlite3``
(the CLI's lean ``screen``) — so a record has one row format, hash and signature whoever writes
it. :class:`Prepared` serialises ``input``, ``output`` and ``versions`` once; the hash is then
composed from those texts (canonical JSON of an object is its keys in order, each followed by
its value's canonical text), and the same texts are stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prosper.audit.canonical import HASH_PREFIX, canonical_json
from prosper.audit.record import AuditRecord
from prosper.audit.signing import SigningKey
from prosper.errors import InputError


@dataclass(frozen=True, slots=True)
class Prepared:
    """One record to append, its JSON values serialised once (the bytes that are stored)."""

    kind: str
    actor: str
    input: dict[str, Any]
    output: dict[str, Any]
    versions: dict[str, Any]
    texts: tuple[str, str, str]
    """Canonical JSON of ``input``, ``output`` and ``versions``."""

    @classmethod
    def of(
        cls,
        kind: str,
        actor: str,
        input: Any,
        output: Any,
        versions: Any,
    ) -> Prepared:
        """Check and serialise one record's values.

        Raises:
            InputError: a value that is not a JSON object or cannot be represented in JSON.
        """
        values: list[dict[str, Any]] = []
        texts: list[str] = []
        for name, value in (("input", input), ("output", output), ("versions", versions)):
            if not isinstance(value, dict):
                kind_name = type(value).__name__
                raise InputError(f"must be a JSON object, got {kind_name}", field=name)
            try:
                text = canonical_json(value)
                text.encode("utf-8")
            except (TypeError, ValueError) as exc:
                raise InputError(f"not JSON-serialisable: {exc}", field=name) from None
            loaded = json.loads(text)  # what reads back: tuples as lists, keys as text
            values.append(loaded)
            texts.append(text)
        return cls(kind, actor, values[0], values[1], values[2], (texts[0], texts[1], texts[2]))

    def hash(self, record_id: int, created_at: str, prev_hash: str) -> str:
        """:func:`prosper.audit.chain.record_hash` of this record, from the prepared texts."""
        dump = canonical_json
        text = (
            f'{{"actor":{dump(self.actor)},"created_at":{dump(created_at)},"id":{record_id},'
            f'"input":{self.texts[0]},"kind":{dump(self.kind)},"output":{self.texts[1]},'
            f'"prev_hash":{dump(prev_hash)},"versions":{self.texts[2]}}}'
        )
        return HASH_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_batch(
    batch: Sequence[Prepared], last_id: int, last_hash: str, key: SigningKey | None
) -> tuple[list[dict[str, Any]], list[AuditRecord]]:
    """The rows to insert for ``batch`` after the head ``(last_id, last_hash)``, each chained to
    the one before and signed with ``key``, and the records they store (same order)."""
    rows: list[dict[str, Any]] = []
    records: list[AuditRecord] = []
    for item in batch:
        record_id = last_id + 1
        created_at = datetime.now(UTC).isoformat(timespec="microseconds")
        digest = item.hash(record_id, created_at, last_hash)
        signature = None if key is None else key.sign(digest)
        rows.append(
            {
                "id": record_id,
                "created_at": created_at,
                "kind": item.kind,
                "actor": item.actor,
                "input": item.texts[0],
                "output": item.texts[1],
                "versions": item.texts[2],
                "prev_hash": last_hash,
                "hash": digest,
                "signature": signature,
            }
        )
        records.append(
            AuditRecord(
                id=record_id,
                created_at=created_at,
                kind=item.kind,
                actor=item.actor,
                input=item.input,
                output=item.output,
                versions=item.versions,
                prev_hash=last_hash,
                hash=digest,
                signature=signature,
            )
        )
        last_id, last_hash = record_id, digest
    return rows, records
