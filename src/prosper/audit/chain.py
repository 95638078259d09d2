"""The hash chain: canonical JSON, record hashes and the values the audit log hands out.

Pure: no database here. Each record's hash is

    "sha256:" + sha256(canonical_json({id, created_at, kind, actor, input, output, versions,
                                        prev_hash})).hexdigest()

where :func:`canonical_json` sorts keys, drops whitespace, keeps non-ASCII characters as they are
and encodes UTF-8. ``prev_hash`` of the first record is :data:`GENESIS_HASH`. Because every hash
covers the one before it, editing, deleting, inserting or reordering a record changes a hash that
a later record (or the head checkpoint) still remembers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prosper.errors import InputError

HASH_PREFIX = "sha256:"
GENESIS_HASH = HASH_PREFIX + "0" * 64
"""``prev_hash`` of record 1: there is no record before it."""

JsonObject = dict[str, Any]


def canonical_json(value: Any) -> str:
    """Serialise ``value`` as canonical JSON: sorted keys, no whitespace, UTF-8 text kept.

    >>> canonical_json({"b": 1, "a": ["ü", 2.5]})
    '{"a":["ü",2.5],"b":1}'

    Raises:
        ValueError: NaN or infinity (not JSON).
        TypeError: a value JSON cannot represent, or dict keys of mixed types.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def normalise_json_object(value: Any, *, field_name: str) -> JsonObject:
    """Return ``value`` as it reads back from the log: a plain JSON object.

    Tuples become lists, non-string keys of a dict become strings (as JSON does). The result
    is what :func:`record_hash` covers, so a record compares equal before and after storage.

    Raises:
        InputError: ``value`` is not a dict, or holds something JSON cannot represent.
    """
    if not isinstance(value, Mapping):
        raise InputError(f"must be a JSON object, got {type(value).__name__}", field=field_name)
    try:
        text = canonical_json(value)
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InputError(f"not JSON-serialisable: {exc}", field=field_name) from None
    loaded: JsonObject = json.loads(text)
    return loaded


def record_hash(
    *,
    record_id: int,
    created_at: str,
    kind: str,
    actor: str,
    input: Mapping[str, Any],
    output: Mapping[str, Any],
    versions: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """The ``sha256:`` hash of one record's fields, ``prev_hash`` and ``id`` included."""
    payload = {
        "id": record_id,
        "created_at": created_at,
        "kind": kind,
        "actor": actor,
        "input": input,
        "output": output,
        "versions": versions,
        "prev_hash": prev_hash,
    }
    digest = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
    return HASH_PREFIX + digest


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
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """One integrity problem: which record (``None`` for the log as a whole) and what is wrong."""

    record_id: int | None
    reason: str

    def __str__(self) -> str:
        where = "audit log" if self.record_id is None else f"record {self.record_id}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of walking the whole chain.

    ``head_id`` / ``head_hash`` are the checkpoint the log holds; copy ``head_hash`` somewhere
    else (a ticket, an e-mail) to be able to prove later that nothing was rewritten since.
    """

    ok: bool
    checked: int
    problems: tuple[Problem, ...] = ()
    head_id: int = 0
    head_hash: str = GENESIS_HASH

    def to_dict(self) -> JsonObject:
        """The report as one JSON object (the shape of ``prosper audit verify --json``)."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head": {"id": self.head_id, "hash": self.head_hash},
            "problems": [{"record_id": p.record_id, "reason": p.reason} for p in self.problems],
        }


class ChainWalker:
    """Checks records one by one, in id order, against the chain rules.

    Feed every stored row to :meth:`check` (``record`` is ``None`` when a row's JSON cannot
    even be read), then :meth:`finish` with the head checkpoint; ``problems`` collects what
    is wrong, each naming the first record where the chain breaks. ``anchors`` are record
    hashes kept outside the database (an earlier ``verify``'s head hash): each must still be
    in the chain, else the log was rewritten or cut since.
    """

    def __init__(self, anchors: Iterable[str] = ()) -> None:
        self.problems: list[Problem] = []
        self.checked = 0
        self.last_id = 0
        self.last_hash = GENESIS_HASH
        self.anchors = {a for a in anchors if a != GENESIS_HASH}

    def check(
        self, *, record_id: int, prev_hash: str, stored_hash: str, record: AuditRecord | None
    ) -> None:
        """Check one stored row (rows must arrive in ascending id order)."""
        self.checked += 1
        self.anchors.discard(stored_hash)
        if record is None:
            self.problems.append(Problem(record_id, "unreadable JSON (edited)"))
        elif record.compute_hash() != stored_hash:
            self.problems.append(Problem(record_id, "hash mismatch (edited)"))
        expected_id = self.last_id + 1
        if record_id != expected_id:
            missing = _id_range(expected_id, record_id - 1)
            if record_id > expected_id:
                reason = f"{missing} missing before it (deleted)"
            else:
                reason = f"id out of sequence after record {self.last_id} (inserted)"
            self.problems.append(Problem(record_id, reason))
        elif prev_hash != self.last_hash:
            previous = "genesis" if self.last_id == 0 else f"record {self.last_id}"
            reason = f"prev_hash does not match {previous} (inserted, reordered or replaced)"
            self.problems.append(Problem(record_id, reason))
        self.last_id = record_id
        self.last_hash = stored_hash

    def finish(self, head: tuple[int, str] | None) -> VerifyReport:
        """Compare the last row with the head checkpoint and build the report."""
        if head is None:
            self.problems.append(Problem(None, "head checkpoint missing (deleted)"))
            head_id, head_hash = 0, GENESIS_HASH
        else:
            head_id, head_hash = head
            if head_id > self.last_id:
                missing = _id_range(self.last_id + 1, head_id)
                self.problems.append(
                    Problem(self.last_id + 1, f"{missing} missing at the tail (deleted)")
                )
            elif head_id < self.last_id:
                self.problems.append(
                    Problem(head_id + 1, "appended after the head checkpoint (inserted)")
                )
            elif head_hash != self.last_hash:
                where = None if head_id == 0 else head_id
                self.problems.append(Problem(where, "hash does not match the head checkpoint"))
        for anchor in sorted(self.anchors):
            reason = f"anchor {anchor} is not in the chain (rewritten or truncated)"
            self.problems.append(Problem(None, reason))
        return VerifyReport(
            ok=not self.problems,
            checked=self.checked,
            problems=tuple(self.problems),
            head_id=head_id,
            head_hash=head_hash,
        )


def _id_range(first: int, last: int) -> str:
    if first == last:
        return f"record {first}"
    return f"records {first}-{last}"
