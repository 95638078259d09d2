"""`prosper check`: decide a transaction and record it in the audit log."""

from __future__ import annotations

from pathlib import Path

import typer

from prosper.cli.decision import CheckRequest, render_decision, run_check_request

__all__ = ["check", "register", "render_decision"]


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
    encoding: str | None = typer.Option(
        None, "--encoding", help="The file's encoding when it is not UTF-8 (e.g. cp949)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="A what-if: decide without recording it in the audit log."
    ),
) -> None:
    """Screen the parties, classify the items, assess the data transfers; record the decision.

    With --dry-run it is a what-if, not part of the official record, and the output says so.
    """
    code = run_check_request(
        CheckRequest(
            transaction=transaction,
            as_of=as_of,
            mode=mode,
            as_json=as_json,
            fail_on=fail_on,
            encoding=encoding,
            dry_run=dry_run,
        )
    )
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the `check` command to ``app``."""
    app.command("check")(check)
