"""`prosper lists` commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `lists` commands to ``app``."""
