"""Records as the read paths hand them out, each checked with its link and witnesses.

Pure. :func:`check_record` checks one stored row (``show``, ``list``, ``GET /v1/audit/{id}``)
with the rules of :class:`~prosper.audit.chain.ChainWalker`; re-exported by
:mod:`prosper.audit.chain`.
"""

from __future__ import annotations

from dataclasses import dataclass

from prosper.audit.canonical import JsonObject
from prosper.audit.chain import NOT_WITNESSED, AuditRecord, ChainWalker, Problem, Witness, id_range


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One row as read from the table: the decoded record, or why it could not be decoded."""

    id: int
    prev_hash: str
    hash: str
    signature: str | None
    record: AuditRecord | None
    unreadable: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedRecord:
    """A record as the read paths hand it out: the row and what is wrong with it, if anything.

    ``record`` is None when the stored JSON cannot be read at all; ``problems`` is empty for
    an intact record. ``signed`` is False for a record written before signing existed.
    """

    id: int
    record: AuditRecord | None
    problems: tuple[Problem, ...] = ()
    signed: bool = True

    @property
    def ok(self) -> bool:
        """True when the record, its link and its witnesses all check out."""
        return not self.problems

    def integrity(self) -> JsonObject:
        """``{"ok", "signed", "problems"}``: the flag the list views show per record."""
        return {
            "ok": self.ok,
            "signed": self.signed,
            "problems": [str(p) for p in self.problems],
        }


def check_row(walker: ChainWalker, row: StoredRow) -> None:
    """Hand one stored row to ``walker`` (:meth:`ChainWalker.check`): the one place a
    :class:`StoredRow` is unpacked for the walk (``verify``, ``recover``, the read paths)."""
    walker.check(
        record_id=row.id,
        prev_hash=row.prev_hash,
        stored_hash=row.hash,
        record=row.record,
        signature=row.signature,
        unreadable=row.unreadable,
    )


def check_record(
    row: StoredRow,
    *,
    previous: StoredRow | None,
    head: tuple[int, str] | None,
    witness: Witness,
) -> CheckedRecord:
    """Check one record, its link to the record before and its witnesses.

    ``previous`` is the stored row ``id - 1`` (None when it is gone, or for record 1).
    Reports what :class:`ChainWalker` would report about this record; what only a walk of
    the whole log can see (a deleted tail) is left to :meth:`AuditLog.verify`.
    """
    walker = ChainWalker(witness=witness)
    if row.id > 1:
        if previous is None or previous.id != row.id - 1:
            missing = id_range(row.id - 1, row.id - 1)
            walker.problems.append(Problem(row.id, f"{missing} missing before it (deleted)"))
            walker.last_hash = row.prev_hash  # the link cannot be checked; do not report twice
        else:
            walker.last_hash = previous.hash
            walker.seen_signed = previous.signature is not None
        walker.last_id = row.id - 1
    check_row(walker, row)
    if head is None:
        walker.problems.append(Problem(None, "head checkpoint missing (deleted)"))
    elif row.id > head[0]:
        walker.problems.append(Problem(row.id, "appended after the head checkpoint (inserted)"))
    elif row.id == head[0] and row.hash != head[1]:
        walker.problems.append(Problem(row.id, "hash does not match the head checkpoint"))
    if walker.first_unwitnessed is not None or walker.holes:
        walker.problems.append(Problem(row.id, NOT_WITNESSED))
    return CheckedRecord(
        id=row.id,
        record=row.record,
        problems=tuple(walker.problems),
        signed=row.signature is not None,
    )
