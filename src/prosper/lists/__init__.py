"""Official list readers, list snapshots (embedded default and installed), deltas and updates.

The public surface others build on::

    from prosper.lists import load_snapshot, Snapshot, SourceInfo, FileInfo
    snapshot = load_snapshot(settings.snapshot_dir)   # installed if current, else embedded
    snapshot.entities, snapshot.sources, snapshot.versions()
"""

from __future__ import annotations

from prosper.lists.snapshot import (
    FileInfo,
    Snapshot,
    SourceInfo,
    load_embedded_snapshot,
    load_snapshot,
)

__all__ = ["FileInfo", "Snapshot", "SourceInfo", "load_embedded_snapshot", "load_snapshot"]
