"""`prosper rules show|check|test`: the rulebook's rules in force, validation and its own cases."""

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

rules_app = typer.Typer(
    name="rules", help="The rulebook: version, validation, its own cases.", no_args_is_help=True
)


def _date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"not an ISO date (YYYY-MM-DD): {value!r}", field="--on") from None


MANIFEST_OPTION = typer.Option(
    None, "--manifest", help="Another rulebook manifest (default: the package's rules)."
)


def _load(manifest: Path | None) -> Any:
    from prosper.rulebook import load_rulebook

    if manifest is not None and not manifest.is_file():
        raise InputError("no such manifest file", field="--manifest")
    return load_rulebook(manifest)


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


@rules_app.command("show")
def show(
    on: str | None = typer.Option(None, "--on", help="Rules in force on DATE (default today)."),
    regime: str | None = typer.Option(None, "--regime", help="Only this regime (e.g. US-EAR)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    manifest: Path | None = MANIFEST_OPTION,
) -> None:
    """List the rules in force on a date, with their status, dates, outcome and citation."""
    from prosper.rulebook import REGIMES

    when = _date(on)
    if regime is not None and regime not in REGIMES:
        raise InputError(
            f"unknown regime {regime!r} (one of {', '.join(REGIMES)})", field="--regime"
        )
    book = _load(manifest)
    rules = book.rules_in_force(when, regime)
    if as_json:
        _emit(
            {
                "rulebook": book.id,
                "version": book.version,
                "digest": book.digest,
                "on": when.isoformat(),
                "regime": regime,
                "rules": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "regime": r.regime,
                        "status": r.status,
                        "effective_from": r.effective_from.isoformat(),
                        "effective_to": None
                        if r.effective_to is None
                        else r.effective_to.isoformat(),
                        "verdict": r.then.verdict.value,
                        "review_policy": None
                        if r.then.review_policy is None
                        else r.then.review_policy.value,
                        "license_exception": r.then.license_exception,
                        "citation": {
                            "source": r.citation.source,
                            "section": r.citation.section,
                            "url": r.citation.url,
                        },
                        "evidence": r.evidence,
                        "rationale": r.rationale,
                        "file": r.file,
                    }
                    for r in rules
                ],
            }
        )
        return
    console = Console()
    console.print(
        f"[bold]{book.id} {book.version}[/bold] {book.digest} — "
        f"{len(rules)} rules in force on {when}"
    )
    table = Table(expand=True)
    for col in ("id", "status", "from", "to", "verdict", "citation"):
        table.add_column(col, overflow="fold")
    for r in rules:
        table.add_row(
            r.id,
            r.status,
            r.effective_from.isoformat(),
            "" if r.effective_to is None else r.effective_to.isoformat(),
            r.then.verdict.value,
            str(r.citation),
        )
    console.print(table)


@rules_app.command("check")
def check(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    manifest: Path | None = MANIFEST_OPTION,
) -> None:
    """Load and validate the manifest, every rule file, case file and table (exit 2 on an error)."""
    book = _load(manifest)
    doc = {
        "rulebook": book.id,
        "version": book.version,
        "digest": book.digest,
        "rule_files": list(book.rule_files),
        "rules": len(book.rules),
        "cases": len(book.cases),
        "tables": sorted(book.tables),
        "valid": True,
    }
    if as_json:
        _emit(doc)
        return
    typer.echo(
        f"ok: {book.id} {book.version} {book.digest}: {len(book.rules)} rules in "
        f"{len(book.rule_files)} files, {len(book.cases)} cases, {len(book.tables)} tables"
    )


@rules_app.command("test")
def run_tests(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    manifest: Path | None = MANIFEST_OPTION,
) -> None:
    """Run every rule case under each of its readings; exit 1 when a case fails."""
    book = _load(manifest)
    report = book.run_cases()
    failed = report.failed
    if as_json:
        _emit(
            {
                "rulebook": book.id,
                "version": book.version,
                "digest": book.digest,
                "runs": len(report.results),
                "passed": report.passed,
                "failed": [
                    {
                        "case": r.case.id,
                        "file": r.case.file,
                        "reading": r.reading,
                        "problems": list(r.problems),
                    }
                    for r in failed
                ],
            }
        )
    else:
        for r in failed:
            typer.echo(f"FAIL {r.case.file} {r.case.id} [{r.reading}]: {'; '.join(r.problems)}")
        typer.echo(
            f"{report.passed}/{len(report.results)} case runs passed "
            f"({len(book.cases)} cases, {book.version} {book.digest})"
        )
    if failed or not report.results:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `rules` command group to ``app``."""
    app.add_typer(rules_app, name="rules")
