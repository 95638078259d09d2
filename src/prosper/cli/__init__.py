"""The ``prosper`` command line: a thin edge over the core.

Each command group lives in its own module with a ``register(app)`` function; this module
builds the Typer app and maps :class:`~prosper.errors.ProsperError` to the contract's exit
codes (0 evaluated, 2 bad input, 3 ``--fail-on`` reached, 1 internal error).
"""

from __future__ import annotations

import sys

import typer

from prosper.errors import ProsperError

app = typer.Typer(
    name="prosper",
    help="Compliance engine for AI technology trade: screening, export controls, data transfers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    from prosper import casework
    from prosper.cli import (
        alerts,
        audit,
        check,
        classify,
        keys,
        lists,
        parties,
        rules,
        screen,
        serve,
        webhooks,
    )

    for module in (screen, classify, check, lists, rules, audit, serve, keys):
        module.register(app)
    for module in (parties, alerts, webhooks):
        module.register(app)
    casework.enable_rescreen_on_update()  # `lists update` re-screens the register's delta


_register_all()


def main() -> None:
    """Console-script entry point: run the app, turning Prosper errors into exit codes."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(n) is returned, not raised, here
            sys.exit(code)
    except ProsperError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # click usage errors arrive here too
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
        # Typer >= 0.25 raises its own vendored click exceptions (typer._click), which are
        # not click.ClickException: recognise them by shape (UsageError.exit_code is 2).
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
