"""Prosper: a compliance engine for AI technology trade between the US, Korea and others."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
