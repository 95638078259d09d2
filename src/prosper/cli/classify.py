"""`prosper classify ITEM.(yaml|json)`: TPP, performance density and classification of an item."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console


def classify(
    item_file: Path = typer.Argument(
        ..., help="Item file (.yaml or .json), fields as in `items[]`."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Classify under the rules of DATE."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Compute TPP and performance density and classify the item (3A090/4A090/.z/4E091)."""
    from prosper.controls.report import classify_document
    from prosper.service import read_document
    from prosper.settings import load_settings
    from prosper.values import parse_date

    when = parse_date(as_of, "--as-of")
    raw = read_document(item_file, field="ITEM_FILE", limits=load_settings().input_limits)
    report = classify_document(raw, when)
    on = report["as_of"]
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console()
    console.print(f"[bold]{report['description']}[/bold] ({report['kind']}) — as of {on}")
    for key in ("tpp", "performance_density", "classification", "declared_eccn", "kr_fta"):
        if report[key] is not None:
            console.print(f"{key}: {report[key]}")
    subj = report["subject_to_ear"]
    console.print(f"subject to the EAR: {subj['value']} — {subj['basis']}")
    if report["disagreement"]:
        console.print(f"[yellow]{report['disagreement']}[/yellow]")
    for note in report["notes"]:
        console.print(f"[dim]• {note}[/dim]")
    if report["missing"]:
        console.print(f"[yellow]missing: {', '.join(report['missing'])}[/yellow]")


def register(app: typer.Typer) -> None:
    """Add the `classify` command to ``app``."""
    app.command("classify")(classify)
