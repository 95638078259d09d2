"""Writing snapshots: the embedded default (build time) and installed ones (``lists update``).

An installed snapshot is written in full into a temporary folder next to its final place,
flushed to disk (``fsync`` of every file and of the folder), checked against its own manifest
(every data file's sha256), renamed into ``snapshots/<name>`` and only then made current by
replacing the ``CURRENT`` pointer file with :func:`os.replace` (atomic on POSIX). A failure —
or a ``kill -9`` — at any step leaves ``CURRENT``, and so the last good snapshot, untouched;
the next update removes the temporary folder. Callers hold the update lock
(:mod:`prosper.lists.lock`), so two installs never interleave.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from prosper.errors import ListDataError
from prosper.lists.codec import dump_source
from prosper.lists.snapshot import (
    CURRENT,
    FORMAT,
    MANIFEST,
    SNAPSHOTS,
    SourceInfo,
    source_info_to_dict,
)
from prosper.model import Entity

# installed snapshots kept besides the current one (older ones are pruned)
KEEP_SNAPSHOTS = 3

# prefix of every temporary folder an update makes (pruned by the next update)
TMP_PREFIX = ".tmp-"


def write_snapshot_dir(
    target: Path,
    sources: Sequence[tuple[SourceInfo, Sequence[Entity]]],
    blobs: Mapping[str, bytes] | None = None,
) -> None:
    """Write ``manifest.json`` and one ``<source>.json.gz`` per source into ``target``.

    ``blobs`` holds already-encoded data of sources carried over unchanged from the current
    snapshot (checked against its manifest when it was loaded), which saves re-encoding.
    """
    target.mkdir(parents=True, exist_ok=True)
    entries = []
    for info, entities in sources:
        blob = None if blobs is None else blobs.get(info.source)
        if blob is None:
            blob, version = dump_source(info.source, entities)
            if version != info.version:
                raise ValueError(f"{info.source}: version {info.version} does not match its data")
        data_file = f"{info.source}.json.gz"
        (target / data_file).write_bytes(blob)
        entries.append(source_info_to_dict(info, data_file, hashlib.sha256(blob).hexdigest()))
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (target / MANIFEST).write_text(text, encoding="utf-8")


def install_snapshot(
    snapshot_dir: Path,
    sources: Sequence[tuple[SourceInfo, Sequence[Entity]]],
    blobs: Mapping[str, bytes] | None = None,
) -> Path:
    """Write a new snapshot under ``snapshot_dir`` and make it current atomically.

    Returns:
        The folder of the new snapshot.
    """
    root = snapshot_dir / SNAPSHOTS
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    work = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{stamp}-", dir=root))
    try:
        write_snapshot_dir(work, sources, blobs)
        verify_snapshot_files(work)
        _sync_tree(work)
        final = root / stamp
        os.rename(work, final)
        _sync_dir(root)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    pointer_tmp = snapshot_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with pointer_tmp.open("w", encoding="utf-8") as handle:
        handle.write(stamp + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, snapshot_dir / CURRENT)
    _sync_dir(snapshot_dir)
    _prune(root, keep={final.name, _current_name(snapshot_dir)})
    return final


def verify_snapshot_files(folder: Path) -> None:
    """Check every data file of a written snapshot folder against its manifest's sha256.

    Raises:
        ListDataError: a file is missing or differs (the folder is not swapped in).
    """
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["sources"]:
        data = folder / str(entry["data_file"])
        if hashlib.sha256(data.read_bytes()).hexdigest() != entry["data_sha256"]:
            raise ListDataError(f"{data}: written data does not match its manifest")


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    _sync_dir(folder)


def _current_name(snapshot_dir: Path) -> str:
    try:
        return (snapshot_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _prune(root: Path, keep: set[str]) -> None:
    # never the new snapshot nor the one CURRENT names (another update may have swapped it)
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    old = [n for n in names if n not in keep][: max(0, len(names) - 1 - KEEP_SNAPSHOTS)]
    for name in old:
        shutil.rmtree(root / name, ignore_errors=True)


def prune_temporary(snapshot_dir: Path) -> int:
    """Remove what killed updates left: ``.tmp-*`` folders and ``.CURRENT.*.tmp`` files.

    Call it only while holding the update lock (then no update is writing them).
    """
    count = 0
    for folder in (snapshot_dir, snapshot_dir / SNAPSHOTS):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.name.startswith(TMP_PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                count += 1
            elif entry.name.startswith(f".{CURRENT}.") and entry.name.endswith(".tmp"):
                entry.unlink(missing_ok=True)
                count += 1
    return count
