"""`prosper screen` commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `screen` commands to ``app``."""
