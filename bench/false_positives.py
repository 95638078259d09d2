"""False-positive alert rate of Prosper's screening on persons who are on no list.

Usage::

    bench/.venv/bin/python bench/false_positives.py bench/datasets/negatives.csv.gz
        [--threshold 0.8] [--limit N] [--with-attributes] [--rows all|even|odd]
        [--out bench/results/false_positives.json]

``NEGATIVES.csv`` (or ``.csv.gz``) has the column ``name`` and optionally ``type``, ``country``
and ``dob``. Each name is screened with ``ScreeningIndex.screen`` over the full embedded
snapshot at the threshold (default ``prosper.settings.DEFAULT_THRESHOLD``); a row *alerts*
when at least one hit reaches the threshold. By default only the name (and type) is screened,
the strict case of a customer file without qualifiers; ``--with-attributes`` also passes the
row's country and date of birth, as a KYC-backed screening would. Reported: the alert rate
overall and per country column value, the top offending names (highest scores) and the list
entities that alert most often, and the latency per query.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accuracy import RESULTS, read_rows, require_columns, timing


@dataclass(frozen=True)
class Screened:
    """The outcome of one negative row: its top hit, if any reached the threshold."""

    name: str
    group: str
    top_score: float | None
    top_entity: str | None
    top_entity_name: str | None
    alert_entities: tuple[tuple[str, str], ...] = ()  # (entity id, list name) of every hit


def alert_summary(results: Sequence[Screened], top: int = 25) -> dict[str, Any]:
    """Alert rate overall and per group, the worst names and the most alerting entities."""
    n = len(results)
    alerts = [r for r in results if r.top_score is not None]
    per_group: dict[str, list[int]] = {}
    for r in results:
        counts = per_group.setdefault(r.group or "-", [0, 0])
        counts[0] += 1
        counts[1] += r.top_score is not None
    entity_counts: Counter[str] = Counter()
    entity_names: dict[str, str] = {}
    for r in alerts:
        entity_counts.update(e for e, _ in r.alert_entities)
        entity_names.update(r.alert_entities)
    worst = sorted(alerts, key=lambda r: (-(r.top_score or 0.0), r.name))[:top]
    return {
        "rows": n,
        "alerts": len(alerts),
        "alert_rate": round(len(alerts) / n, 6) if n else None,
        "groups": {
            g: {"rows": c[0], "alerts": c[1], "alert_rate": round(c[1] / c[0], 6)}
            for g, c in sorted(per_group.items())
        },
        "top_names": [
            {
                "name": r.name,
                "group": r.group,
                "score": r.top_score,
                "entity": r.top_entity,
                "entity_name": r.top_entity_name,
            }
            for r in worst
        ],
        "top_entities": [
            {"entity": e, "name": entity_names.get(e, ""), "alerts": c}
            for e, c in entity_counts.most_common(top)
        ],
    }


def select_rows(rows: list[dict[str, str]], which: str) -> list[dict[str, str]]:
    """All rows, or those with an even / odd 0-based index (two disjoint halves)."""
    if which == "all":
        return rows
    start = 0 if which == "even" else 1
    return rows[start::2]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the harness; print the summary; write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("negatives", type=Path, help="NEGATIVES.csv or .csv.gz")
    parser.add_argument("--threshold", type=float, default=None, help="default: DEFAULT_THRESHOLD")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows")
    parser.add_argument("--with-attributes", action="store_true", help="pass country and dob")
    parser.add_argument(
        "--rows",
        choices=("all", "even", "odd"),
        default="all",
        help="only rows with an even / odd index (tune on one half, check on the other)",
    )
    parser.add_argument("--top", type=int, default=25, help="offending names/entities listed")
    parser.add_argument("--out", type=Path, default=RESULTS / "false_positives.json")
    args = parser.parse_args(argv)

    from prosper.lists import load_snapshot
    from prosper.model import EntityType
    from prosper.screening.index import ScreeningIndex
    from prosper.screening.query import Query
    from prosper.settings import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    rows = select_rows(read_rows(args.negatives, args.limit), args.rows)
    if not rows:
        raise SystemExit(f"{args.negatives}: no rows")
    require_columns(args.negatives, rows, ("name",))

    start = time.perf_counter()
    snapshot = load_snapshot()
    index = ScreeningIndex.build(snapshot.entities)
    print(
        f"index: {len(snapshot.entities)} entities in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )

    results: list[Screened] = []
    seconds: list[float] = []
    started = time.perf_counter()
    step = max(1, min(2000, len(rows) // 20))
    for i, row in enumerate(rows):
        kind = row.get("type") or ""
        country = row.get("country") or ""
        query = Query(
            name=row["name"],
            type=EntityType(kind) if kind else None,
            countries=(country,) if args.with_attributes and country else (),
            dob=(row.get("dob") or None) if args.with_attributes else None,
        )
        t0 = time.perf_counter()
        hits = index.screen(query, threshold=threshold, limit=10)
        seconds.append(time.perf_counter() - t0)
        top = hits[0] if hits else None
        results.append(
            Screened(
                name=row["name"],
                group=country,
                top_score=None if top is None else top.score,
                top_entity=None if top is None else top.entity.id,
                top_entity_name=None if top is None else top.entity.name,
                alert_entities=tuple((h.entity.id, h.entity.name) for h in hits),
            )
        )
        if (i + 1) % step == 0 or i + 1 == len(rows):
            done = i + 1
            elapsed = time.perf_counter() - started
            eta = elapsed / done * (len(rows) - done)
            alerts = sum(1 for r in results if r.top_score is not None)
            print(
                f"  {done}/{len(rows)} screened, {alerts} alerts "
                f"({alerts / done:.3%}), {elapsed:.0f} s elapsed, ~{eta:.0f} s left",
                file=sys.stderr,
            )

    summary = alert_summary(results, args.top)
    report: dict[str, Any] = {
        "file": str(args.negatives),
        "threshold": threshold,
        "with_attributes": args.with_attributes,
        "row_selection": args.rows,
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **summary,
        "time": timing(seconds),
    }
    print(
        f"{report['rows']} non-listed persons ({args.rows} rows), threshold {threshold}, "
        f"{'name + country + dob' if args.with_attributes else 'name only'}: "
        f"{report['alerts']} alerts = {report['alert_rate']:.3%}"
    )
    print("\nalert rate by country column:")
    for group, g in sorted(report["groups"].items(), key=lambda kv: -kv[1]["alert_rate"]):
        print(f"  {group:<6}{g['rows']:>7}{g['alerts']:>6}{g['alert_rate']:>9.3%}")
    print("\ntop offending names:")
    for item in report["top_names"][:15]:
        print(f"  {item['score']:.3f}  {item['name']}  →  {item['entity_name']} ({item['entity']})")
    print("\nlist entities alerting most often:")
    for item in report["top_entities"][:15]:
        print(f"  {item['alerts']:>5}  {item['name']} ({item['entity']})")
    t = report["time"]
    print(
        f"\nlatency per query: mean {t['mean_us'] / 1000:.2f} ms, p95 {t['p95_us'] / 1000:.2f} ms, "
        f"p99 {t['p99_us'] / 1000:.2f} ms"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"JSON: {args.out}")
    return report


if __name__ == "__main__":
    main()
