"""The ``prosper`` command line: a thin edge over the core.

Each command group lives in its own module with a ``register(app)`` function; this module
builds the Typer app and maps :class:`~prosper.errors.ProsperError` to the contract's exit
codes (0 evaluated, 2 bad input, 3 ``--fail-on`` reached, 1 internal error).

Start-up is lazy: :func:`main` imports only the module of the command being run (``prosper
screen`` never imports the server, the database layer or the list downloaders), and the
complete app (``prosper.cli.app``, for ``--help`` and tests) is built on first use. A one-name
``prosper screen NAME`` or a ``prosper check FILE`` with the common options does not even import
Typer: it runs on the lean path (:mod:`prosper.cli.lean`), which hands anything else back to the
Typer app untouched.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING

from prosper.errors import ProsperError

if TYPE_CHECKING:
    import typer

HELP = "Compliance engine for AI technology trade: screening, export controls, data transfers."
# command → the cli module registering it, in the order of the help page
COMMANDS = {
    "screen": "screen",
    "match": "screen",
    "classify": "classify",
    "check": "check",
    "lists": "lists",
    "rules": "rules",
    "audit": "audit",
    "serve": "serve",
    "keys": "keys",
    "parties": "parties",
    "alerts": "alerts",
    "webhooks": "webhooks",
}
_INSTALLS_LISTS = {"lists", "serve"}  # commands that may install a list update


def build_app(command: str | None = None) -> typer.Typer:
    """The Typer app with every command, or only with ``command``'s module when it is known.

    The list install hook (re-screening the register's delta) is enabled for the commands
    that can install a list update (``lists``, ``serve``); not for the complete app, so that
    importing it (``prosper --help``) loads no list module.
    """
    import typer

    app = typer.Typer(
        name="prosper",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root() -> None:  # keeps a one-module app a group: `prosper screen NAME` stays so
        pass

    only = COMMANDS.get(command or "")
    modules = [only] if only else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(f"prosper.cli.{module}").register(app)
    if only in _INSTALLS_LISTS:  # not for the complete app: `--help` loads no list module
        from prosper import casework

        casework.enable_rescreen_on_update()  # `lists update` re-screens the register's delta
    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the complete app, built once on first use
        app = build_app()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: run the app, turning Prosper errors into exit codes.

    ``prosper screen NAME`` and ``prosper check FILE`` run on the lean path when they can
    (:mod:`prosper.cli.lean`). They and the help pages run within
    :func:`~prosper.cli.oneshot.one_shot_collector`: a process that answers once and exits,
    whose objects the garbage collector need not walk."""
    from prosper.cli.oneshot import one_shot_collector

    if sys.argv[1:2] in (["screen"], ["check"]):
        with one_shot_collector():
            from prosper.cli.lean import check_argv, screen_argv

            run = screen_argv if sys.argv[1] == "screen" else check_argv
            code = run(sys.argv[2:])
        if code is not None:
            if code:
                sys.exit(code)
            return
    with one_shot_collector() if asks_for_help(sys.argv[1:]) else nullcontext():
        run_app()


def asks_for_help(args: list[str]) -> bool:
    """True for ``prosper``, ``prosper --help`` and ``prosper COMMAND … --help`` (a help page,
    printed by a process that then exits: :func:`~prosper.cli.oneshot.one_shot_collector`
    applies).

    >>> [asks_for_help(a) for a in ([], ["--help"], ["audit", "recover", "--help"])]
    [True, True, True]
    >>> [asks_for_help(a) for a in (["serve"], ["audit", "recover", "--reason", "--help"])]
    [False, False]
    """
    if not args:
        return True
    return args[-1] == "--help" and not any(a.startswith("-") for a in args[:-1])


def run_app() -> None:
    """Run the Typer app on ``sys.argv`` (every command; :func:`main` without the lean path)."""
    import typer

    command = sys.argv[1] if len(sys.argv) > 1 else None
    app = build_app(command)
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
