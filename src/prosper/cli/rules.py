"""`prosper rules` commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `rules` commands to ``app``."""
