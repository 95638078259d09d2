"""Best-effort files in the data folder's cache: written whole or not at all.

The caches that spare a command its start-up work (parsed rulebook YAML, the compiled
rulebook, the validated list-age limits) are only ever a saving: a folder that cannot be
written costs the work again next time, never an error. Standard library only (the lean
command-line paths import it).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def keep_text(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then
    :func:`os.replace`), creating the folder; False, and nothing left behind, when the folder
    cannot be written."""
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    return True
