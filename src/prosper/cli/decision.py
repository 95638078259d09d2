"""What ``prosper check FILE`` does once parsed: decide, record, print.

Shared by the Typer command (:mod:`prosper.cli.check`) and the lean start-up path
(:mod:`prosper.cli.lean`), so both print the same thing. Importing this module costs nothing:
rich loads only for the human rendering, the engine and the audit writer inside
:func:`run_check_request`.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prosper.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from prosper.model import Verdict


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """The options of ``prosper check FILE`` (raw, as typed; checked by
    :func:`run_check_request`)."""

    transaction: Path
    as_of: str | None = None
    mode: str = "enforced"
    as_json: bool = False
    fail_on: str | None = None
    encoding: str | None = None
    dry_run: bool = False


_STYLE = {
    "prohibited": "bold red",
    "license_required": "bold yellow",
    "review": "yellow",
    "allowed_with_conditions": "cyan",
    "allowed": "green",
    "not_subject": "dim",
}


def _parse_verdict(value: str | None) -> Verdict | None:
    if value is None:
        return None
    from prosper.model import Verdict

    try:
        return Verdict(value)
    except ValueError:
        names = ", ".join(v.value for v in Verdict)
        raise InputError(f"unknown verdict {value!r} (one of {names})", field="--fail-on") from None


def _subject_label(doc: dict[str, Any], subject: str) -> str:
    """``parties[1]`` → ``parties[1] Example Cloud JSC (end_user)`` for people; an owner's path
    (``parties[1].owners[0]``) gets the owner's name and the party it owns."""
    match = re.match(r"^parties\[(\d+)\]", subject)
    if match is not None:
        index = int(match.group(1))
        for p in doc.get("parties", []):
            if p["index"] != index:
                continue
            if subject == match.group(0):
                return f"{subject} {p['name']} ({p['role']})"
            for owner in p.get("owners", []):
                if owner["path"] == subject:
                    return f"{subject} {owner['name']} (owner of {p['name']})"
    return subject


def render_decision(doc: dict[str, Any], console: Console) -> None:
    """Print a decision for people: verdict, then each finding with its rule and citation."""
    from rich.markup import escape
    from rich.padding import Padding

    verdict = doc["verdict"]
    title = f"{doc.get('id') or 'transaction'} — as of {doc['as_of']} ({doc['mode']} reading)"
    console.print(f"[bold]{title}[/bold]")
    console.print(f"verdict: [{_STYLE[verdict]}]{verdict}[/]\n")
    for f in doc["findings"]:
        style = _STYLE[f["verdict"]]
        console.print(
            f"[{style}]{f['verdict']}[/]  {escape(_subject_label(doc, f['subject']))}  "
            f"[bold]{f['regime']}[/bold]  [dim]{f['rule_id']}[/dim]"
        )
        console.print(Padding(escape(f["summary"]), (0, 0, 0, 4)))
        extra = [f"citation: {f['citation']}"]
        if f.get("review_policy"):
            extra.append(f"review policy: {f['review_policy']}")
        if f.get("license_exception"):
            extra.append(f"licence exception: {f['license_exception']}")
        if f.get("missing_facts"):
            extra.append("missing facts: " + ", ".join(f["missing_facts"]))
        extra.extend(f"• {c}" for c in f.get("conditions", []))
        for line in extra:
            console.print(Padding(f"[dim]{escape(line)}[/dim]", (0, 0, 0, 4)))
    if doc.get("divergence"):
        for reading, block in doc["divergence"].items():
            console.print(
                f"\n[bold]divergence:[/bold] the {reading} reading gives "
                f"[{_STYLE[block['verdict']]}]{block['verdict']}[/] "
                f"({len(block['findings'])} findings; see --mode {reading})"
            )
    if doc.get("dry_run"):
        note = "a what-if, not part of the official record"
        console.print(f"\n[bold yellow]DRY RUN[/bold yellow] — {note}")
    audit = doc.get("audit")
    if audit:
        console.print(f"\n[dim]audit record {audit['record_id']} {audit['hash']}[/dim]")


def run_check_request(req: CheckRequest) -> int:
    """Decide ``req.transaction``, record it (unless ``--dry-run``), print it; the exit code
    (3 when the verdict reaches ``--fail-on``, else 0).

    Raises:
        ProsperError: bad input, a missing file, an audit failure (the caller's exit code).
    """
    from prosper.casework import DRY_RUN_NOTE
    from prosper.service import (
        decide_document,
        evaluate,
        prime_cli_engine,
        read_document,
        record_check,
    )
    from prosper.settings import load_settings
    from prosper.values import parse_date

    when = parse_date(req.as_of, "--as-of")
    threshold = _parse_verdict(req.fail_on)
    if req.mode not in {"enforced", "literal"}:
        raise InputError("must be 'enforced' or 'literal'", field="--mode")
    settings = load_settings()
    raw = read_document(req.transaction, encoding=req.encoding, limits=settings.input_limits)
    prime_cli_engine(settings)  # one decision: lists decoded lazily, rulebook YAML cached
    if req.dry_run:
        doc = {**evaluate(raw, mode=req.mode, as_of=when, settings=settings), "dry_run": True}
        sys.stderr.write(DRY_RUN_NOTE + "\n")
        sys.stderr.flush()
    else:
        recorded, output = decide_document(raw, settings=settings, mode=req.mode, as_of=when)
        doc = record_check(
            recorded, output, settings=settings, claim=settings.actor_claim, lean=True
        )
    if req.as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        from rich.console import Console

        render_decision(doc, Console())
    verdict = _parse_verdict(doc["verdict"]) if threshold is not None else None
    if threshold is not None and verdict is not None and verdict.severity >= threshold.severity:
        return 3
    return 0
