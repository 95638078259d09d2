"""`prosper keys` commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `keys` commands to ``app``."""
