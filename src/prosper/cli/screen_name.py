"""Screening one name from the command line: what ``prosper screen NAME`` does once parsed.

Shared by the Typer command (:mod:`prosper.cli.screen`) and the lean start-up path
(:mod:`prosper.cli.lean`), so both print the same thing. Importing this module costs nothing:
Typer, rich, the screening stack and the audit log load inside the functions that need them
(rich only for the human table, pydantic and YAML only for ``--dob`` or a changed screening
policy, SQLAlchemy only when the SQLite audit writer does not apply).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prosper.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from prosper.screening.index import ScreeningIndex
    from prosper.settings import Settings


@dataclass(frozen=True, slots=True)
class NameRequest:
    """The options of ``prosper screen NAME`` (raw, as typed; checked by :func:`screen_name`)."""

    name: str | None
    type: str | None = None
    country: tuple[str, ...] = ()
    dob: str | None = None
    gender: str | None = None
    ids: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    threshold: float | None = None
    limit: int = 10
    as_json: bool = False
    dry_run: bool = False


def check_threshold(value: float | None, settings: Settings) -> float:
    """``--threshold``, or the configured default; outside [0, 1] is an input error."""
    if value is None:
        return settings.threshold
    if not 0.0 <= value <= 1.0:
        raise InputError(f"must be a number in [0, 1], got {value}", field="--threshold")
    return value


@dataclass(frozen=True)
class Lists:
    """The loaded snapshot's sources (what the result document and the audit record name)."""

    sources: tuple[Any, ...]

    def versions(self) -> dict[str, str]:
        """Source → list version."""
        return {s.source: s.version for s in self.sources}


def _load(settings: Settings) -> tuple[Any, ScreeningIndex]:
    """The snapshot's sources and its index, mapped from the index file when it exists (the
    lists themselves are not decoded then: an entity is read when a hit needs it). The name
    tables the index's weights read are kept parsed in the cache
    (:func:`prosper.cachefile.cached_table`)."""
    from prosper.cachefile import yaml_cache
    from prosper.screening.cache import open_snapshot_index

    cache = settings.data_dir / "cache"
    with yaml_cache(cache):
        sources, index = open_snapshot_index(settings.snapshot_dir, cache)
    return Lists(sources), index


def err(line: str) -> None:
    """One line on stderr (what ``typer.echo(line, err=True)`` writes)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def freshness_defaults(settings: Settings) -> dict[str, int]:
    """The packaged list-age limits (``rules/screening_policy.yaml`` → ``freshness``).

    Validating the policy table takes pydantic and YAML (~0.15 s of CPU at start-up), so the
    validated limits are kept in ``<data dir>/cache/freshness-<digest of the file>.json``; a
    changed file has another digest and is validated again (an invalid one fails as before).
    """
    import hashlib

    from prosper.cachefile import keep_text
    from prosper.packagedata import read_bytes

    text = read_bytes("prosper.rules", "screening_policy.yaml")
    kept = settings.data_dir / "cache" / f"freshness-{hashlib.sha256(text).hexdigest()[:24]}.json"
    try:
        loaded = json.loads(kept.read_text("utf-8"))
        if isinstance(loaded, dict) and all(
            isinstance(k, str) and type(v) is int for k, v in loaded.items()
        ):
            return loaded
    except (OSError, ValueError):
        pass
    from prosper.screening.parties import load_screening_policy

    limits = dict(load_screening_policy().freshness.max_age_days)
    # best effort: a read-only data folder only costs the validation next time
    keep_text(kept, json.dumps(limits, sort_keys=True))
    return limits


def stale_warnings(settings: Settings, snapshot: Any) -> list[str]:
    """A line for each list older than its allowed age today (``PROSPER_LISTS_MAX_AGE_DAYS``)."""
    from datetime import date

    from prosper.screening.freshness import merge_limits, stale_sources

    # service.list_max_age, without importing the service (and the rulebook) on this path
    limits = merge_limits(freshness_defaults(settings), settings.lists_max_age)
    return [s.message() for s in stale_sources(snapshot.sources, date.today(), limits)]


def screen_name(settings: Settings, used: float, req: NameRequest, *, lean: bool = False) -> None:
    """Screen ``req.name`` at threshold ``used``, record it (unless ``--dry-run``), print it.

    ``lean``: record through the standard-library SQLite writer when it applies
    (:func:`prosper.audit.lite.append_sqlite`; the same record), else through the audit log.
    """
    if req.name is None or not req.name.strip():
        raise InputError("a name to screen is required (or --file)", field="NAME")
    if req.limit < 1:
        raise InputError(f"must be at least 1, got {req.limit}", field="--limit")
    from prosper.screening.document import result_document
    from prosper.screening.query import Query
    from prosper.screening.rows import parse_countries, parse_dob, parse_gender, parse_type

    query = Query(
        name=req.name.strip(),
        type=parse_type(req.type, "--type"),
        countries=parse_countries(list(req.country), "--country"),
        dob=parse_dob(req.dob, "--dob"),
        identifiers=tuple(req.ids),
        sources=tuple(req.source),
        gender=parse_gender(req.gender, "--gender"),
    )
    snapshot, index = _load(settings)
    known = {s.source for s in snapshot.sources}
    for s in query.sources:
        if s not in known:
            raise InputError(
                f"unknown source {s!r} (one of {', '.join(sorted(known))})", field="--source"
            )
    hits = index.screen(query, threshold=used, limit=req.limit)
    warnings = stale_warnings(settings, snapshot)
    doc = result_document(query, used, snapshot.sources, hits, warnings)
    for line in warnings:
        err(f"warning: {line}")
    from prosper import casework

    if req.dry_run:
        doc["dry_run"] = True
        err(casework.DRY_RUN_NOTE)
    else:
        doc["audit"] = _record(doc, settings, lean)
    if req.as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    else:
        print_hits(doc)


def _record(doc: dict[str, Any], settings: Settings, lean: bool) -> dict[str, Any]:
    from prosper import casework

    if lean:
        from prosper.audit.lite import append_sqlite

        entry = casework.screening_entry(doc, channel="cli", claim=settings.actor_claim)
        record = append_sqlite(settings, **entry, actor=settings.actor)
        if record is not None:
            return {"record_id": record.id, "hash": record.hash}
    return casework.record_screening(
        doc, settings=settings, actor=settings.actor, channel="cli", claim=settings.actor_claim
    )


def print_hits(doc: dict[str, Any]) -> None:
    """Print the human table of a result document on stdout: as plain text without rich when
    stdout is not a terminal and the text is certain to lay out as rich lays it out
    (:mod:`prosper.cli.plain_table`: the same bytes), else with rich."""
    from prosper.cli.plain_table import console_width, render_plain

    width = console_width()
    text = None if width is None else render_plain(doc, width)
    if text is None:
        from rich.console import Console

        render_hits(doc, Console())
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def render_hits(doc: dict[str, Any], console: Console) -> None:
    """The human table of a result document."""
    hits = doc["hits"]
    console.print(
        f"[bold]{doc['query']['name']}[/bold] — {len(hits)} hit(s) at threshold "
        f"{doc['threshold']:.2f}"
    )
    if not hits:
        console.print("[green]no match[/green]")
        return
    from rich.table import Table

    table = Table(expand=True)
    for col in ("score", "match", "list", "entity", "matched name", "why"):
        table.add_column(col, overflow="fold")
    from prosper.cli.plain_table import hit_lists, hit_why

    for h in hits:
        table.add_row(
            f"{h['score']:.3f}",
            "[bold red]MATCH[/]" if h["match"] else "[yellow]below[/]",
            hit_lists(h),
            f"{h['name']}\n[dim]{h['entity_id']} {', '.join(h['programs'])}[/dim]"
            + "".join(_policy_lines(x) for x in h.get("listings") or []),
            h["matched_name"],
            hit_why(h),
        )
    console.print(table)


def _policy_lines(listing: dict[str, Any]) -> str:
    """An Entity List / MEU listing's licence requirement, review policy and footnotes."""
    from prosper.cli.plain_table import policy_text

    text = policy_text(listing)
    return "\n[cyan]" + text + "[/cyan]" if text else ""
