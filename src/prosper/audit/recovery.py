"""``prosper audit recover``: witness, late and on the record, what a crash left unwitnessed.

An append commits its record and then writes its anchor line. A process killed in between
leaves a committed record that no anchor line names; ``verify`` then reports it as
``not in the anchor file`` (exit 1), exactly as it reports an anchor file cut by an attacker —
the two cannot be told apart from the file alone. :func:`plan` finds such records and says
whether they may be recovered; :func:`recover` does it, explicitly: under the write lock it
walks the whole log again and, only if the *only* problem is a tail of records after the last
anchored one, each intact, correctly linked and validly signed, appends a ``recovery`` record
(who, when, which records with their hashes, why, and that their callers were never answered:
:data:`~prosper.audit.late.UNACKNOWLEDGED`), commits it, and then writes the anchor lines of the
recovered records and of the recovery record itself (one ``write``, one ``fsync``).

A crash *while* the anchor line was written (a power loss with part of the ``write`` on disk)
leaves the file ending in the start of a line without its newline: when that cut line is the
last, is the start of an anchor line and names (as far as it goes) a record no anchor line
names, the recovery records it (``input.torn_anchor_line``) and cuts it off before writing the
late lines (:mod:`prosper.audit.torn`); any other damaged line is refused.

Refused (nothing written): any other problem (an edited, forged, unsigned or missing record, an
id gap, a head that does not match, an anchor line that contradicts the database, a damaged
anchor file), a missing anchor file (a crash never deletes it), more records than ``limit``
(a crash leaves one batch per killed process; a longer tail looks like a cut anchor file), and
an empty reason. A crash after the recovery record's commit leaves it unwitnessed too: running
``recover`` again witnesses both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from prosper.audit.chain import NOT_WITNESSED, AuditRecord, ChainWalker, Problem, VerifyReport
from prosper.audit.checked import check_row
from prosper.audit.db import reason as db_reason
from prosper.audit.late import RECOVERY_KIND, UNACKNOWLEDGED, recovery_input
from prosper.audit.migrations import write_transaction
from prosper.audit.prepared import Prepared, chain_batch
from prosper.audit.tables import decode_row, head_table, record_table
from prosper.audit.torn import TornLine, cut_torn_line, read_torn_line, torn_problem
from prosper.errors import AuditError, AuditIntegrityError, InputError

if TYPE_CHECKING:
    from prosper.audit.log import AuditLog

__all__ = ["DEFAULT_LIMIT", "RecoveryPlan", "Unwitnessed", "plan", "recover"]

DEFAULT_LIMIT = 256
"""Most records one recovery witnesses unless told otherwise (one writer's largest batch)."""


@dataclass(frozen=True, slots=True)
class Unwitnessed:
    """One committed record no anchor line names: what ``recover`` shows before it acts."""

    id: int
    hash: str
    created_at: str
    kind: str
    actor: str

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "hash", "created_at", "kind", "actor"}``."""
        return {
            "id": self.id,
            "hash": self.hash,
            "created_at": self.created_at,
            "kind": self.kind,
            "actor": self.actor,
        }


@dataclass(frozen=True, slots=True)
class RecoveryPlan:
    """The records a recovery would witness, and why it may not (``refused``)."""

    records: tuple[Unwitnessed, ...]
    refused: tuple[Problem, ...]
    report: VerifyReport
    torn: TornLine | None = None
    """The anchor file's last line cut by a crash, repaired by the recovery (:mod:`torn`)."""

    @property
    def recoverable(self) -> bool:
        """True when there are records to witness and nothing forbids it."""
        return bool(self.records) and not self.refused

    def to_dict(self) -> dict[str, Any]:
        """``{"recoverable", "records", "refused"}`` (``recover --json``)."""
        doc: dict[str, Any] = {
            "recoverable": self.recoverable,
            "records": [r.to_dict() for r in self.records],
            "refused": [{"record_id": p.record_id, "reason": p.reason} for p in self.refused],
        }
        if self.torn is not None:
            doc["torn_anchor_line"] = self.torn.to_dict()
        return doc


def _walk(log: AuditLog, conn: sa.Connection, limit: int) -> RecoveryPlan:
    """Walk every row on ``conn``; the unwitnessed tail and what forbids recovering it."""
    anchor = log.anchor
    if anchor is None:
        raise InputError("this log keeps no anchor file: there is nothing to recover")
    witness = log.witness()  # read now, after the caller took whatever lock it holds
    walker = ChainWalker(witness=witness)
    tail: list[Unwitnessed] = []
    for raw in log.iter_rows(conn):
        row = decode_row(raw)
        check_row(walker, row)
        r = row.record
        if r is not None and row.id not in witness.anchored and len(tail) <= limit:
            tail.append(Unwitnessed(r.id, r.hash, r.created_at, r.kind, r.actor))
    head_rows = conn.execute(sa.select(head_table.c.last_id, head_table.c.last_hash)).all()
    head = None if len(head_rows) != 1 else (int(head_rows[0][0]), str(head_rows[0][1]))
    report = walker.finish(head)
    refused = [p for p in report.problems if not p.reason.endswith(NOT_WITNESSED)]
    if not anchor.path.exists():
        refused.append(
            Problem(None, f"the anchor file {anchor.path} is missing (a crash never deletes it)")
        )
    first = walker.first_unwitnessed
    wanted = set(walker.holes)
    tail = [t for t in tail if t.id in wanted or (first is not None and t.id >= first)]
    if len(tail) > limit:
        refused.append(
            Problem(
                tail[0].id,
                f"more than {limit} records not in the anchor file: more than a crash leaves "
                "(an anchor file cut short?); --limit raises the bound",
            )
        )
    torn = read_torn_line(anchor.path)
    if torn is not None:  # the last line cut by a crash while it was written?
        refused = [p for p in refused if p.reason != torn.problem()]
        why = torn_problem(torn, [(t.id, t.hash) for t in tail])
        if why is not None:
            refused.append(Problem(None, why))
    return RecoveryPlan(
        records=tuple(tail[:limit]), refused=tuple(refused), report=report, torn=torn
    )


def plan(log: AuditLog, *, limit: int = DEFAULT_LIMIT) -> RecoveryPlan:
    """What :func:`recover` would do now (reads only).

    Raises:
        InputError: the log keeps no anchor file.
        AuditError: the database cannot be read.
    """
    try:
        with log.engine.connect() as conn, conn.begin():
            return _walk(log, conn, limit)
    except SQLAlchemyError as exc:
        raise AuditError(f"cannot read the audit log: {db_reason(exc)}") from None


def recover(
    log: AuditLog,
    *,
    actor: str,
    reason: str,
    claimed_actor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[RecoveryPlan, AuditRecord | None]:
    """Witness the unwitnessed records late, with a recovery record; the plan and that record
    (None, and nothing written, when every record is witnessed).

    Raises:
        InputError: an empty ``reason`` or ``actor``, or the log keeps no anchor file.
        AuditIntegrityError: recovery refused (see the module notes; nothing written).
        AuditError: the database or the anchor file cannot be written.
    """
    if not reason.strip():
        raise InputError("say why the records are recovered", field="--reason")
    if not actor.strip():
        raise InputError("must be a non-empty string", field="actor")
    key = log.signing_key()
    anchor = log.anchor
    if anchor is None:
        raise InputError("this log keeps no anchor file: there is nothing to recover")
    if not anchor.path.exists():  # opening it for the late lines would create it
        raise AuditIntegrityError(
            f"not recovered: the anchor file {anchor.path} is missing (a crash never deletes it)"
        )
    handle = anchor.open_for_append()  # before the transaction, as every append does
    try:
        try:
            with write_transaction(log.engine) as conn:
                conn.execute(
                    sa.select(head_table.c.last_id)
                    .where(head_table.c.singleton == 1)
                    .with_for_update()
                ).all()
                found = _walk(log, conn, limit)
                if found.refused:
                    first = found.refused[0]
                    more = len(found.refused) - 1
                    extra = f" (+{more} more)" if more > 0 else ""
                    raise AuditIntegrityError(f"not recovered: {first}{extra}")
                if not found.records:
                    return found, None
                named = [(r.id, r.hash) for r in found.records]
                item = Prepared.of(
                    RECOVERY_KIND,
                    actor,
                    recovery_input(
                        named,
                        reason=reason.strip(),
                        claimed_actor=claimed_actor,
                        torn_line=None if found.torn is None else found.torn.to_dict(),
                    ),
                    {"witnessed_late": [i for i, _ in named], "unacknowledged": UNACKNOWLEDGED},
                    _versions(),
                )
                head = (found.report.head_id, found.report.head_hash)
                rows, records = chain_batch([item], *head, key)
                conn.execute(sa.insert(record_table), rows)
                conn.execute(
                    sa.update(head_table)
                    .where(head_table.c.singleton == 1)
                    .values(last_id=records[-1].id, last_hash=records[-1].hash)
                )
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot append to the audit log: {db_reason(exc)}") from None
        # committed: cut the torn last line off (it is in the recovery record), then the late
        # lines and the recovery record's own, in one write and fsync
        if found.torn is not None:
            cut_torn_line(handle, anchor.path, found.torn)
        try:
            anchor.write_many(handle, [*named, (records[0].id, records[0].hash)])
        except OSError as exc:
            raise AuditError(
                f"recovery record {records[0].id} was recorded, but the anchor file "
                f"{anchor.path} could not be written: {exc} (run recover again)"
            ) from None
    finally:
        handle.close()
    return found, records[0]


def _versions() -> dict[str, Any]:
    from prosper import __version__

    return {"engine": __version__}
