"""CLI test helper: run the Typer app in-process, mapping errors as ``prosper.cli.main`` does."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from prosper.cli import app
from prosper.errors import ProsperError


@dataclass(frozen=True)
class Outcome:
    """Exit code, stdout and the one-line error of a command."""

    code: int
    stdout: str
    error: str


def invoke(*args: str) -> Outcome:
    """Invoke ``prosper ARGS`` in this process."""
    result = CliRunner().invoke(app, list(args))
    exc = result.exception
    if isinstance(exc, ProsperError):
        return Outcome(exc.exit_code, result.stdout, str(exc))
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc
    return Outcome(result.exit_code, result.stdout, result.stdout if result.exit_code else "")
