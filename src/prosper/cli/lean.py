"""The lean start-up paths of ``prosper screen NAME`` and ``prosper check FILE``: no Typer, no
SQLAlchemy (and for the screen, no pydantic).

Importing Typer (and the click, rich and pydantic it brings) and SQLAlchemy (for the audit
log) cost more CPU than screening the name. :func:`parse_screen` reads the common options of a
one-name screen straight from ``argv``; :func:`screen_argv` runs them through the same code as
the Typer command (:func:`prosper.cli.screen_name.screen_name`) and records the screen with the
standard-library SQLite writer (:mod:`prosper.audit.lite`, the same record).

Anything it does not recognise exactly — ``--help``, ``--file`` and the batch options, an
unknown or repeated option, a value that does not read as Typer would read it, a value or
name starting with ``-`` — makes :func:`parse_screen` return None and the full Typer app
runs instead, before anything was read or written, so its messages and exit codes stay the
only ones for those cases.

``prosper check FILE`` the same way: :func:`parse_check` reads its options (``--json``,
``--dry-run``, ``--as-of``, ``--mode``, ``--fail-on``, ``--encoding``) and :func:`check_argv`
runs them through the Typer command's code (:func:`prosper.cli.decision.run_check_request`,
which records a check through the standard-library SQLite writer when it applies).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from prosper.cli.decision import CheckRequest
from prosper.cli.screen_name import NameRequest, err
from prosper.errors import ProsperError

_VALUES = {"--type": "type", "--dob": "dob", "--gender": "gender"}
_MANY = {"--country": "country", "--id": "ids", "--source": "source"}
_FLAGS = {"--json": "as_json", "--dry-run": "dry_run"}
# plain decimals only: anything Typer might read otherwise (".5", "1e-1", "+1", "010") is its
_FLOAT = re.compile(r"(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,17})?\Z")
_INT = re.compile(r"(?:0|[1-9][0-9]{0,8})\Z")


def parse_screen(args: list[str]) -> NameRequest | None:
    """The request of ``prosper screen ARGS`` (the arguments after ``screen``), or None when
    the full command line parser must read them (see the module's notes).

    >>> parse_screen(["Kim Jong Un", "--json", "--country=KP", "--threshold", "0.9"])
    ... # doctest: +NORMALIZE_WHITESPACE
    NameRequest(name='Kim Jong Un', type=None, country=('KP',), dob=None, gender=None, ids=(),
                source=(), threshold=0.9, limit=10, as_json=True, dry_run=False)
    >>> [parse_screen(a) for a in (["--help"], ["A", "--file", "x.csv"], ["A", "B"], ["-x"])]
    [None, None, None, None]
    """
    found: dict[str, Any] = {}
    many: dict[str, list[str]] = {key: [] for key in _MANY.values()}
    name: str | None = None
    rest = list(args)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            if name is not None:
                return None  # an extra argument: Typer's usage error
            name = token
            continue
        option, eq, value = token.partition("=")
        if option in _FLAGS:
            if eq or _FLAGS[option] in found:
                return None
            found[_FLAGS[option]] = True
            continue
        if (
            option not in _VALUES
            and option not in _MANY
            and option not in ("--threshold", "--limit")
        ):
            return None  # --help, --file, an unknown option, a short option, "--"
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        elif value.startswith("-"):
            return None
        if option in _MANY:
            many[_MANY[option]].append(value)
            continue
        key = _VALUES.get(option) or option[2:]
        if key in found:
            return None  # a repeated single option: leave "last one wins" to Typer
        if key == "threshold":
            if not _FLOAT.match(value):
                return None
            found[key] = float(value)
        elif key == "limit":
            if not _INT.match(value):
                return None
            found[key] = int(value)
        else:
            found[key] = value
    found.update((key, tuple(values)) for key, values in many.items())
    return NameRequest(name=name, **found)


def screen_argv(args: list[str]) -> int | None:
    """Run ``prosper screen ARGS`` on the lean path: its exit code, or None (nothing done)
    when the full Typer app must run it. Errors print and exit as :func:`prosper.cli.main`'s."""
    request = parse_screen(args)
    if request is None:
        return None
    from prosper.cli.screen_name import check_threshold, screen_name
    from prosper.settings import load_settings

    try:
        settings = load_settings()
        used = check_threshold(request.threshold, settings)
        screen_name(settings, used, request, lean=True)
    except ProsperError as exc:
        err(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:  # Typer's (vendored click) main turns it into a silent exit 130
        return 130
    sys.stdout.flush()
    return 0


_CHECK_VALUES = {
    "--as-of": "as_of",
    "--mode": "mode",
    "--fail-on": "fail_on",
    "--encoding": "encoding",
}
_CHECK_FLAGS = {"--json": "as_json", "--dry-run": "dry_run"}


def parse_check(args: list[str]) -> CheckRequest | None:
    """The request of ``prosper check ARGS`` (the arguments after ``check``), or None when
    the full command line parser must read them (as :func:`parse_screen`).

    >>> parse_check(["tx.yaml", "--json", "--mode=literal", "--fail-on", "review"])
    ... # doctest: +NORMALIZE_WHITESPACE
    CheckRequest(transaction=PosixPath('tx.yaml'), as_of=None, mode='literal', as_json=True,
                 fail_on='review', encoding=None, dry_run=False)
    >>> [parse_check(a) for a in (["--help"], ["a.yaml", "b.yaml"], [], ["a.yaml", "-x"])]
    [None, None, None, None]
    """
    found: dict[str, object] = {}
    path: str | None = None
    rest = list(args)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            if path is not None or not token:
                return None  # an extra argument or an empty path: Typer's to read
            path = token
            continue
        option, eq, value = token.partition("=")
        if option in _CHECK_FLAGS:
            if eq or _CHECK_FLAGS[option] in found:
                return None
            found[_CHECK_FLAGS[option]] = True
            continue
        key = _CHECK_VALUES.get(option)
        if key is None or key in found:
            return None  # --help, an unknown or repeated option, a short option, "--"
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        elif value.startswith("-"):
            return None
        found[key] = value
    if path is None:
        return None  # Typer's "missing argument"
    return CheckRequest(transaction=Path(path), **found)  # type: ignore[arg-type]


def check_argv(args: list[str]) -> int | None:
    """Run ``prosper check ARGS`` on the lean path: its exit code, or None (nothing done)
    when the full Typer app must run it. Errors print and exit as :func:`prosper.cli.main`'s."""
    request = parse_check(args)
    if request is None:
        return None
    from prosper.cli.decision import run_check_request

    try:
        code = run_check_request(request)
    except ProsperError as exc:
        err(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    sys.stdout.flush()
    return code
