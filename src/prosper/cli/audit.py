"""`prosper audit list|show|verify|replay|anchor|recover`: read, check, re-run, recover the log.

The log is the one named by ``PROSPER_DB_URL`` (default: SQLite in the per-user data folder),
signed with the audit key and witnessed by the anchor file (:mod:`prosper.audit`). Every read
checks what it shows: ``show`` and ``list`` print a red line for a record that was edited,
forged or cut from its chain and exit 1; ``replay`` refuses such a record (a tampered record
would otherwise read as a rules change); ``verify`` exits 1 with one line naming the first
bad record. An unknown record id exits 2. ``recover`` witnesses, late and on the record, what
a process killed between its commit and its anchor line left unwitnessed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from prosper.errors import AuditIntegrityError, InputError, NotFoundError

if TYPE_CHECKING:  # SQLAlchemy is imported only when an audit command runs
    from prosper.audit import AuditLog, AuditRecord, CheckedRecord, DecisionDiff, Problem
    from prosper.audit.recovery import RecoveryPlan

audit_app = typer.Typer(
    name="audit",
    help="The tamper-evident decision log: list, show, verify, replay, anchor, recover.",
    no_args_is_help=True,
)


@contextmanager
def _open_log() -> Iterator[AuditLog]:
    from prosper.audit import AuditLog
    from prosper.settings import load_settings

    log = AuditLog.from_settings(load_settings())
    try:
        yield log
    finally:
        log.close()


def _print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _alarm(problems: Iterable[Problem | str]) -> None:
    """One red line per problem on stderr: the banner every read path shows."""
    console = Console(stderr=True, soft_wrap=True)
    for problem in problems:
        console.print(f"[bold red]TAMPERED[/bold red] {escape(str(problem))}")


def _refuse(problems: tuple[Problem, ...]) -> AuditIntegrityError:
    more = len(problems) - 1
    return AuditIntegrityError(f"{problems[0]}" + (f" (+{more} more)" if more > 0 else ""))


def _summary(record: AuditRecord) -> dict[str, Any]:
    """The list row of a record: who decided what, when."""
    tx_id = record.output.get("id", record.input.get("id"))
    return {
        "id": record.id,
        "created_at": record.created_at,
        "actor": record.actor,
        "kind": record.kind,
        "transaction_id": tx_id,
        "verdict": record.output.get("verdict"),
        "hash": record.hash,
    }


@audit_app.command("list")
def list_records(
    limit: int = typer.Option(50, "--limit", min=0, help="How many records (newest first)."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many of the newest."),
    kind: str | None = typer.Option(None, "--kind", help="Only records of this kind (check …)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """List recorded decisions: id, time, actor, kind, transaction id, verdict.

    Each record is checked; a broken one is marked and named in a red line, and the command
    exits 1.
    """
    with _open_log() as log:
        page = log.browse(limit=limit, offset=offset, kind=kind)
    rows = [_checked_summary(c) for c in page.records]
    problems = [*page.problems, *(p for c in page.records for p in c.problems)]
    if as_json:
        integrity = {"ok": page.ok, "problems": [str(p) for p in page.problems]}
        _print_json({"records": rows, "integrity": integrity})
    elif not rows:
        Console().print("the audit log is empty")
    else:
        _print_table(rows)
    if problems:
        if not as_json:
            _alarm(problems)
        raise _refuse(tuple(problems))


def _checked_summary(checked: CheckedRecord) -> dict[str, Any]:
    if checked.record is None:
        row: dict[str, Any] = {"id": checked.id, "created_at": "", "actor": "", "kind": ""}
        row.update(transaction_id=None, verdict=None, hash=None)
    else:
        row = _summary(checked.record)
    return {**row, "integrity": checked.integrity()}


def _print_table(rows: list[dict[str, Any]]) -> None:
    console = Console()
    table = Table()
    for column in ("id", "time (UTC)"):
        table.add_column(column, no_wrap=True)
    for column in ("actor", "kind", "transaction", "verdict", "check"):
        table.add_column(column, overflow="fold")
    for row in rows:
        integrity = row["integrity"]
        if not integrity["ok"]:
            status = "[bold red]TAMPERED[/bold red]"
        else:
            status = "ok" if integrity["signed"] else "ok (unsigned)"
        table.add_row(
            str(row["id"]),
            row["created_at"][:19].replace("T", " "),
            escape(row["actor"]),
            row["kind"],
            escape(str(row["transaction_id"] or "-")),
            str(row["verdict"] or "-"),
            status,
        )
    console.print(table)


@audit_app.command("show")
def show(
    record_id: int = typer.Argument(..., metavar="ID", help="Record id."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as one JSON document."),
) -> None:
    """Show one record: input, decision, versions and its place in the hash chain.

    The record, its link to the one before, its signature and the anchor file are checked;
    a broken record is still shown (to investigate it) under a red banner, and exits 1.
    """
    with _open_log() as log:
        checked = log.read(record_id)
    record = checked.record
    if as_json:
        body = {"id": checked.id} if record is None else record.to_dict()
        _print_json({**body, "integrity": checked.integrity()})
    elif record is not None:
        _print_record(record, signed=checked.signed)
    if checked.problems:
        if not as_json:
            _alarm(checked.problems)
        raise _refuse(checked.problems)


def _print_record(record: AuditRecord, *, signed: bool) -> None:
    console = Console()
    summary = _summary(record)
    console.print(f"[bold]audit record {record.id}[/bold] ({record.kind})")
    signature = record.signature or "none (written before signing existed)"
    for label, value in (
        ("time", record.created_at),
        ("actor", record.actor),
        ("transaction", summary["transaction_id"] or "-"),
        ("verdict", summary["verdict"] or "-"),
        ("prev_hash", record.prev_hash),
        ("hash", record.hash),
        ("signature", signature if signed else "none (written before signing existed)"),
    ):
        console.print(f"{label:>12}: {escape(str(value))}", soft_wrap=True)
    for label, block in (
        ("versions", record.versions),
        ("input", record.input),
        ("output", record.output),
    ):
        console.print(f"[bold]{label}[/bold]")
        console.print_json(json.dumps(block, ensure_ascii=False))


@audit_app.command("verify")
def verify(
    anchors: list[str] = typer.Option(
        [],
        "--anchor",
        metavar="HASH",
        help="A head hash saved earlier (repeatable): it must still be in the chain.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON document."),
) -> None:
    """Walk the hash chain; exit 1 naming the first bad record if anything was tampered with."""
    with _open_log() as log:
        report = log.verify(anchors=anchors)
    if as_json:
        _print_json(report.to_dict())
    if report.ok:
        if not as_json:
            unsigned = f" ({report.unsigned} unsigned: written before signing)"
            console = Console(soft_wrap=True)
            console.print(
                f"ok: {report.checked} records verified; head {report.head_id} {report.head_hash}"
                + (unsigned if report.unsigned else "")
            )
            for late in report.late:
                console.print(f"note: {escape(late.describe())}")
        return
    if not as_json:
        console = Console(stderr=True, soft_wrap=True)
        for problem in report.problems[1:]:
            console.print(f"  [red]also:[/red] {escape(str(problem))}")
    raise _refuse(report.problems)


@audit_app.command("replay")
def replay(
    record_id: int = typer.Argument(..., metavar="ID", help="Record id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Re-evaluate a recorded check with today's engine and show what changed.

    The recorded input (with the ``as_of`` date it was decided under) and mode are evaluated
    again; the new decision is not recorded. Exit 0 whether or not anything changed. A record
    that does not check out is refused (exit 1): its edit would read as a rules change.
    """
    with _open_log() as log:
        checked = log.read(record_id)
    if checked.problems or checked.record is None:
        _alarm(checked.problems)
        raise AuditIntegrityError(
            f"{checked.problems[0]}: not replayed (a tampered record would read as a rules change)"
        )
    record = checked.record
    if record.kind != "check":
        raise InputError(f"record {record_id} is a {record.kind!r} record; replay re-runs checks")
    from prosper.audit import diff_decisions
    from prosper.service import evaluate

    mode = str(record.output.get("mode") or "enforced")
    new = evaluate(record.input, mode=mode)
    diff = diff_decisions(record.output, new)
    if as_json:
        _print_json(
            {
                "record_id": record.id,
                "as_of": new.get("as_of"),
                "mode": mode,
                "diff": diff.to_dict(),
                "decision": new,
            }
        )
        return
    console = Console(soft_wrap=True)  # one change per line, however long
    render_diff(record, diff, as_of=new.get("as_of"), mode=mode, console=console)


@audit_app.command("anchor")
def anchor(
    post: bool = typer.Option(
        False, "--post", help="Also POST the head to PROSPER_AUDIT_ANCHOR_URL."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Print the log's head as witnessed by the anchor file (copy it somewhere safe).

    Exit 1 when the database's head and the anchor file disagree (a deleted tail, a head
    moved back, records written around Prosper, a damaged anchor file).
    """
    from prosper.audit import Problem
    from prosper.audit.anchor import post_anchor
    from prosper.settings import load_settings

    settings = load_settings()
    with _open_log() as log:
        head = log.head()
        anchor_file = log.anchor
        assert anchor_file is not None  # from_settings always keeps one
        state = anchor_file.read()
        newest: CheckedRecord | Problem | None = None
        if head is not None and head[0] > 0:
            try:
                newest = log.read(head[0])
            except NotFoundError:
                newest = Problem(head[0], "named by the head checkpoint but gone (deleted)")
    last = state.last_line or {}
    last_id, last_hash = int(last.get("id", 0)), last.get("hash")
    problems: list[str] = list(state.problems)
    if head is None:
        problems.append("audit log: head checkpoint missing (deleted)")
    elif last_id > head[0]:
        problems.append(
            f"audit log: the anchor file names record {last_id}, the log ends at {head[0]} "
            "(deleted, head moved back)"
        )
    if isinstance(newest, Problem):
        problems.append(str(newest))
    elif newest is not None:  # the head record itself: its signature, link and anchor line
        problems.extend(str(p) for p in newest.problems if str(p) not in problems)
    head_doc = None if head is None else {"id": head[0], "hash": head[1]}
    doc: dict[str, Any] = {
        "head": head_doc,
        "anchor": {"file": str(anchor_file.path), "id": last_id, "hash": last_hash},
        "ok": not problems,
        "problems": problems,
    }
    posted: tuple[str, int] | None = None
    if post and not problems:
        url = settings.security.audit_anchor_url
        if url is None:
            raise InputError("not set: nowhere to post the head", field="PROSPER_AUDIT_ANCHOR_URL")
        posted = (url, post_anchor(url, {"head": head_doc, "at": _now()}))
        doc["posted"] = {"url": posted[0], "status": posted[1]}
    if as_json:
        _print_json(doc)
    else:
        console = Console(soft_wrap=True)
        if head is not None:
            console.print(f"head {head[0]} {head[1]}")
        console.print(f"anchor file {escape(str(anchor_file.path))}: last record {last_id}")
        if posted is not None:
            console.print(f"posted to {escape(posted[0])}: HTTP {posted[1]}")
    if problems:
        if not as_json:
            _alarm(problems)
        raise AuditIntegrityError(problems[0])


@audit_app.command("recover")
def recover(
    confirm: bool = typer.Option(
        False, "--yes", help="Write the recovery (without it: only show what would be recovered)."
    ),
    why: str = typer.Option(
        "", "--reason", metavar="TEXT", help="Why (recorded; needed with --yes)."
    ),
    limit: int = typer.Option(
        256, "--limit", min=1, help="Refuse to recover more records than this at once."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Witness records a crash left without their anchor line, late and on the record.

    A process killed after committing a record and before writing its anchor line (kill -9,
    power loss) leaves a record that `verify` reports as not in the anchor file; the command
    that appended it never answered its caller. Without --yes this only shows those records
    (exit 0 when they can be recovered, 1 when recovery is refused). With --yes and --reason it
    appends a `recovery` record (you, now, the record ids and hashes, the reason, and that their
    callers were never answered), then writes their anchor lines and its own; `verify` then
    passes and names them as witnessed late. Refused (exit 1, nothing written) when anything
    else is wrong: an edited, forged, unsigned or missing record, a gap in the ids, an anchor
    line that contradicts the database, a missing or damaged anchor file, or more records than
    --limit. A last anchor line cut short by the crash (no newline; the start of the line of a
    record no anchor line names) is recorded in the recovery record and cut off.
    """
    from prosper.audit import recovery
    from prosper.settings import load_settings

    settings = load_settings()
    if confirm and not why.strip():
        raise InputError("say why the records are recovered (recorded)", field="--reason")
    with _open_log() as log:
        if confirm:
            found, written = recovery.recover(
                log,
                actor=settings.actor,
                reason=why,
                claimed_actor=settings.actor_claim,
                limit=limit,
            )
        else:
            found, written = recovery.plan(log, limit=limit), None
    doc = found.to_dict()
    if written is not None:
        doc["recovery_record"] = written.to_dict()
    if as_json:
        _print_json(doc)
    else:
        _print_recovery(found, written)
    if found.refused:
        if not as_json:
            _alarm(found.refused)
        raise _refuse(found.refused)


def _print_recovery(found: RecoveryPlan, written: AuditRecord | None) -> None:
    console = Console(soft_wrap=True)
    if not found.records and not found.refused:
        console.print("nothing to recover: every record is witnessed")
        return
    if found.records:
        verb = "witnessed late" if written is not None else "not in the anchor file"
        console.print(f"{len(found.records)} record(s) committed but {verb}:")
        for r in found.records:
            console.print(
                f"  {r.id}  {r.created_at[:19].replace('T', ' ')}  {escape(r.actor)}  {r.kind}  "
                f"{r.hash}"
            )
    if found.torn is not None:
        verb = "cut off" if written is not None else "to cut off"
        console.print(
            f"anchor file line {found.torn.number} cut short by the crash ({verb}, recorded): "
            f"{escape(found.torn.to_dict()['bytes'])}"
        )
    if written is not None:
        console.print(f"recovery record {written.id} {written.hash}")
    elif found.recoverable:
        console.print("run again with --yes --reason TEXT to witness them late, on the record")


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def render_diff(
    record: AuditRecord, diff: DecisionDiff, *, as_of: Any, mode: str, console: Console
) -> None:
    """Print a replay comparison for people."""
    console.print(f"[bold]record {record.id} replayed[/bold] as of {as_of} ({mode} reading)")
    if diff.verdict_changed:
        console.print(f"verdict: {diff.verdict_before} → [bold]{diff.verdict_after}[/bold]")
    else:
        console.print(f"verdict: {diff.verdict_after} (unchanged)")
    for sign, label, findings in (("+", "added", diff.added), ("-", "removed", diff.removed)):
        for f in findings:
            console.print(
                f"  {sign} finding {label}: {escape(str(f.get('rule_id')))} "
                f"{escape(str(f.get('subject')))} → {f.get('verdict')}: "
                f"{escape(str(f.get('summary', '')))}"
            )
    for change in diff.changed:
        parts = ", ".join(
            f"{k}: {escape(str(change.before.get(k)))} → {escape(str(change.after.get(k)))}"
            for k in change.fields
        )
        console.print(f"  ~ finding changed: {change.rule_id} {change.subject}: {parts}")
    for v in diff.versions_changed:
        console.print(f"  version {v.path}: {escape(str(v.before))} → {escape(str(v.after))}")
    if diff.is_empty:
        console.print("no change: same verdict, findings and versions")


def register(app: typer.Typer) -> None:
    """Add the `audit` commands to ``app``."""
    app.add_typer(audit_app, name="audit")
