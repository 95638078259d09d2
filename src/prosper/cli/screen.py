"""`prosper screen` and `prosper match`: screen names against the lists, score name pairs.

The list snapshot and the screening index load only when a command runs (``prosper --help``
stays fast); the built index is cached under ``<data dir>/cache`` keyed by the list versions.
Screening one name is :mod:`prosper.cli.screen_name`, shared with the lean start-up path
(:mod:`prosper.cli.lean`, which runs ``prosper screen NAME`` without importing Typer).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from prosper.cli import screen_name as one
from prosper.cli.screen_name import NameRequest, check_threshold
from prosper.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from prosper.screening.index import ScreeningIndex
    from prosper.settings import Settings

_TYPE_HELP = "person|organization|vessel|aircraft"


def _progress_console() -> Console:
    from rich.console import Console  # rich only when something is printed for people

    return Console(stderr=True)


@dataclass(frozen=True, slots=True)
class FileJob:
    """``screen --file``: what to read, where to write, and how."""

    file: Path
    output: Path | None
    threshold: float
    resume: bool = False
    force: bool = False
    encoding: str | None = None
    workers: int = 1
    engine: str = "local"
    master: str | None = None


def _run_file(settings: Settings, job: FileJob, dry_run: bool = False) -> None:
    from prosper.screening.batch import check_format, count_rows, read_rows
    from prosper.screening.files import check_output

    file, output = job.file, job.output
    if output is None:
        raise InputError("--file needs --output", field="--output")
    check_format(output, "--output")
    # existence, format, encoding, the name column and (counting) every CSV record are
    # checked, and an existing output refused, before the lists load
    read_rows(file, encoding=job.encoding)
    check_output(output, resume=job.resume, force=job.force, input_path=file)
    total = count_rows(file, job.encoding)
    snapshot, index = one._load(settings)
    if job.engine == "spark":
        summary = _run_spark(settings, job, output)
    else:
        summary = _run_local(index, job, output, total)
    typer.echo(
        f"screened {summary.rows} rows ({summary.skipped} already done): "
        f"{summary.matched} matched, {summary.errors} with errors → {output}",
        err=True,
    )
    _record_file(settings, job, output, summary, snapshot, dry_run)


def _run_spark(settings: Settings, job: FileJob, output: Path) -> Any:
    from prosper.screening.batch import BatchSummary

    if job.resume:
        raise InputError("--resume is not supported with --engine spark", field="--resume")
    from prosper.spark import screen_file

    try:
        rows, matched, errors = screen_file(
            job.file,
            output,
            threshold=job.threshold,
            master=job.master,
            snapshot_dir=settings.snapshot_dir,
            cache_dir=settings.data_dir / "cache",
        )
    except ModuleNotFoundError as exc:  # the spark extra is not installed
        if (exc.name or "").split(".")[0] not in ("pyspark", "pandas"):
            raise
        raise InputError(
            f"--engine spark needs the spark extra ({exc})", field="--engine"
        ) from None
    return BatchSummary(rows, 0, matched, errors)


def _run_local(index: ScreeningIndex, job: FileJob, output: Path, total: int | None) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from prosper.screening.batch import run_batch

    file = job.file
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_progress_console()) as bar:
        task = bar.add_task("screening", total=total)
        summary = run_batch(
            index,
            file,
            output,
            threshold=job.threshold,
            resume=job.resume,
            force=job.force,
            encoding=job.encoding,
            progress=lambda done: bar.update(task, completed=done),
            workers=job.workers,
        )
    return summary


def _record_file(
    settings: Settings, job: FileJob, output: Path, summary: Any, snapshot: Any, dry_run: bool
) -> None:
    from prosper import casework

    file = job.file

    if dry_run:
        typer.echo(casework.DRY_RUN_NOTE, err=True)
        return
    record = casework.record_batch(
        {
            "file": file.name,
            "file_digest": casework.file_digest(file),
            "output": output.name,
            "output_digest": casework.file_digest(output),
            "rows": summary.rows,
            "matched": summary.matched,
            "errors": summary.errors,
            "threshold": job.threshold,
            "versions": snapshot.versions(),
        },
        settings=settings,
        actor=settings.actor,
        channel="cli",
        claim=settings.actor_claim,
    )
    typer.echo(f"audit record {record['record_id']} {record['hash']}", err=True)


def screen(
    name: str | None = typer.Argument(None, help="The name to screen (any script)."),
    type: str | None = typer.Option(None, "--type", help=_TYPE_HELP),
    country: list[str] = typer.Option([], "--country", help="ISO alpha-2 code; repeatable."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth YYYY[-MM[-DD]]."),
    gender: str | None = typer.Option(None, "--gender", help="male or female (persons)."),
    ids: list[str] = typer.Option([], "--id", help="Passport / registration number."),
    source: list[str] = typer.Option([], "--source", help="Only this source; repeatable."),
    threshold: float | None = typer.Option(None, "--threshold", help="Match threshold 0–1."),
    limit: int = typer.Option(10, "--limit", help="Maximum hits."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract's JSON."),
    file: Path | None = typer.Option(None, "--file", help="Batch input .csv/.jsonl/.parquet."),
    output: Path | None = typer.Option(None, "--output", help="Batch output file."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted batch."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --output."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Encoding of --file (default: detected, e.g. cp949)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="A what-if: screen without recording it in the audit log."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Processes for --file (default: the number of cores)."
    ),
    engine: str = typer.Option("local", "--engine", help="local or spark (--file only)."),
    master: str | None = typer.Option(None, "--master", help="Spark master URL (--engine spark)."),
) -> None:
    """Screen a name (or a file of names) against the sanctions and export-control lists.

    Each screen is recorded in the audit log (query, result digest, list versions, actor)
    unless --dry-run.
    """
    from prosper.settings import load_settings

    settings = load_settings()
    used = check_threshold(threshold, settings)
    if file is not None:
        if name is not None:
            raise InputError("give a NAME or --file, not both", field="NAME")
        if workers is not None and workers < 1:
            raise InputError(f"must be at least 1, got {workers}", field="--workers")
        from prosper.screening.batch import default_workers

        if engine not in ("local", "spark"):
            raise InputError(f"must be local or spark, got {engine!r}", field="--engine")
        n = default_workers() if workers is None else workers
        job = FileJob(file, output, used, resume, force, encoding, n, engine, master)
        _run_file(settings, job, dry_run)
        return
    request = NameRequest(
        name,
        type,
        tuple(country),
        dob,
        gender,
        tuple(ids),
        tuple(source),
        threshold,
        limit,
        as_json,
        dry_run,
    )
    one.screen_name(settings, used, request)


def match(
    name_a: str | None = typer.Argument(None, help="First name (the screened name)."),
    name_b: str | None = typer.Argument(None, help="Second name (a list name)."),
    type: str | None = typer.Option(None, "--type", help=_TYPE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    pairs: Path | None = typer.Option(None, "--pairs", help="CSV/JSONL with name1,name2[,type]."),
    output: Path | None = typer.Option(None, "--output", help="Where to write scored pairs."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --output."),
    encoding: str | None = typer.Option(None, "--encoding", help="Encoding of --pairs."),
    threshold: float | None = typer.Option(None, "--threshold", help="Match threshold 0–1."),
) -> None:
    """Score one pair of names with its explanation, or a file of pairs."""
    from prosper.matching import match_names
    from prosper.screening.batch import run_pairs
    from prosper.screening.rows import parse_type
    from prosper.settings import load_settings

    settings = load_settings()
    used = check_threshold(threshold, settings)
    if pairs is not None:
        if output is None:
            raise InputError("--pairs needs --output", field="--output")
        summary = run_pairs(pairs, output, threshold=used, force=force, encoding=encoding)
        typer.echo(
            f"scored {summary.rows} pairs: {summary.matched} matched, "
            f"{summary.errors} with errors → {output}",
            err=True,
        )
        return
    if not name_a or not name_b:
        raise InputError(
            "two names are required (or --pairs)", field="NAME_B" if name_a else "NAME_A"
        )
    result = match_names(name_a, name_b, parse_type(type, "--type"))
    doc = {
        "name1": name_a,
        "name2": name_b,
        "type": type,
        "score": result.score,
        "match": result.score >= used,
        "threshold": used,
        "ofac_score": result.ofac_score,
        "explanation": [
            {"feature": e.feature, "score": e.score, "detail": e.detail} for e in result.explanation
        ],
    }
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return
    from rich.console import Console

    console = Console()
    verdict = "[bold red]MATCH[/]" if doc["match"] else "[green]no match[/]"
    console.print(f"{name_a} ↔ {name_b}: {result.score:.3f} {verdict} (threshold {used:.2f})")
    console.print(f"OFAC-style score: {result.ofac_score:.3f}")
    for e in result.explanation:
        console.print(f"  {e.feature} {e.score:.3f}: {e.detail}")


def register(app: typer.Typer) -> None:
    """Add the ``screen`` and ``match`` commands to ``app``."""
    app.command("screen")(screen)
    app.command("match")(match)
