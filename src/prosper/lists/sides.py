"""The two sides of ``prosper lists diff``: a named snapshot, a snapshot folder or raw files."""

from __future__ import annotations

from pathlib import Path

from prosper.errors import NotFoundError
from prosper.lists.snapshot import (
    MANIFEST,
    Snapshot,
    load_embedded_snapshot,
    load_snapshot,
    load_snapshot_dir,
)


def load_side(spec: str, snapshot_dir: Path) -> Snapshot:
    """Load one side of a diff.

    ``embedded`` is the default shipped in the package; ``current`` the snapshot in use
    (installed if any, else embedded); a folder with a ``manifest.json`` is a snapshot
    folder; anything else is read as official list files (a folder, a file or a URL).
    """
    if spec == "embedded":
        return load_embedded_snapshot()
    if spec == "current":
        return load_snapshot(snapshot_dir)
    path = Path(spec).expanduser()
    if path.is_dir() and (path / MANIFEST).is_file():
        return load_snapshot_dir(path)
    if not spec.startswith(("http://", "https://")) and not path.exists():
        raise NotFoundError(f"{spec}: no such snapshot, file or folder")
    from prosper.lists.collect import snapshot_from_files

    return snapshot_from_files([spec])
