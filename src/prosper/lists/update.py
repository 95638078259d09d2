"""``prosper lists update``: fetch official files, validate them, install a new snapshot.

Every given file is downloaded (for ``http(s)://`` URLs) into a private temporary folder and
read by its reader **before** anything is written; a missing folder, an unreachable URL or a
malformed file stops the update with an error naming it, and the current snapshot stays.
Sources not given keep their current data (embedded or installed).
"""

from __future__ import annotations

import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

from prosper.errors import InputError, ListDataError, NotFoundError
from prosper.lists.common import Problem
from prosper.lists.delta import SourceDelta, diff_snapshots
from prosper.lists.snapshot import (
    Snapshot,
    SourceInfo,
    load_snapshot,
    read_source_blob,
    remember_snapshot_dir,
)
from prosper.lists.sources import SOURCE_ORDER, build_source, classify_file, group_files
from prosper.lists.store import install_snapshot
from prosper.model import Entity

Progress = Callable[[str], None]
DOWNLOAD_TIMEOUT = 60.0
CHUNK = 1 << 16
# bytes between two progress messages of a download
PROGRESS_STEP = 1 << 20
# new data with fewer than this share of a source's current entities is refused by default
# (e.g. a 15,443-entry SDN replaced by a 5,000-row file cut short in transit)
MIN_KEPT_SHARE = 0.5


@dataclass(frozen=True)
class UpdateResult:
    """What an update installed and what changed."""

    path: Path
    snapshot: Snapshot
    updated: tuple[str, ...]
    deltas: tuple[SourceDelta, ...]
    problems: dict[str, tuple[Problem, ...]]


def _quiet(_: str) -> None:
    return None


def _filename(url: str, headers: Message | None) -> str:
    if headers is not None:
        disposition = headers.get("Content-Disposition") or ""
        match = re.search(r'filename="?([^";]+)"?', disposition)
        if match is not None:
            return Path(match.group(1)).name
    return Path(urllib.parse.urlparse(url).path).name


def _stamp(path: Path, last_modified: str | None) -> None:
    # OFAC's CSVs state no date: the server's Last-Modified becomes the file's date
    if not last_modified:
        return
    try:
        when = parsedate_to_datetime(last_modified).timestamp()
    except (TypeError, ValueError):
        return
    os.utime(path, (when, when))


def download(url: str, folder: Path, progress: Progress = _quiet) -> Path:
    """Download ``url`` into ``folder`` under its official file name.

    Raises:
        InputError: the URL cannot be fetched (unreachable, HTTP error, timeout).
    """
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
            name = _filename(url, response.headers)
            if not name or name in (".", ".."):
                raise InputError(f"{url}: cannot tell the file name")
            target = folder / name
            total = int(response.headers.get("Content-Length") or 0)
            done = reported = 0
            with target.open("wb") as out:
                while block := response.read(CHUNK):
                    out.write(block)
                    done += len(block)
                    if done - reported >= PROGRESS_STEP:
                        reported = done
                        of = f" of {total / 1e6:.1f}" if total else ""
                        progress(f"downloading {name}: {done / 1e6:.1f}{of} MB")
            size = (
                f"{done / 1e6:.1f} MB" if total == 0 else f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
            )
            progress(f"downloaded {name} ({size})")
            return target
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: download failed (HTTP {exc.code} {exc.reason})") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"{url}: download failed ({reason})") from None


def collect_files(
    locations: Sequence[str], folder: Path, progress: Progress = _quiet
) -> list[Path]:
    """Local paths of the official files behind ``locations`` (folders, files or URLs).

    URLs are downloaded into ``folder``. A folder contributes every official file in it.

    Raises:
        NotFoundError: a path does not exist.
        InputError: a URL cannot be fetched, a file name is not an official list file, or a
            folder holds none.
    """
    paths: list[Path] = []
    for location in locations:
        if location.startswith(("http://", "https://")):
            progress(f"downloading {location}")
            path = download(location, folder, progress)
            if classify_file(path.name) is None:
                raise InputError(f"{location}: {path.name} is not a known official list file")
            paths.append(path)
            continue
        path = Path(location).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and classify_file(p.name))
            if not found:
                raise InputError(f"{path}: no official list files in this folder")
            paths.extend(found)
        elif path.is_file():
            if classify_file(path.name) is None:
                raise InputError(f"{path}: not a known official list file name")
            paths.append(path)
        else:
            raise NotFoundError(f"{path}: no such file or folder")
    return paths


def _missing_aux(files: Mapping[str, Path]) -> tuple[Problem, ...]:
    """A note when an OFAC primary file comes without its address or alias file."""
    primary = files["primary"]
    found = classify_file(primary.name)
    if found is None or found[0] not in ("us_ofac_sdn", "us_ofac_cons"):
        return ()
    prefix = "cons_" if found[0] == "us_ofac_cons" else ""
    lost = {"add": "addresses", "alt": "aliases other than those in the Remarks"}
    notes = [
        Problem(primary.name, 0, f"given without {prefix}{role}.csv: the entries have no {what}")
        for role, what in lost.items()
        if role not in files
    ]
    return tuple(notes)


def read_files(
    paths: Sequence[Path], *, origin: str, progress: Progress = _quiet
) -> tuple[list[tuple[SourceInfo, tuple[Entity, ...]]], dict[str, tuple[Problem, ...]]]:
    """Read official files into sources (ordered as :data:`SOURCE_ORDER`).

    Raises:
        ListDataError: a file is malformed as a whole.
        InputError: the files do not form complete sources.
    """
    groups = group_files(paths)
    read: list[tuple[SourceInfo, tuple[Entity, ...]]] = []
    problems: dict[str, tuple[Problem, ...]] = {}
    for source in SOURCE_ORDER:
        if source not in groups:
            continue
        names = ", ".join(p.name for p in groups[source].values())
        progress(f"reading {source} ({names})")
        data = build_source(source, groups[source], origin=origin)
        read.append((data.info, data.entities))
        problems[source] = data.problems + _missing_aux(groups[source])
    return read, problems


def snapshot_from_files(locations: Sequence[str], progress: Progress = _quiet) -> Snapshot:
    """A snapshot of just the sources in the given official files (used by ``lists diff``)."""
    with tempfile.TemporaryDirectory(prefix="prosper-lists-") as tmp:
        paths = collect_files(locations, Path(tmp), progress)
        read, _ = read_files(paths, origin="files", progress=progress)
    return Snapshot(
        sources=tuple(info for info, _ in read),
        entities=tuple(e for _, entities in read for e in entities),
    )


def check_shrink(current: Snapshot, read: Sequence[tuple[SourceInfo, tuple[Entity, ...]]]) -> None:
    """Refuse new data that has far fewer entities than the current data of its source.

    A download cut at a row boundary still parses; installing it would silently delist
    thousands of parties.

    Raises:
        ListDataError: a source would keep less than :data:`MIN_KEPT_SHARE` of its entities.
    """
    for info, _ in read:
        before = current.source(info.source)
        if before is None or before.entity_count == 0:
            continue
        if info.entity_count < before.entity_count * MIN_KEPT_SHARE:
            names = ", ".join(f.name for f in info.files)
            raise ListDataError(
                f"{names}: {info.entity_count:,} {info.source} entities against "
                f"{before.entity_count:,} now — a truncated file? Nothing was installed "
                "(use --allow-shrink to install it anyway)"
            )


def update_snapshot(
    snapshot_dir: Path,
    locations: Sequence[str],
    progress: Progress = _quiet,
    *,
    allow_shrink: bool = False,
) -> UpdateResult:
    """Install a new snapshot from official files; other sources keep their current data.

    Args:
        snapshot_dir: where installed snapshots live (``Settings.snapshot_dir``).
        locations: folders, files or ``http(s)://`` URLs of official files.
        progress: called with a short message at each step.
        allow_shrink: install even when a source loses most of its entities.

    Raises:
        NotFoundError, InputError, ListDataError: nothing was installed.
    """
    if not locations:
        raise InputError("give at least one folder, file or URL", field="--from")
    current = load_snapshot(snapshot_dir)
    with tempfile.TemporaryDirectory(prefix="prosper-lists-") as tmp:
        paths = collect_files(locations, Path(tmp), progress)
        read, problems = read_files(paths, origin="installed", progress=progress)
    if not read:
        raise InputError("no official list files given", field="--from")
    if not allow_shrink:
        check_shrink(current, read)
    fresh = {info.source: (info, entities) for info, entities in read}
    combined: list[tuple[SourceInfo, tuple[Entity, ...]]] = []
    blobs: dict[str, bytes] = {}
    for info in current.sources:
        if info.source in fresh:
            combined.append(fresh.pop(info.source))
        else:
            combined.append((info, current.entities_of(info.source)))
            blob = read_source_blob(snapshot_dir, info.source)
            if blob is not None:
                blobs[info.source] = blob
    combined.extend(fresh.values())
    progress("writing the new snapshot")
    try:
        path = install_snapshot(snapshot_dir, combined, blobs)
    except OSError as exc:
        raise ListDataError(f"{snapshot_dir}: cannot write the snapshot ({exc})") from None
    new = Snapshot(
        sources=tuple(info for info, _ in combined),
        entities=tuple(e for _, entities in combined for e in entities),
    )
    remember_snapshot_dir(path, new)
    updated = tuple(info.source for info, _ in read)
    return UpdateResult(
        path=path,
        snapshot=new,
        updated=updated,
        deltas=diff_snapshots(current, new, updated),
        problems=problems,
    )
