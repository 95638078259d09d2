"""`prosper check`: decide a transaction and record it in the audit log."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from prosper.errors import InputError
from prosper.model import Verdict

_STYLE = {
    "prohibited": "bold red",
    "license_required": "bold yellow",
    "review": "yellow",
    "allowed_with_conditions": "cyan",
    "allowed": "green",
    "not_subject": "dim",
}


def _parse_date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"not an ISO date (YYYY-MM-DD): {value!r}", field=field) from None


def _parse_verdict(value: str | None) -> Verdict | None:
    if value is None:
        return None
    try:
        return Verdict(value)
    except ValueError:
        names = ", ".join(v.value for v in Verdict)
        raise InputError(f"unknown verdict {value!r} (one of {names})", field="--fail-on") from None


def render_decision(doc: dict[str, Any], console: Console) -> None:
    """Print a decision for people: verdict, findings with citations, divergence."""
    verdict = doc["verdict"]
    title = f"{doc.get('id') or 'transaction'} — as of {doc['as_of']} ({doc['mode']} reading)"
    console.print(f"[bold]{title}[/bold]")
    console.print(f"verdict: [{_STYLE[verdict]}]{verdict}[/]")
    table = Table(show_lines=False, expand=True)
    for col in ("verdict", "subject", "regime", "rule", "summary / citation"):
        table.add_column(col, overflow="fold")
    for f in doc["findings"]:
        text = f"{f['summary']}\n[dim]{f['citation']}[/dim]"
        if f.get("review_policy"):
            text += f"\n[dim]review policy: {f['review_policy']}[/dim]"
        for c in f.get("conditions", []):
            text += f"\n[dim]• {c}[/dim]"
        table.add_row(
            f"[{_STYLE[f['verdict']]}]{f['verdict']}[/]",
            f["subject"],
            f["regime"],
            f["rule_id"],
            text,
        )
    console.print(table)
    if doc.get("divergence"):
        for reading, block in doc["divergence"].items():
            console.print(
                f"[bold]divergence:[/bold] the {reading} reading gives "
                f"[{_STYLE[block['verdict']]}]{block['verdict']}[/]"
            )
    audit = doc.get("audit")
    if audit:
        console.print(f"[dim]audit record {audit['record_id']} {audit['hash']}[/dim]")


def check(
    transaction: Path = typer.Argument(..., help="Transaction file (.yaml or .json)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Decide under the rules in force on DATE."
    ),
    mode: str = typer.Option("enforced", "--mode", help="enforced | literal"),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as one JSON document."),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help="Exit 3 when the verdict is this restrictive or more."
    ),
) -> None:
    """Screen the parties, classify the items, assess the data transfers; record the decision."""
    from prosper.service import read_document, run_check

    when = _parse_date(as_of, "--as-of")
    threshold = _parse_verdict(fail_on)
    if mode not in {"enforced", "literal"}:
        raise InputError("must be 'enforced' or 'literal'", field="--mode")
    doc = run_check(read_document(transaction), mode=mode, as_of=when)
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        render_decision(doc, Console())
    if threshold is not None and Verdict(doc["verdict"]).severity >= threshold.severity:
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    """Add the `check` command to ``app``."""
    app.command("check")(check)
