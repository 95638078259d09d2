"""`prosper alerts` — the alert queue: list, show, escalate, decide, report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import typer

from prosper.errors import InputError

alerts_app = typer.Typer(
    help="Alerts of registered parties and the reviewers' decisions (four-eyes by default).",
    no_args_is_help=True,
)


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _state(value: str | None) -> Any:
    from prosper.cases.model import AlertState

    if value is None:
        return None
    try:
        return AlertState(value)
    except ValueError:
        known = ", ".join(s.value for s in AlertState)
        raise InputError(f"unknown state {value!r} ({known})", field="--state") from None


@alerts_app.command("list")
def list_cmd(
    state: str | None = typer.Option(None, "--state", help="open, escalated, pending, …"),
    source: str | None = typer.Option(None, "--list", help="a source, e.g. us_ofac_sdn"),
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.5),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """List alerts, newest first."""
    from prosper import casework
    from prosper.cases.store import AlertFilter
    from prosper.settings import load_settings

    store = casework.case_store(load_settings())
    alerts = store.alerts(
        AlertFilter(state=_state(state), source=source, min_score=min_score, limit=limit)
    )
    if as_json:
        _echo_json([a.to_dict() for a in alerts])
        return
    for a in alerts:
        typer.echo(
            f"{a.id}\t{a.state.value}\t{a.score:.2f}\t{a.party_id}\t{a.entity_name} ({a.source})"
        )
    typer.echo(f"{len(alerts)} alerts", err=True)


@alerts_app.command("show")
def show_cmd(
    alert_id: int = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """An alert: the party beside the list entry, the explanation and the decision history."""
    from prosper import casework
    from prosper.settings import load_settings

    out = casework.alert_detail(alert_id, load_settings())
    if as_json:
        _echo_json(out)
        return
    party, entry = out["party"], out["entry"] or {}
    typer.echo(
        f"alert {out['id']}: {out['state']}"
        + (f" (proposed {out['proposed']} by {out['proposed_by']})" if out["proposed"] else "")
    )
    typer.echo(f"  party  {party['id']}: {party['name']} {party['countries']}")
    typer.echo(
        f"  entry  {out['entity_id']}: {out['entity_name']} "
        f"{entry.get('countries', '')} [{out['list_code']}]"
    )
    typer.echo(f"  score  {out['score']:.2f} on {out['matched_name']!r}; {out['opened_because']}")
    if out.get("via"):
        typer.echo(f"  via    {out['via']} (an owner of the party)")
    for e in out["explanation"]:
        typer.echo(f"    {e['feature']}: {e['score']:.2f} {e['detail']}")
    for ev in out["events"]:
        typer.echo(f"  {ev['at']} {ev['actor']} {ev['action']} → {ev['to_state']}: {ev['reason']}")


@alerts_app.command("escalate")
def escalate_cmd(
    alert_id: int = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="why (recorded in the audit log)"),
) -> None:
    """Escalate an open alert (reviewer: the OS user)."""
    from prosper import casework
    from prosper.settings import load_settings

    settings = load_settings()
    out = casework.escalate_alert(
        alert_id,
        reason=reason,
        actor=casework.cli_actor(settings),
        settings=settings,
        claim=casework.cli_claim(settings),
    )
    typer.echo(f"alert {alert_id}: {out['state']}")


@alerts_app.command("decide")
def decide_cmd(
    alert_id: int = typer.Argument(..., metavar="ID"),
    decision: str = typer.Option(..., "--as", help="true_match or false_positive"),
    reason: str = typer.Option(..., "--reason", help="why (recorded in the audit log)"),
) -> None:
    """Decide an alert. With four-eyes on, a true match and the clearing of a sanctions-list
    alert stay pending until a second, different reviewer decides the same."""
    from prosper import casework
    from prosper.settings import load_settings

    settings = load_settings()
    out = casework.decide_alert(
        alert_id,
        decision=decision,
        reason=reason,
        actor=casework.cli_actor(settings),
        settings=settings,
        claim=casework.cli_claim(settings),
    )
    if out["state"] == "pending":
        typer.echo(
            f"alert {alert_id}: pending — {out['proposed']} proposed by "
            f"{out['proposed_by']}; a second reviewer must confirm it"
        )
    else:
        typer.echo(f"alert {alert_id}: {out['state']}")


def _when(value: str | None, field: str, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"not an ISO date or time: {value!r}", field=field) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@alerts_app.command("report")
def report_cmd(
    start: str | None = typer.Option(None, "--from", help="ISO date (default: 30 days ago)"),
    end: str | None = typer.Option(None, "--to", help="ISO date, exclusive (default: now)"),
    fmt: str = typer.Option("json", "--format", help="json or csv"),
) -> None:
    """Counts by state, list and reviewer, time to decision and open alerts by age."""
    from prosper import casework
    from prosper.cases.reports import build_report, report_csv
    from prosper.settings import load_settings

    if fmt not in ("json", "csv"):
        raise InputError("must be json or csv", field="--format")
    today = datetime.now(UTC)
    lo = _when(start, "--from", today - timedelta(days=30))
    hi = _when(end, "--to", today + timedelta(seconds=1))
    if hi <= lo:
        raise InputError("must be after --from", field="--to")
    store = casework.case_store(load_settings())
    report = build_report(store.all_alerts(), store.events(), lo, hi, today)
    if fmt == "csv":
        typer.echo(report_csv(report), nl=False)
    else:
        _echo_json(report)


def register(app: typer.Typer) -> None:
    """Add ``prosper alerts`` to ``app``."""
    app.add_typer(alerts_app, name="alerts")
