"""`prosper classify` commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `classify` commands to ``app``."""
