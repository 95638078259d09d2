"""Official list files into sources: gather the files behind folders, files and URLs, read them.

Used by ``prosper lists update`` (:mod:`prosper.lists.update`) and ``prosper lists diff``
(:mod:`prosper.lists.sides`). Nothing here writes a snapshot.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from prosper.errors import InputError, ListDataError, NotFoundError
from prosper.lists.common import Problem
from prosper.lists.download import DownloadLimits, Progress, download, split_checksum
from prosper.lists.guard import check_complete
from prosper.lists.snapshot import Snapshot, SourceInfo
from prosper.lists.sources import SOURCE_ORDER, build_source, classify_file, group_files
from prosper.model import Entity


def _quiet(_: str) -> None:
    return None


def gunzip(path: Path, folder: Path) -> Path:
    """``X.gz`` decompressed into ``folder`` as ``X`` (a cut gzip stream is refused)."""
    target = folder / path.name[: -len(".gz")]
    try:
        with gzip.open(path, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (OSError, EOFError) as exc:
        raise ListDataError(f"{path.name}: not a complete gzip file ({exc})") from None
    return target


def _known(path: Path, where: str) -> Path:
    if classify_file(path.name) is None:
        raise InputError(f"{where}: {path.name} is not a known official list file name")
    return path


def collect_files(
    locations: Sequence[str],
    folder: Path,
    progress: Progress = _quiet,
    limits: DownloadLimits | None = None,
) -> list[Path]:
    """Local paths of the official files behind ``locations`` (folders, files or URLs).

    URLs are downloaded into ``folder``; ``.gz`` files are decompressed there. A folder
    contributes every official file in it (``X.gz`` counts as ``X``).

    Raises:
        NotFoundError: a path does not exist.
        InputError: a URL cannot be fetched, a file name is not an official list file, or a
            folder holds none.
        ListDataError: a ``.gz`` file is cut short.
    """
    paths: list[Path] = []
    for location in locations:
        if location.startswith(("http://", "https://")):
            progress(f"downloading {location}")
            path = download(split_checksum(location), folder, progress, limits)
            if path.name.lower().endswith(".gz"):
                path = gunzip(path, folder)
            paths.append(_known(path, location))
            continue
        path = Path(location).expanduser()
        if path.is_dir():
            found = []
            for p in sorted(path.iterdir()):
                plain = p.name[:-3] if p.name.lower().endswith(".gz") else p.name
                if p.is_file() and classify_file(plain):
                    found.append(gunzip(p, folder) if plain != p.name else p)
            if not found:
                raise InputError(f"{path}: no official list files in this folder")
            paths.extend(found)
        elif path.is_file():
            if path.name.lower().endswith(".gz"):
                paths.append(_known(gunzip(path, folder), str(path)))
            else:
                paths.append(_known(path, str(path)))
        else:
            raise NotFoundError(f"{path}: no such file or folder")
    return paths


@dataclass(frozen=True)
class ReadSource:
    """One source read from files: its facts, entities, row problems and files by role."""

    info: SourceInfo
    entities: tuple[Entity, ...]
    problems: tuple[Problem, ...]
    files: Mapping[str, Path]


def read_sources(
    paths: Sequence[Path], *, origin: str, progress: Progress = _quiet
) -> list[ReadSource]:
    """Read official files into sources (ordered as :data:`SOURCE_ORDER`, then the rest).

    Raises:
        ListDataError: a file is malformed as a whole or cut short.
        InputError: the files do not form complete sources.
    """
    for path in paths:
        check_complete(path)
    groups = group_files(paths)
    grouped = {p for roles in groups.values() for p in roles.values()}
    for path in paths:
        if path not in grouped:  # e.g. an HTML error page saved as consolidated.xml
            raise ListDataError(f"{path.name}: not a list file this installation can read")
    order = [s for s in SOURCE_ORDER if s in groups] + sorted(set(groups) - set(SOURCE_ORDER))
    out: list[ReadSource] = []
    for source in order:
        names = ", ".join(p.name for p in groups[source].values())
        progress(f"reading {source} ({names})")
        data = build_source(source, groups[source], origin=origin)
        out.append(ReadSource(data.info, data.entities, data.problems, groups[source]))
    return out


def snapshot_from_files(locations: Sequence[str], progress: Progress = _quiet) -> Snapshot:
    """A snapshot of just the sources in the given official files (used by ``lists diff``)."""
    with tempfile.TemporaryDirectory(prefix="prosper-lists-") as tmp:
        paths = collect_files(locations, Path(tmp), progress)
        read = read_sources(paths, origin="files", progress=progress)
    return Snapshot(
        sources=tuple(r.info for r in read),
        entities=tuple(e for r in read for e in r.entities),
    )
