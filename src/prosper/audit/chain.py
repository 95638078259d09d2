"""The hash chain: the values the audit log hands out and the walk that verifies them.

Pure: no database here. Each record's hash is

    "sha256:" + sha256(canonical_json({id, created_at, kind, actor, input, output, versions,
                                        prev_hash})).hexdigest()

where :func:`canonical_json` sorts keys, drops whitespace, keeps non-ASCII characters as they are
and encodes UTF-8. ``prev_hash`` of the first record is :data:`GENESIS_HASH`. Because every hash
covers the one before it, editing, deleting, inserting or reordering a record changes a hash that
a later record (or the head checkpoint) still remembers.

Two witnesses the database cannot forge complete the chain: each record's ``signature``
(:mod:`prosper.audit.signing`, a keyed HMAC of its hash) and the anchor file outside the
database (:mod:`prosper.audit.anchor`), which remembers every appended ``(id, hash)``. The
:class:`ChainWalker` checks a whole log against all three;
:func:`prosper.audit.checked.check_record` checks one record and its link for the read paths
(``show``, ``list``, ``GET /v1/audit/{id}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# canonical JSON and record hashes moved to prosper.audit.canonical; re-exported here
from prosper.audit.canonical import GENESIS_HASH as GENESIS_HASH
from prosper.audit.canonical import HASH_PREFIX as HASH_PREFIX
from prosper.audit.canonical import DuplicateKeyError as DuplicateKeyError
from prosper.audit.canonical import JsonObject as JsonObject
from prosper.audit.canonical import canonical_json as canonical_json
from prosper.audit.canonical import decode_canonical as decode_canonical
from prosper.audit.canonical import normalise_json_object as normalise_json_object
from prosper.audit.canonical import record_hash as record_hash

# the record value lives in prosper.audit.record (an append imports no walker); re-exported here
from prosper.audit.record import AuditRecord as AuditRecord
from prosper.audit.signing import SigningKey, signature_problem

if TYPE_CHECKING:
    from prosper.audit.late import LateWitness


@dataclass(frozen=True, slots=True)
class Problem:
    """One integrity problem: which record (``None`` for the log as a whole) and what is wrong."""

    record_id: int | None
    reason: str

    def __str__(self) -> str:
        where = "audit log" if self.record_id is None else f"record {self.record_id}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Witness:
    """What outside the database says about the log.

    ``key`` checks signatures (None: no key available, so a signed record cannot be checked);
    ``anchored`` maps record id → hash as the anchor file remembers them; ``anchor_in_use``
    is True when an anchor file is configured (then a signed record it does not name is
    reported); ``anchor_problems`` are damaged anchor lines.
    """

    key: SigningKey | None = None
    anchored: Mapping[int, str] = field(default_factory=dict)
    anchor_in_use: bool = False
    anchor_problems: tuple[str, ...] = ()
    # computed once: every record checked on a page asks for them
    _first: int | None = field(init=False, repr=False, compare=False, default=None)
    _last: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_first", min(self.anchored, default=None))
        object.__setattr__(self, "_last", max(self.anchored, default=0))

    @property
    def anchor_last(self) -> int:
        """The highest record id in the anchor file (0 when it names none)."""
        return self._last

    @property
    def signed_from(self) -> int | None:
        """The first anchored id: every record from it on was written signed."""
        return self._first


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of walking the whole chain.

    ``head_id`` / ``head_hash`` are the checkpoint the log holds; copy ``head_hash`` somewhere
    else (a ticket, an e-mail) to be able to prove later that nothing was rewritten since.
    ``unsigned`` counts records written before signing existed (legacy, reported as such).
    """

    ok: bool
    checked: int
    problems: tuple[Problem, ...] = ()
    head_id: int = 0
    head_hash: str = GENESIS_HASH
    signed: int = 0
    unsigned: int = 0
    anchor_id: int = 0
    late: tuple[LateWitness, ...] = ()
    """Records a crash left unwitnessed and ``prosper audit recover`` witnessed late."""

    def to_dict(self) -> JsonObject:
        """The report as one JSON object (the shape of ``prosper audit verify --json``)."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "signed": self.signed,
            "unsigned": self.unsigned,
            "head": {"id": self.head_id, "hash": self.head_hash},
            "anchor": {"id": self.anchor_id},
            "problems": [{"record_id": p.record_id, "reason": p.reason} for p in self.problems],
            "witnessed_late": [w.to_dict() for w in self.late],
        }


NOT_WITNESSED = (
    "not in the anchor file (a crash before its anchor line: see `prosper audit recover`; "
    "or the anchor file cut, or written around Prosper)"
)
UNSIGNED_AFTER_SIGNED = "unsigned, after signed records (forged append, or its signature removed)"


class ChainWalker:
    """Checks records one by one, in id order, against the chain rules.

    Feed every stored row to :meth:`check` (``record`` is ``None`` when a row's JSON cannot
    be read; ``unreadable`` then says why), then :meth:`finish` with the head checkpoint;
    ``problems`` collects what is wrong, each naming the first record where the chain breaks.
    ``anchors`` are record hashes kept outside the database by hand (``verify --anchor``):
    each must still be in the chain. ``witness`` holds the audit key and the anchor file.
    """

    def __init__(self, anchors: Iterable[str] = (), witness: Witness | None = None) -> None:
        self.problems: list[Problem] = []
        self.checked = 0
        self.signed = 0
        self.unsigned = 0
        self.last_id = 0
        self.last_hash = GENESIS_HASH
        self.seen_signed = False
        self.anchors = {a for a in anchors if a != GENESIS_HASH}
        self.witness = witness or Witness()
        self._anchor_last = self.witness.anchor_last
        self._signed_from = self.witness.signed_from
        self.first_unwitnessed: int | None = None
        self.holes: list[int] = []
        """Signed records the anchor file skips, though it names later ones."""
        self.recoveries: list[AuditRecord] = []
        """Intact, signed ``recovery`` records seen (:mod:`prosper.audit.late`)."""

    def check(
        self,
        *,
        record_id: int,
        prev_hash: str,
        stored_hash: str,
        record: AuditRecord | None,
        signature: str | None = None,
        unreadable: str | None = None,
    ) -> None:
        """Check one stored row (rows must arrive in ascending id order)."""
        self.checked += 1
        self.anchors.discard(stored_hash)
        if record is None:
            self.problems.append(Problem(record_id, unreadable or "unreadable JSON (edited)"))
        elif record.compute_hash() != stored_hash:
            self.problems.append(Problem(record_id, "hash mismatch (edited)"))
        elif record.kind == "recovery" and signature is not None:
            self.recoveries.append(record)
        expected_id = self.last_id + 1
        if record_id != expected_id:
            missing = id_range(expected_id, record_id - 1)
            if record_id > expected_id:
                reason = f"{missing} missing before it (deleted)"
            else:
                reason = f"id out of sequence after record {self.last_id} (inserted)"
            self.problems.append(Problem(record_id, reason))
        elif prev_hash != self.last_hash:
            previous = "genesis" if self.last_id == 0 else f"record {self.last_id}"
            reason = f"prev_hash does not match {previous} (inserted, reordered or replaced)"
            self.problems.append(Problem(record_id, reason))
        self._check_witnesses(record_id, stored_hash, signature)
        self.last_id = record_id
        self.last_hash = stored_hash

    def _check_witnesses(self, record_id: int, stored_hash: str, signature: str | None) -> None:
        if signature is None:
            self.unsigned += 1
            signed_from = self._signed_from
            if self.seen_signed or (signed_from is not None and record_id >= signed_from):
                self.problems.append(Problem(record_id, UNSIGNED_AFTER_SIGNED))
        else:
            self.signed += 1
            self.seen_signed = True
            reason = signature_problem(self.witness.key, stored_hash, signature)
            if reason is not None:
                self.problems.append(Problem(record_id, reason))
        anchored = self.witness.anchored.get(record_id)
        if anchored is not None and anchored != stored_hash:
            reason = "hash differs from the anchor file (rewritten)"
            self.problems.append(Problem(record_id, reason))
        if self.witness.anchor_in_use and signature is not None:
            if record_id > self._anchor_last:
                if self.first_unwitnessed is None:
                    self.first_unwitnessed = record_id
            elif anchored is None and record_id > (self._signed_from or record_id):
                self.holes.append(record_id)

    def _witness_problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self._anchor_last > self.last_id:
            missing = id_range(self.last_id + 1, self._anchor_last)
            reason = f"{missing} in the anchor file but not in the log (deleted, head moved back)"
            found.append(Problem(self.last_id + 1, reason))
        for first, last in _runs(self.holes):
            found.append(Problem(first, f"{id_range(first, last)} {NOT_WITNESSED}"))
        if self.first_unwitnessed is not None:
            missing = id_range(self.first_unwitnessed, self.last_id)
            reason = f"{missing} {NOT_WITNESSED}"
            found.append(Problem(self.first_unwitnessed, reason))
        found.extend(Problem(None, text) for text in self.witness.anchor_problems)
        return found

    def finish(self, head: tuple[int, str] | None) -> VerifyReport:
        """Compare the last row with the head checkpoint and the witnesses; build the report."""
        if head is None:
            self.problems.append(Problem(None, "head checkpoint missing (deleted)"))
            head_id, head_hash = 0, GENESIS_HASH
        else:
            head_id, head_hash = head
            if head_id > self.last_id:
                missing = id_range(self.last_id + 1, head_id)
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
        self.problems.extend(self._witness_problems())
        late = self._late_witnesses()
        for anchor in sorted(self.anchors):
            reason = f"anchor {anchor} is not in the chain (rewritten or truncated)"
            self.problems.append(Problem(None, reason))
        return VerifyReport(
            ok=not self.problems,
            checked=self.checked,
            problems=tuple(self.problems),
            head_id=head_id,
            head_hash=head_hash,
            signed=self.signed,
            unsigned=self.unsigned,
            anchor_id=self._anchor_last,
            late=late,
        )

    def _late_witnesses(self) -> tuple[LateWitness, ...]:
        """The recovery records seen, read back; their problems go to ``problems``."""
        from prosper.audit.late import late_problems, read_late_witness

        found: list[LateWitness] = []
        for record in self.recoveries:
            late = read_late_witness(record.id, record.actor, record.input)
            if isinstance(late, Problem):
                self.problems.append(late)
            else:
                self.problems.extend(late_problems(late, self.witness.anchored))
                found.append(late)
        return tuple(found)


def id_range(first: int, last: int) -> str:
    if first == last:
        return f"record {first}"
    return f"records {first}-{last}"


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Ascending ``ids`` as runs of consecutive ids: ``[1, 2, 3, 7]`` → ``[(1, 3), (7, 7)]``."""
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
