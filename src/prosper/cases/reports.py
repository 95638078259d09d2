"""``prosper alerts report``: counts by state, list and reviewer, time to decision, open by age."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime
from statistics import median
from typing import Any

from prosper.cases.model import Alert, AlertEvent

AGE_BUCKETS = ((1, "<1d"), (7, "1-7d"), (30, "7-30d"), (10**9, ">30d"))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def build_report(
    alerts: list[Alert], events: list[AlertEvent], start: datetime, end: datetime, today: datetime
) -> dict[str, Any]:
    """The report over alerts created in ``[start, end)`` (``today``: the age of open ones)."""
    chosen = [a for a in alerts if start <= _at(a.created_at) < end]
    ids = {a.id for a in chosen}
    by_reviewer: Counter[str] = Counter()
    for event in events:
        if event.alert_id in ids and event.action in (
            "decided",
            "confirmed",
            "proposed",
            "escalated",
        ):
            by_reviewer[f"{event.actor}|{event.action}"] += 1
    hours = [
        (_at(a.decided_at) - _at(a.created_at)).total_seconds() / 3600
        for a in chosen
        if a.decided_at is not None
    ]
    ages: Counter[str] = Counter()
    for a in chosen:
        if a.state.final:
            continue
        days = (today - _at(a.created_at)).total_seconds() / 86400
        ages[next(label for limit, label in AGE_BUCKETS if days < limit)] += 1
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "alerts": len(chosen),
        "by_state": dict(sorted(Counter(a.state.value for a in chosen).items())),
        "by_list": dict(sorted(Counter(a.source for a in chosen).items())),
        "by_reviewer": [
            {"reviewer": k.split("|")[0], "action": k.split("|")[1], "count": v}
            for k, v in sorted(by_reviewer.items())
        ],
        "time_to_decision_hours": {
            "decided": len(hours),
            "median": None if not hours else round(median(hours), 2),
            "max": None if not hours else round(max(hours), 2),
        },
        "open_by_age": {label: ages.get(label, 0) for _, label in AGE_BUCKETS},
    }


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV rows ``section,key,value``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerow(["total", "alerts", report["alerts"]])
    for section in ("by_state", "by_list", "open_by_age", "time_to_decision_hours"):
        for key, value in report[section].items():
            writer.writerow([section, key, "" if value is None else value])
    for row in report["by_reviewer"]:
        writer.writerow(["by_reviewer", f"{row['reviewer']}:{row['action']}", row["count"]])
    return out.getvalue()
