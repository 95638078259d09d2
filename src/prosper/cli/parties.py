"""`prosper parties` — the counterparty register: import, list, show, export, screen, rescreen."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from prosper.errors import InputError

parties_app = typer.Typer(
    help="The counterparty register: parties screened at import and on every list change.",
    no_args_is_help=True,
)
EXPORT_COLUMNS = (
    "id",
    "name",
    "type",
    "aliases",
    "countries",
    "dob",
    "identifiers",
    "tags",
    "owners",
)


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


@parties_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help=".csv (delimiter sniffed), .xlsx, .jsonl or .parquet"),
    encoding: str | None = typer.Option(None, "--encoding", help="e.g. cp949 (CSV/JSONL)"),
    screen: bool = typer.Option(
        True, "--screen/--no-screen", help="screen the new and changed parties now (default)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check every row, write nothing"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Import (upsert by id) a register file: every row is checked first and nothing is written
    when any row is bad; the row-level errors are listed (exit 2)."""
    from prosper import casework
    from prosper.settings import load_settings

    settings = load_settings()
    out = casework.import_parties(
        file,
        settings=settings,
        actor=casework.cli_actor(settings),
        encoding=encoding,
        screen=screen and not dry_run,
        dry_run=dry_run,
    )
    if as_json:
        _echo_json(out)
    else:
        for err in out["errors"]:
            typer.echo(f"error: row {err['row']}: {err['field']}: {err['message']}", err=True)
        if out["error_count"] > len(out["errors"]):
            typer.echo(f"error: … {out['error_count'] - len(out['errors'])} more rows", err=True)
        if out["error_count"]:
            typer.echo(
                f"nothing imported: {out['error_count']} of {out['rows']} rows have errors",
                err=True,
            )
        elif dry_run:
            typer.echo(f"dry run: {out['rows']} rows are good; nothing written")
        else:
            typer.echo(
                f"imported {out['rows']} rows: {out['inserted']} new, {out['updated']} "
                f"updated, {out['unchanged']} unchanged"
            )
            s = out.get("screening")
            if s is not None:
                typer.echo(
                    f"screened {s['screened']}: {s.get('opened', 0)} alerts opened, "
                    f"{s.get('reopened', 0)} reopened, {s.get('suppressed', 0)} suppressed"
                )
    if out["error_count"]:
        raise typer.Exit(2)


@parties_app.command("list")
def list_cmd(
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    offset: int = typer.Option(0, "--offset", min=0),
    tag: str | None = typer.Option(None, "--tag", help="only parties with this tag"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """List registered parties (by id)."""
    from prosper import casework
    from prosper.settings import load_settings

    store = casework.case_store(load_settings())
    parties = store.parties(limit=limit, offset=offset, tag=tag)
    if as_json:
        _echo_json({"total": store.party_count(), "parties": [p.to_dict() for p in parties]})
        return
    for p in parties:
        typer.echo(f"{p.id}\t{p.type.value}\t{p.name}\t{','.join(p.countries)}")
    typer.echo(f"{len(parties)} of {store.party_count()} parties", err=True)


@parties_app.command("show")
def show_cmd(
    party_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """One party and its alerts."""
    from prosper import casework
    from prosper.cases.store import AlertFilter
    from prosper.settings import load_settings

    store = casework.case_store(load_settings())
    party = store.party(party_id).to_dict()
    alerts = [a.to_dict() for a in store.alerts(AlertFilter(party_id=party_id, limit=1000))]
    if as_json:
        _echo_json({**party, "alerts": alerts})
        return
    for key, value in party.items():
        if value not in (None, [], ""):
            typer.echo(f"{key}: {value}")
    for a in alerts:
        typer.echo(
            f"alert {a['id']}: {a['state']} {a['entity_name']} ({a['source']}) "
            f"score {a['score']:.2f}"
        )


@parties_app.command("export")
def export_cmd(
    output: Path | None = typer.Option(None, "--output", "-o", help="file (default stdout)"),
    fmt: str = typer.Option("csv", "--format", help="csv or jsonl"),
) -> None:
    """Export the whole register (CSV with ';'-joined lists, or JSONL) — re-importable."""
    from prosper import casework
    from prosper.settings import load_settings

    if fmt not in ("csv", "jsonl"):
        raise InputError("must be csv or jsonl", field="--format")
    store = casework.case_store(load_settings())
    handle = sys.stdout if output is None else output.open("w", encoding="utf-8", newline="")
    try:
        writer = csv.writer(handle, lineterminator="\n") if fmt == "csv" else None
        if writer is not None:
            writer.writerow(EXPORT_COLUMNS)
        for party in store.iter_parties():
            data = party.to_dict()
            if writer is None:
                data.pop("fingerprint")
                handle.write(json.dumps(data, ensure_ascii=False) + "\n")
                continue
            row = []
            for col in EXPORT_COLUMNS:
                value = data[col]
                if col == "owners":
                    row.append(json.dumps(value, ensure_ascii=False) if value else "")
                elif isinstance(value, list):
                    row.append(";".join(value))
                else:
                    row.append("" if value is None else str(value))
            writer.writerow(row)
    finally:
        if output is not None:
            handle.close()


@parties_app.command("screen")
def screen_cmd(
    party_ids: list[str] = typer.Argument(..., metavar="ID..."),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Screen registered parties now; each hit becomes (or stays) an alert."""
    from prosper import casework
    from prosper.settings import load_settings

    settings = load_settings()
    store = casework.case_store(settings)
    for pid in party_ids:
        store.party(pid)  # NotFoundError naming the id
    out = casework.screen_registered(
        party_ids, settings=settings, actor=casework.cli_actor(settings)
    )
    if as_json:
        _echo_json(out)
        return
    typer.echo(
        f"screened {out['screened']}: {out.get('opened', 0)} alerts opened, "
        f"{out.get('reopened', 0)} reopened, {out.get('suppressed', 0)} suppressed"
    )


@parties_app.command("rescreen")
def rescreen_cmd(
    fresh: bool = typer.Option(False, "--fresh", help="start over instead of resuming"),
    workers: int = typer.Option(
        0, "--workers", min=0, help="screening processes (default: the cores this process may use)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Re-screen the whole register against the current lists, with a progress bar. An
    interrupted run resumes after its last committed batch (on the same lists)."""
    from prosper import casework
    from prosper.cases.rescreen import rescreen_full
    from prosper.screening.batch import default_workers
    from prosper.settings import load_settings

    settings = load_settings()
    err = Console(stderr=True)
    ctx = casework.context(settings, casework.cli_actor(settings))
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("re-screening", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        out = rescreen_full(
            ctx, resume=not fresh, progress=progress, workers=workers or default_workers()
        )
    if as_json:
        _echo_json(out)
        return
    resumed = " (resumed)" if out["resumed"] else ""
    typer.echo(
        f"re-screened {out['screened']} of {out['total']} parties{resumed}: "
        f"{out['opened']} alerts opened, {out['reopened']} reopened, "
        f"{out['suppressed']} suppressed"
    )


def register(app: typer.Typer) -> None:
    """Add ``prosper parties`` to ``app``."""
    app.add_typer(parties_app, name="parties")
