"""`prosper audit list|show|verify|replay`: read, check and re-run the decision log.

The log is the one named by ``PROSPER_DB_URL`` (default: SQLite in the per-user data folder).
``verify`` exits 1 with one line naming the first bad record when the chain is broken;
an unknown record id exits 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from prosper.errors import AuditIntegrityError, InputError
from prosper.settings import load_settings

if TYPE_CHECKING:  # SQLAlchemy is imported only when an audit command runs
    from prosper.audit import AuditLog, AuditRecord, DecisionDiff

audit_app = typer.Typer(
    name="audit",
    help="The tamper-evident decision log: list, show, verify, replay.",
    no_args_is_help=True,
)


@contextmanager
def _open_log() -> Iterator[AuditLog]:
    from prosper.audit import AuditLog

    log = AuditLog.open(load_settings().db_url)
    try:
        yield log
    finally:
        log.close()


def _print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


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
    """List recorded decisions: id, time, actor, kind, transaction id, verdict."""
    with _open_log() as log:
        records = log.list(limit=limit, offset=offset, kind=kind)
    rows = [_summary(r) for r in records]
    if as_json:
        _print_json({"records": rows})
        return
    console = Console()
    if not rows:
        console.print("the audit log is empty")
        return
    table = Table()
    for column in ("id", "time (UTC)"):
        table.add_column(column, no_wrap=True)
    for column in ("actor", "kind", "transaction", "verdict"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["created_at"][:19].replace("T", " "),
            escape(row["actor"]),
            row["kind"],
            escape(str(row["transaction_id"] or "-")),
            str(row["verdict"] or "-"),
        )
    console.print(table)


@audit_app.command("show")
def show(
    record_id: int = typer.Argument(..., metavar="ID", help="Record id."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as one JSON document."),
) -> None:
    """Show one record: input, decision, versions and its place in the hash chain."""
    with _open_log() as log:
        record = log.get(record_id)
    if as_json:
        _print_json(record.to_dict())
        return
    console = Console()
    summary = _summary(record)
    console.print(f"[bold]audit record {record.id}[/bold] ({record.kind})")
    for label, value in (
        ("time", record.created_at),
        ("actor", record.actor),
        ("transaction", summary["transaction_id"] or "-"),
        ("verdict", summary["verdict"] or "-"),
        ("prev_hash", record.prev_hash),
        ("hash", record.hash),
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
            Console().print(
                f"ok: {report.checked} records verified; head {report.head_id} {report.head_hash}",
                soft_wrap=True,
            )
        return
    if not as_json:
        console = Console(stderr=True)
        for problem in report.problems[1:]:
            console.print(f"  also: {escape(str(problem))}")
    more = len(report.problems) - 1
    suffix = f" (+{more} more)" if more else ""
    raise AuditIntegrityError(f"{report.problems[0]}{suffix}")


@audit_app.command("replay")
def replay(
    record_id: int = typer.Argument(..., metavar="ID", help="Record id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Re-evaluate a recorded check with today's engine and show what changed.

    The recorded input (with the ``as_of`` date it was decided under) and mode are evaluated
    again; the new decision is not recorded. Exit 0 whether or not anything changed.
    """
    with _open_log() as log:
        record = log.get(record_id)
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
