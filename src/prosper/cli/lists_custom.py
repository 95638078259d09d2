"""`prosper lists add-custom|export`: install your own watchlist, write the lists as FtM.

Registered on :data:`prosper.cli.lists.lists_app` by :mod:`prosper.cli.lists`.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from prosper.cli.lists import EXAMPLES, _err, _print_delta, _print_json


def add_custom(
    name: str = typer.Argument(..., help="The list's name: the source becomes custom_<name>."),
    file: str = typer.Argument(..., help="CSV or XLSX: name, type, country, dob, identifiers, …"),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Install your own watchlist (denied customers, a blacklist) as source custom_<name>:
    screened like the official lists, decided by the policy's custom row (review), versioned
    in a new snapshot and recorded in the audit log. Adding the same name again replaces it."""
    from pathlib import Path

    from prosper.lists.custom import install_custom
    from prosper.service import audit_log
    from prosper.settings import load_settings

    settings = load_settings()
    path = Path(file).expanduser()
    done = install_custom(settings.snapshot_dir, name, path, lock_wait=settings.lists_lock_wait)
    info, delta = done.info, done.delta
    record = audit_log(settings).append(
        kind="lists_update",
        input={
            "command": "lists add-custom",
            "source": info.source,
            "file": path.name,
            "sha256": info.files[0].sha256,
        },
        output={
            "source": info.source,
            "version": info.version,
            "published": info.published,
            "status": info.status,
            "entity_count": info.entity_count,
            "added": len(delta.added),
            "removed": len(delta.removed),
            "changed": len(delta.changed),
            "problems": [str(p) for p in done.problems[:50]],
            "snapshot": str(done.path),
        },
        versions={
            "lists": done.snapshot.versions(),
            **({"claimed_actor": settings.actor_claim} if settings.actor_claim else {}),
        },
        actor=settings.actor,
    )
    if json_out:
        _print_json(
            {
                "source": info.source,
                "version": info.version,
                "entity_count": info.entity_count,
                "snapshot": str(done.path),
                "problems": [str(p) for p in done.problems[:50]],
                "delta": delta.to_dict(EXAMPLES),
                "audit": {"record_id": record.id, "hash": record.hash},
            }
        )
        return
    console = Console(highlight=False)
    console.print(
        f"[green]installed[/green] {info.source}: {info.entity_count:,} entries "
        f"({info.version[:19]}…) in {done.path}; audit record {record.id}",
        soft_wrap=True,
    )
    err = _err()
    for problem in done.problems[:10]:
        err.print(f"problem {info.source}: {problem}", soft_wrap=True, markup=False)
    if len(done.problems) > 10:
        err.print(f"problem {info.source}: … {len(done.problems) - 10} more rows", markup=False)
    _print_delta([delta], console)


def export(
    fmt: str = typer.Option("ftm", "--format", help="Output format: ftm (FtM JSON lines)."),
    out: str | None = typer.Option(
        None, "--output", "-o", "--out", help="File to write (default: stdout)."
    ),
    only: list[str] | None = typer.Option(
        None, "--source", help="Only this source (repeat for more; default: every source)."
    ),
) -> None:
    """Write the installed lists as FollowTheMoney entities, one JSON object a line:
    Person / Organization / Vessel / Airplane with their Sanction and Identification records."""
    from pathlib import Path

    from prosper.errors import InputError
    from prosper.interop.ftm import export_lines
    from prosper.lists.snapshot import load_snapshot
    from prosper.settings import load_settings

    if fmt != "ftm":
        raise InputError(f"unknown format {fmt!r} (one of: ftm)", field="--format")
    snapshot = load_snapshot(load_settings().snapshot_dir)
    known = {s.source for s in snapshot.sources}
    for source in only or ():
        if source not in known:
            raise InputError(f"no source {source!r} is loaded", field="--source")
    wanted = set(only or known)
    entities = (e for e in snapshot.entities if e.source in wanted)
    lines = export_lines(entities, snapshot.sources)
    if out is None:
        for line in lines:
            sys.stdout.write(line + "\n")
        return
    path = Path(out).expanduser()
    count = 0
    try:
        with path.open("w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line + "\n")
                count += 1
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}", field="--out") from None
    _err().print(f"wrote {count:,} FtM entities to {path}", soft_wrap=True, markup=False)
