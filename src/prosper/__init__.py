"""Prosper: a compliance engine for trade in AI technology between the US, Korea and third countries."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
