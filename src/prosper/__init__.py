"""Prosper: a compliance engine for AI technology trade between the US, Korea and others."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

# the compiled matching modules when a build matches the source (prosper.native); no file is
# read here, and PROSPER_NATIVE=0 keeps the pure Python ones
from prosper.native import install as _install_native

_install_native()
