"""List snapshots: the embedded default and the one ``prosper lists update`` installs.

A snapshot is a folder with ``manifest.json`` (one :class:`SourceInfo` per source, with the
provenance of every official file) and one ``<source>.json.gz`` per source (see
:mod:`prosper.lists.codec`). The embedded default lives in the package
(``prosper/data/lists``); installed snapshots live under the settings' ``snapshot_dir``::

    <snapshot_dir>/CURRENT              name of the current snapshot (swapped atomically)
    <snapshot_dir>/snapshots/<name>/    manifest.json + <source>.json.gz
"""

from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from prosper.errors import ListDataError
from prosper.lists.codec import load_source
from prosper.model import Entity
from prosper.packagedata import package_folder

MANIFEST = "manifest.json"
CURRENT = "CURRENT"
SNAPSHOTS = "snapshots"
FORMAT = 1


@dataclass(frozen=True)
class FileInfo:
    """One official file a source was built from."""

    name: str
    sha256: str
    size: int
    provenance: str


OFFICIAL = "official"
DERIVED = "derived"
UNKNOWN_DATE = "unknown"


@dataclass(frozen=True)
class SourceInfo:
    """One source of a snapshot: what it is, when it was published, its content version.

    ``published`` is the publication date the data itself states (``YYYY-MM-DD``: the file's
    own date field, or the newest listing date in it) or ``unknown`` — never a file's
    modification time; ``published_basis`` says which (e.g. ``dateGenerated``). ``status`` is
    ``official`` (the publisher's own file format) or ``derived`` (a third party's rendering of
    it), and ``lacks`` names the official columns a derived source does not carry. ``notes``
    are further provenance facts (e.g. which entries an auxiliary file could not cover).
    Manifests written before these fields existed read as ``official`` with basis
    ``not recorded``.
    """

    source: str
    label: str
    published: str
    version: str
    entity_count: int
    name_count: int
    origin: str
    files: tuple[FileInfo, ...]
    status: str = OFFICIAL
    lacks: tuple[str, ...] = ()
    published_basis: str = "not recorded"
    notes: tuple[str, ...] = ()

    @property
    def derived(self) -> bool:
        """True when the source is a third party's rendering, not the official file."""
        return self.status == DERIVED


@dataclass(frozen=True)
class Snapshot:
    """Every source's entities and facts, as screening uses them."""

    sources: tuple[SourceInfo, ...]
    entities: tuple[Entity, ...]

    def versions(self) -> dict[str, str]:
        """Content version of each source: ``{"us_ofac_sdn": "sha256:…", …}``."""
        return {s.source: s.version for s in self.sources}

    def source(self, source: str) -> SourceInfo | None:
        """The :class:`SourceInfo` of ``source``, or None."""
        for info in self.sources:
            if info.source == source:
                return info
        return None

    def entities_of(self, source: str) -> tuple[Entity, ...]:
        """The entities of one source."""
        return tuple(e for e in self.entities if e.source == source)


def source_info_to_dict(info: SourceInfo, data_file: str, data_sha256: str) -> dict[str, Any]:
    """Manifest entry of a source (with the name and sha256 of its data file)."""
    return {
        "source": info.source,
        "label": info.label,
        "published": info.published,
        "version": info.version,
        "entity_count": info.entity_count,
        "name_count": info.name_count,
        "origin": info.origin,
        "data_file": data_file,
        "data_sha256": data_sha256,
        "files": [
            {"name": f.name, "sha256": f.sha256, "size": f.size, "provenance": f.provenance}
            for f in info.files
        ],
        "status": info.status,
        "lacks": list(info.lacks),
        "published_basis": info.published_basis,
        "notes": list(info.notes),
    }


def source_info_from_dict(data: dict[str, Any]) -> SourceInfo:
    """The inverse of :func:`source_info_to_dict` (without the data-file fields)."""
    return SourceInfo(
        source=str(data["source"]),
        label=str(data["label"]),
        published=str(data["published"]),
        version=str(data["version"]),
        entity_count=int(data["entity_count"]),
        name_count=int(data["name_count"]),
        origin=str(data["origin"]),
        files=tuple(
            FileInfo(str(f["name"]), str(f["sha256"]), int(f["size"]), str(f["provenance"]))
            for f in data["files"]
        ),
        status=str(data.get("status", OFFICIAL)),
        lacks=tuple(str(x) for x in data.get("lacks", ())),
        published_basis=str(data.get("published_basis", "not recorded")),
        notes=tuple(str(x) for x in data.get("notes", ())),
    )


def _read_manifest(raw: bytes, where: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(raw)
        if doc.get("format") != FORMAT:
            raise ListDataError(f"{where}: unsupported snapshot format {doc.get('format')!r}")
        sources = doc["sources"]
        if not isinstance(sources, list):
            raise TypeError("sources is not a list")
        return sources
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ListDataError(f"{where}: manifest is corrupt ({exc})") from None


def _build(manifest: list[dict[str, Any]], read: Any, where: str) -> Snapshot:
    # ~100,000 long-lived objects: the cyclic GC would rescan them over and over while they
    # are created (it costs ~40% of the load time) and they hold no reference cycles
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_sources(manifest, read, where)
    finally:
        if enabled:
            gc.enable()


def _build_sources(manifest: list[dict[str, Any]], read: Any, where: str) -> Snapshot:
    infos: list[SourceInfo] = []
    entities: list[Entity] = []
    for entry in manifest:
        try:
            info = source_info_from_dict(entry)
            data_file, expected = str(entry["data_file"]), str(entry["data_sha256"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ListDataError(f"{where}: manifest is corrupt ({exc})") from None
        blob: bytes = read(data_file)
        if hashlib.sha256(blob).hexdigest() != expected:
            raise ListDataError(f"{where}/{data_file}: sha256 does not match the manifest")
        source, loaded = load_source(blob, f"{where}/{data_file}")
        if source != info.source or len(loaded) != info.entity_count:
            raise ListDataError(f"{where}/{data_file}: does not match the manifest")
        infos.append(info)
        entities.extend(loaded)
    return Snapshot(sources=tuple(infos), entities=tuple(entities))


@lru_cache(maxsize=1)
def load_embedded_snapshot() -> Snapshot:
    """The default snapshot shipped inside the package (cached: it never changes)."""
    package = package_folder("prosper.data").joinpath("lists")
    where = "embedded snapshot"
    try:
        manifest = _read_manifest(package.joinpath(MANIFEST).read_bytes(), where)
    except FileNotFoundError:
        raise ListDataError(f"{where}: missing from the installed package") from None
    return _build(manifest, lambda name: package.joinpath(name).read_bytes(), where)


def current_snapshot_path(snapshot_dir: Path) -> Path | None:
    """Folder of the installed snapshot that ``CURRENT`` names, or None when there is none."""
    pointer = snapshot_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ListDataError(f"{pointer}: cannot read ({exc.strerror})") from None
    if not name or "/" in name or name.startswith("."):
        raise ListDataError(f"{pointer}: does not name a snapshot")
    return snapshot_dir / SNAPSHOTS / name


# loaded snapshot folders by (folder, manifest mtime): a replaced snapshot loads again
_DIR_CACHE: dict[tuple[Path, float], Snapshot] = {}
_DIR_CACHE_SIZE = 4


def _manifest_stamp(path: Path) -> float:
    try:
        return (path / MANIFEST).stat().st_mtime
    except OSError:
        raise ListDataError(f"{path}: no snapshot manifest there") from None


def remember_snapshot_dir(path: Path, snapshot: Snapshot) -> None:
    """Cache ``snapshot`` as the content of the folder ``path`` (just written by an update)."""
    if len(_DIR_CACHE) >= _DIR_CACHE_SIZE:
        _DIR_CACHE.pop(next(iter(_DIR_CACHE)))
    _DIR_CACHE[(path, _manifest_stamp(path))] = snapshot


def load_snapshot_dir(path: Path) -> Snapshot:
    """Load a snapshot folder (``manifest.json`` + data files)."""
    key = (path, _manifest_stamp(path))
    cached = _DIR_CACHE.get(key)
    if cached is not None:
        return cached
    where = str(path)
    manifest = _read_manifest((path / MANIFEST).read_bytes(), where)
    snapshot = _build(manifest, lambda name: (path / name).read_bytes(), where)
    remember_snapshot_dir(path, snapshot)
    return snapshot


def read_source_blob(snapshot_dir: Path | None, source: str) -> bytes | None:
    """The encoded data of ``source`` in the current snapshot, if its sha256 checks out."""
    path = None if snapshot_dir is None else current_snapshot_path(snapshot_dir)
    try:
        if path is None:
            folder: Any = package_folder("prosper.data").joinpath("lists")
        else:
            folder = path
        manifest = _read_manifest(folder.joinpath(MANIFEST).read_bytes(), str(folder))
        for entry in manifest:
            if entry.get("source") == source:
                blob: bytes = folder.joinpath(str(entry["data_file"])).read_bytes()
                if hashlib.sha256(blob).hexdigest() == entry.get("data_sha256"):
                    return blob
    except (OSError, ListDataError, KeyError):
        return None
    return None


def load_snapshot_sources(snapshot_dir: Path | None = None) -> tuple[SourceInfo, ...]:
    """The sources (versions, dates, counts) of the snapshot :func:`load_snapshot` would load,
    read from its manifest only: no list data is decoded (a mapped screening index holds the
    entities of these versions)."""
    path = None if snapshot_dir is None else current_snapshot_path(snapshot_dir)
    if path is None:
        folder: Any = package_folder("prosper.data").joinpath("lists")
        where = "embedded snapshot"
    else:
        folder, where = path, str(path)
    try:
        manifest = _read_manifest(folder.joinpath(MANIFEST).read_bytes(), where)
    except FileNotFoundError:
        raise ListDataError(f"{where}: no snapshot manifest there") from None
    try:
        return tuple(source_info_from_dict(entry) for entry in manifest)
    except (KeyError, TypeError, ValueError) as exc:
        raise ListDataError(f"{where}: manifest is corrupt ({exc})") from None


def load_snapshot(snapshot_dir: Path | None = None) -> Snapshot:
    """The installed snapshot in ``snapshot_dir`` if one is current there, else the embedded one.

    Args:
        snapshot_dir: usually ``Settings.snapshot_dir``; None means the embedded default.

    Raises:
        ListDataError: ``CURRENT`` names a snapshot that is missing or corrupt (Prosper never
            falls back silently to older data when an installed snapshot is broken).
    """
    if snapshot_dir is None:
        return load_embedded_snapshot()
    path = current_snapshot_path(snapshot_dir)
    if path is None:
        return load_embedded_snapshot()
    return load_snapshot_dir(path)
