"""How much one input document may hold: :class:`InputLimits` (settings ``PROSPER_MAX_*``).

Apart from the document reader (:mod:`prosper.reader`, which re-exports it) so that reading the
settings does not import the reader and its YAML library: a one-name ``prosper screen`` reads
no document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputLimits:
    """How much one document may hold (settings ``PROSPER_MAX_*``)."""

    max_bytes: int = 1_048_576
    """Largest document: 1 MiB holds a transaction with hundreds of parties."""
    max_depth: int = 32
    """Deepest nesting of mappings and lists (a transaction needs about 8)."""
    max_parties: int = 1_000
    """Most parties in one transaction."""
    max_items: int = 1_000
    """Most items in one transaction."""
    max_transfers: int = 1_000
    """Most data transfers in one transaction."""
