"""`prosper lists show|update|diff`: list snapshots, their versions, updates and deltas."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:  # the list modules load only when a lists command runs (fast --help)
    from prosper.lists.delta import SourceDelta
    from prosper.lists.snapshot import Snapshot

# data published longer ago than this gets a warning (lists change weekly)
STALE_DAYS = 30
EXAMPLES = 5

lists_app = typer.Typer(
    name="lists",
    help="Official list snapshots: show what is loaded, update from official files, diff.",
    no_args_is_help=True,
)


def _age_days(published: str, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(published[:10])).days
    except ValueError:
        return None


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def show_document(snapshot: Snapshot, where: str | None, today: date) -> dict[str, Any]:
    """The JSON document of ``lists show``."""
    sources = []
    warnings = []
    for info in snapshot.sources:
        age = _age_days(info.published, today)
        # the embedded default is a build-time copy: always treated as old
        stale = age is None or age > STALE_DAYS or info.origin == "embedded"
        if stale:
            warnings.append(
                f"{info.source}: data published {info.published}"
                + ("" if age is None else f" ({age} days ago)")
                + (" is the embedded default" if info.origin == "embedded" else "")
                + "; update it with `prosper lists update`"
            )
        sources.append(
            {
                "source": info.source,
                "label": info.label,
                "published": info.published,
                "age_days": age,
                "stale": stale,
                "version": info.version,
                "entity_count": info.entity_count,
                "name_count": info.name_count,
                "origin": info.origin,
                "status": info.status,
                "lacks": list(info.lacks),
                "published_basis": info.published_basis,
                "notes": list(info.notes),
                "files": [
                    {
                        "name": f.name,
                        "sha256": f.sha256,
                        "size": f.size,
                        "provenance": f.provenance,
                    }
                    for f in info.files
                ],
            }
        )
    return {
        "snapshot": "embedded" if where is None else where,
        "as_of": today.isoformat(),
        "sources": sources,
        "warnings": warnings,
    }


def _print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _print_delta(deltas: Sequence[SourceDelta], console: Console) -> None:
    for d in deltas:
        published = f"{d.old_published or '-'} -> {d.new_published or '-'}"
        if d.unchanged:
            console.print(f"[bold]{d.source}[/bold] ({published}): unchanged")
            continue
        console.print(
            f"[bold]{d.source}[/bold] ({published}): [green]+{len(d.added)} added[/green], "
            f"[red]-{len(d.removed)} removed[/red], [yellow]~{len(d.changed)} changed[/yellow]",
            soft_wrap=True,
        )
        for entity in d.added[:EXAMPLES]:
            console.print(f"  + {entity.name} ({entity.id})", soft_wrap=True)
        for entity in d.removed[:EXAMPLES]:
            console.print(f"  - {entity.name} ({entity.id})", soft_wrap=True)
        for change in d.changed[:EXAMPLES]:
            console.print(
                f"  ~ {change.new.name} ({change.new.id}): {', '.join(change.fields)}",
                soft_wrap=True,
            )


@lists_app.command("show")
def show(json_out: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> None:
    """Each source: label, entity and name counts, content hash, publication date, origin."""
    from prosper.lists.snapshot import current_snapshot_path, load_snapshot
    from prosper.settings import load_settings

    settings = load_settings()
    snapshot = load_snapshot(settings.snapshot_dir)
    path = current_snapshot_path(settings.snapshot_dir)
    doc = show_document(snapshot, None if path is None else str(path), date.today())
    if json_out:
        _print_json(doc)
        return
    console = Console(highlight=False)
    console.print(f"[bold]list snapshot:[/bold] {doc['snapshot']}")
    for src in doc["sources"]:
        old = " [yellow](old)[/yellow]" if src["stale"] else ""
        console.print(
            f"[bold]{src['source']:<13}[/bold] {src['entity_count']:>7,} entities "
            f"{src['name_count']:>7,} names  published {src['published']}{old}  "
            f"{src['status']:<8} {src['origin']:<9} {src['version'][:19]}…  {src['label']}",
            soft_wrap=True,
        )
    err = _err()
    for warning in doc["warnings"]:
        err.print(f"[yellow]warning:[/yellow] {warning}", soft_wrap=True)


@lists_app.command("update")
def update(
    sources: list[str] | None = typer.Option(
        None,
        "--from",
        help="A folder, file (also .gz) or http(s) URL of official list files; repeat for "
        "more. Without it: every source from its official URL.",
    ),
    allow_older: bool = typer.Option(
        False,
        "--allow-older",
        help="Install data older than the installed data, or stating no publication date.",
    ),
    allow_shrink: bool = typer.Option(
        False,
        "--allow-shrink",
        help="Install even when a source drops more than PROSPER_LISTS_MAX_DROP (10 %) of its "
        "installed entities.",
    ),
    allow_duplicates: bool = typer.Option(
        False,
        "--allow-duplicates",
        help="Install a file that repeats an id (the first row of each id is kept).",
    ),
    allow_partial: bool = typer.Option(
        False,
        "--allow-partial",
        help="Install a multi-file source given without all its files (e.g. sdn.csv alone).",
    ),
    wait: float | None = typer.Option(
        None,
        "--wait",
        min=0.0,
        help="Seconds to wait for another running update (default PROSPER_LISTS_LOCK_WAIT).",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Download or load official files, validate them, install them atomically, print the delta.

    Refuses — one line per source, nothing installed — data older than the installed data,
    data that drops more than the allowed share of entities, files that repeat an id, partial
    multi-file sets and files cut short; the flags above override the first four.
    """
    from prosper.lists.guard import UpdatePolicy, UpdateRefusedError
    from prosper.lists.update import UpdateFailedError, options_from_settings, update_snapshot
    from prosper.settings import load_settings

    settings = load_settings()
    options = options_from_settings(
        settings,
        UpdatePolicy(
            allow_older=allow_older,
            allow_shrink=allow_shrink,
            allow_duplicates=allow_duplicates,
            allow_partial=allow_partial,
        ),
        wait,
    )
    err = _err()
    try:
        with err.status("updating lists…") as status:

            def progress(message: str) -> None:
                status.update(message)
                if not err.is_terminal:
                    err.print(message, soft_wrap=True, markup=False)

            result = update_snapshot(
                settings.snapshot_dir, sources or [], progress, options=options
            )
    except (UpdateRefusedError, UpdateFailedError) as exc:
        for line in exc.refusals:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(exc.exit_code) from None
    problem_counts = {s: len(p) for s, p in result.problems.items()}
    if json_out:
        _print_json(
            {
                "snapshot": None if result.path is None else str(result.path),
                "installed": result.installed,
                "updated": list(result.updated),
                "skipped": list(result.skipped),
                "refused": list(result.refused),
                "failed": list(result.failed),
                "versions": result.snapshot.versions(),
                "problems": {
                    s: [str(p) for p in probs[:50]] for s, probs in result.problems.items()
                },
                "problem_counts": problem_counts,
                "delta": [d.to_dict(EXAMPLES) for d in result.deltas],
            }
        )
        _exit_on_refusals(result.refused, result.failed)
        return
    console = Console(highlight=False)
    if result.installed:
        console.print(f"[green]installed[/green] {result.path}", soft_wrap=True)
    else:
        console.print("nothing new: the installed lists are the same publications")
    for source in result.skipped:
        err.print(
            f"[yellow]skipped[/yellow] {source}: no reader of its official file here",
            soft_wrap=True,
        )
    for source, problems in result.problems.items():
        for problem in problems[:10]:
            err.print(f"[yellow]problem[/yellow] {source}: {problem}", soft_wrap=True, markup=False)
        if len(problems) > 10:
            err.print(
                f"[yellow]problem[/yellow] {source}: … {len(problems) - 10} more rows",
                soft_wrap=True,
            )
    _print_delta(result.deltas, console)
    _exit_on_refusals(result.refused, result.failed)


def _exit_on_refusals(refused: Sequence[str], failed: Sequence[str]) -> None:
    """An official refresh installs what it could; each source it refused or could not get
    is one line, and the exit code is 2 (the last good data of those sources stays)."""
    for line in (*refused, *failed):
        typer.echo(f"error: {line}", err=True)
    if refused or failed:
        raise typer.Exit(2)


@lists_app.command("diff")
def diff(
    old: str | None = typer.Option(
        None,
        "--from",
        help="Old side: 'embedded', 'current', a snapshot folder or a folder of official "
        "files (default: embedded).",
    ),
    new: str | None = typer.Option(None, "--to", help="New side, same choices (default: current)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Show the delta (added / removed / changed entities) between two snapshots."""
    from prosper.lists.delta import diff_snapshots
    from prosper.lists.sides import load_side
    from prosper.settings import load_settings

    settings = load_settings()
    before = load_side(old or "embedded", settings.snapshot_dir)
    after = load_side(new or "current", settings.snapshot_dir)
    names_before = {s.source for s in before.sources}
    common = [s.source for s in after.sources if s.source in names_before]
    deltas = diff_snapshots(before, after, common)
    if json_out:
        _print_json(
            {
                "from": old or "embedded",
                "to": new or "current",
                "delta": [d.to_dict(EXAMPLES) for d in deltas],
            }
        )
        return
    _print_delta(deltas, Console(highlight=False))


# `add-custom` and `export` live in cli/lists_custom.py, which uses the helpers above
from prosper.cli import lists_custom  # noqa: E402

lists_app.command("add-custom")(lists_custom.add_custom)
lists_app.command("export")(lists_custom.export)


def register(app: typer.Typer) -> None:
    """Add the `lists` commands to ``app``."""
    app.add_typer(lists_app, name="lists")
