"""``prosper lists update``: fetch official files, validate them, install a new snapshot.

One update at a time (:mod:`prosper.lists.lock`); under the lock an update

1. prunes temporary folders a killed update left behind;
2. reads the current snapshot;
3. gets the files: the given folders, files or URLs (``.gz`` too), or — with no location —
   every source from its official URL (:mod:`prosper.lists.official`), each download complete
   and checked (:mod:`prosper.lists.download`), into a private temporary folder;
4. refuses cut text files, and reads every file with its reader **before** anything is written;
5. refuses, one line per source, new data that is older than the installed data or states no
   date, drops more than the allowed share of the installed entities, repeats an id, or is a
   partial set of a multi-file source (:mod:`prosper.lists.guard`), unless a flag allows it;
6. writes the new snapshot beside the current one and swaps ``CURRENT`` atomically
   (:mod:`prosper.lists.store`).

Any failure leaves the last good snapshot in force. Sources not given keep their current data.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from prosper.errors import InputError, ListDataError, ProsperError
from prosper.lists.collect import ReadSource, collect_files, gunzip, read_sources
from prosper.lists.common import Problem
from prosper.lists.delta import SourceDelta, diff_snapshots
from prosper.lists.download import (
    DownloadLimits,
    Fetch,
    Progress,
    download,
    fetch_head,
)
from prosper.lists.guard import (
    UpdatePolicy,
    UpdateRefusedError,
    date_refusal,
    drop_refusal,
    duplicate_refusals,
    partial_refusals,
    published_day,
)
from prosper.lists.hooks import run_install_hooks
from prosper.lists.lock import update_lock
from prosper.lists.official import (
    HEADER_BYTES,
    plan_official,
    publication_header,
    read_url_overrides,
)
from prosper.lists.snapshot import (
    Snapshot,
    SourceInfo,
    current_snapshot_path,
    load_snapshot,
    read_source_blob,
    remember_snapshot_dir,
)
from prosper.lists.store import TMP_PREFIX, install_snapshot, prune_temporary
from prosper.model import Entity

if TYPE_CHECKING:
    from prosper.settings import Settings


class UpdateFailedError(InputError):
    """An official refresh got no source at all: one line per source; nothing changed."""

    def __init__(self, lines: Sequence[str]) -> None:
        """Carry the lines (the message is the lines joined by newlines)."""
        super().__init__("\n".join(lines))
        self.refusals = tuple(lines)


@dataclass(frozen=True)
class UpdateOptions:
    """How an update may proceed: refusal overrides, download limits, lock wait, URLs."""

    policy: UpdatePolicy = field(default_factory=UpdatePolicy)
    limits: DownloadLimits = field(default_factory=DownloadLimits)
    lock_wait: float = 60.0
    mirror: str | None = None
    overrides: Mapping[str, Fetch] = field(default_factory=dict)


def options_from_settings(
    settings: Settings, policy: UpdatePolicy | None = None, wait: float | None = None
) -> UpdateOptions:
    """The update options of ``settings`` (URLs, deadline, lock wait, shrink threshold).

    Args:
        settings: the ``PROSPER_LISTS_*`` settings.
        policy: the refusal overrides (its ``max_drop_share`` is replaced by the setting).
        wait: seconds to wait for another update; the setting when None.
    """
    flags = policy or UpdatePolicy()
    return UpdateOptions(
        policy=UpdatePolicy(
            allow_older=flags.allow_older,
            allow_shrink=flags.allow_shrink,
            allow_duplicates=flags.allow_duplicates,
            allow_partial=flags.allow_partial,
            max_drop_share=settings.lists_max_drop,
        ),
        limits=DownloadLimits(deadline=settings.lists_deadline),
        lock_wait=settings.lists_lock_wait if wait is None else wait,
        mirror=settings.lists_mirror,
        overrides=read_url_overrides(settings.lists_urls),
    )


@dataclass(frozen=True)
class UpdateResult:
    """What an update installed and what changed (``installed`` False: nothing new)."""

    path: Path | None
    snapshot: Snapshot
    updated: tuple[str, ...]
    deltas: tuple[SourceDelta, ...]
    problems: dict[str, tuple[Problem, ...]]
    installed: bool = True
    skipped: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def _quiet(_: str) -> None:
    return None


def refusals_of(
    current: Snapshot,
    read: Sequence[ReadSource],
    deltas: Mapping[str, SourceDelta],
    policy: UpdatePolicy,
) -> list[str]:
    """Every refusal line for installing ``read`` over ``current`` under ``policy``."""
    lines: list[str] = []
    for item in read:
        before = current.source(item.info.source)
        if not policy.allow_older:
            line = date_refusal(before, item.info)
            if line is not None:
                lines.append(line)
        if not policy.allow_shrink:
            removed = len(deltas[item.info.source].removed)
            line = drop_refusal(before, item.info, removed, policy.max_drop_share)
            if line is not None:
                lines.append(line)
        if not policy.allow_duplicates:
            lines.extend(duplicate_refusals(item.info.source, item.problems))
        if not policy.allow_partial:
            lines.extend(partial_refusals(item.info.source, item.files))
    return lines


@dataclass(frozen=True)
class _Fetched:
    """The files an update got (with their source in an official refresh), and the sources
    an official refresh could not get."""

    paths: list[Path]
    sources: dict[Path, str] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)
    # source → (publication date, record count, file) from a dated companion (OFAC's XML)
    dates: dict[str, tuple[str, int, str]] = field(default_factory=dict)


def _fetch_files(
    locations: Sequence[str], work: Path, progress: Progress, options: UpdateOptions
) -> _Fetched:
    if locations:
        return _Fetched(collect_files(locations, work, progress, options.limits))
    plan = plan_official(options.mirror, options.overrides)
    for source in plan.skipped:
        progress(f"skipping {source}: no reader of its official file in this installation")
    if not plan.fetches:
        raise InputError("no official source can be read by this installation", field="--from")
    sources: dict[Path, str] = {}
    failed: dict[str, str] = {}
    for number, (source, fetch) in enumerate(plan.fetches, 1):
        if source in failed:
            continue  # a source is complete or not at all
        progress(f"[{number}/{len(plan.fetches)}] downloading {fetch.url}")
        try:
            path = download(fetch, work, progress, options.limits)
            if path.name.lower().endswith(".gz"):
                path = gunzip(path, work)
        except ProsperError as exc:
            failed[source] = str(exc)
            progress(f"{source}: {exc}")
            continue
        sources[path] = source
    kept = [p for p, s in sources.items() if s not in failed]
    dates: dict[str, tuple[str, int, str]] = {}
    for source, fetch in plan.dated_by:
        if source in failed:
            continue
        try:
            header = publication_header(fetch_head(fetch, HEADER_BYTES, options.limits))
        except ProsperError as exc:
            progress(f"{source}: no publication date from {fetch.name} ({exc})")
            continue
        if header is None:
            progress(f"{source}: {fetch.name} states no Publish_Date in its header")
            continue
        dates[source] = (header[0], header[1], fetch.name or "")
    return _Fetched(kept, sources, plan.skipped, failed, dates)


def _dated(
    item: ReadSource, dates: Mapping[str, tuple[str, int, str]], progress: Progress
) -> ReadSource:
    """``item`` with the date of its dated companion, if that describes the same publication."""
    found = dates.get(item.info.source)
    if found is None or published_day(item.info.published) is not None:
        return item
    when, count, name = found
    if count != item.info.entity_count:
        progress(
            f"{item.info.source}: {name} of {when} counts {count:,} records, the files "
            f"{item.info.entity_count:,}: not the same publication, its date is not used"
        )
        return item
    basis = f"Publish_Date of OFAC's {name} (Record_Count {count:,} = the entities read)"
    info = replace(item.info, published=when, published_basis=basis)
    return ReadSource(info, item.entities, item.problems, item.files)


def _read_each(fetched: _Fetched, progress: Progress) -> tuple[list[ReadSource], dict[str, str]]:
    """Official refresh: read source by source; a source that fails keeps its last good data."""
    failed = dict(fetched.failed)
    groups: dict[str, list[Path]] = {}
    for path in fetched.paths:
        groups.setdefault(fetched.sources[path], []).append(path)
    read: list[ReadSource] = []
    for source, files in groups.items():
        try:
            got = read_sources(files, origin="installed", progress=progress)
            read.extend(_dated(item, fetched.dates, progress) for item in got)
        except ProsperError as exc:
            failed[source] = str(exc)
            progress(f"{source}: {exc}")
    return read, failed


def update_snapshot(
    snapshot_dir: Path,
    locations: Sequence[str],
    progress: Progress = _quiet,
    *,
    options: UpdateOptions | None = None,
) -> UpdateResult:
    """Install a new snapshot from official files; other sources keep their current data.

    Args:
        snapshot_dir: where installed snapshots live (``Settings.snapshot_dir``).
        locations: folders, files or ``http(s)://`` URLs of official files; empty: every
            source from its official URL.
        progress: called with a short message at each step.
        options: refusal overrides, download limits, lock wait, URL settings.

    Raises:
        UpdateRefusedError: the new data is older, much smaller, duplicated or partial.
        UpdateBusyError: another update held the lock for longer than the wait.
        NotFoundError, InputError, ListDataError: nothing was installed.
    """
    options = options or UpdateOptions()
    with update_lock(snapshot_dir, options.lock_wait):
        pruned = prune_temporary(snapshot_dir)
        if pruned:
            progress(f"removed {pruned} temporary folder(s) of an interrupted update")
        current = load_snapshot(snapshot_dir)
        work = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}download-", dir=snapshot_dir))
        failed: dict[str, str] = {}
        try:
            fetched = _fetch_files(locations, work, progress, options)
            if locations:
                read = read_sources(fetched.paths, origin="installed", progress=progress)
            else:
                read, failed = _read_each(fetched, progress)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if not read:
            if failed:
                raise UpdateFailedError([f"{s}: {m}" for s, m in failed.items()])
            raise InputError("no official list files given", field="--from")
        outcome = _Outcome(fetched.skipped, tuple(f"{s}: {m}" for s, m in failed.items()))
        policy, per_source = options.policy, not locations
        result = _install(snapshot_dir, current, read, outcome, policy, per_source, progress)
    if result.installed:
        run_install_hooks(result, progress)  # after the lock: a hook may take a while
    return result


@dataclass(frozen=True)
class _Outcome:
    skipped: tuple[str, ...]
    failed: tuple[str, ...]


def _combine(
    snapshot_dir: Path, current: Snapshot, read: Sequence[ReadSource]
) -> tuple[list[tuple[SourceInfo, tuple[Entity, ...]]], dict[str, bytes], Snapshot]:
    fresh = {r.info.source: (r.info, r.entities) for r in read}
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
    new = Snapshot(
        sources=tuple(info for info, _ in combined),
        entities=tuple(e for _, entities in combined for e in entities),
    )
    return combined, blobs, new


def _install(
    snapshot_dir: Path,
    current: Snapshot,
    read: Sequence[ReadSource],
    outcome: _Outcome,
    policy: UpdatePolicy,
    per_source: bool,
    progress: Progress,
) -> UpdateResult:
    """Refuse or install ``read`` over ``current``.

    With ``per_source`` (the official refresh), a refused source keeps its installed data and
    the others are installed; otherwise any refusal refuses the whole update.
    """
    _, _, new = _combine(snapshot_dir, current, read)
    deltas = {d.source: d for d in diff_snapshots(current, new, [r.info.source for r in read])}
    refusals = refusals_of(current, read, deltas, policy)
    if refusals and not per_source:
        raise UpdateRefusedError(refusals)
    refused = {
        r.info.source for r in read if any(x.startswith(f"{r.info.source}: ") for x in refusals)
    }
    accepted = [r for r in read if r.info.source not in refused]
    if not accepted:
        raise UpdateRefusedError([*refusals, *outcome.failed])
    for line in refusals:
        progress(f"refused {line}")
    combined, blobs, new = _combine(snapshot_dir, current, accepted)
    updated = tuple(r.info.source for r in accepted)
    changes = tuple(deltas[s] for s in updated)
    problems = {r.info.source: r.problems + _partial_notes(r) for r in accepted}
    done = {"skipped": outcome.skipped, "refused": tuple(refusals), "failed": outcome.failed}
    if all(_same(current.source(r.info.source), r.info) for r in accepted):
        progress("nothing new: the installed data is the same publication")
        path = current_snapshot_path(snapshot_dir)
        return UpdateResult(path, current, updated, changes, problems, False, **done)
    progress("writing the new snapshot")
    try:
        path = install_snapshot(snapshot_dir, combined, blobs)
    except OSError as exc:
        raise ListDataError(f"{snapshot_dir}: cannot write the snapshot ({exc})") from None
    remember_snapshot_dir(path, new)
    return UpdateResult(path, new, updated, changes, problems, True, **done)


def _same(old: SourceInfo | None, new: SourceInfo) -> bool:
    return (
        old is not None
        and old.origin == "installed"
        and old.version == new.version
        and old.published == new.published
    )


def _partial_notes(read: ReadSource) -> tuple[Problem, ...]:
    """A note per missing file of a partial set that was installed with --allow-partial."""
    primary = read.files.get("primary")
    if primary is None:
        return ()
    return tuple(
        Problem(primary.name, 0, line.split(": ", 1)[1].split(";")[0])
        for line in partial_refusals(read.info.source, read.files)
    )
