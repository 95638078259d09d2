"""Candidate recall of Prosper's screening index: is the expected list entity in the top k?

Usage::

    bench/.venv/bin/python bench/recall.py bench/datasets/positives.csv [--limit N]
        [--threshold 0.0] [--top 50] [--out bench/results/recall.json]

``POSITIVES.csv`` (or ``.csv.gz``) has the columns ``query,expected_entity_id`` and optionally
``type`` (``person`` / ``organization`` / …) and ``category``. ``expected_entity_id`` is in the
snapshot's id scheme (``us_ofac_sdn:12345``, ``un_sc:KPi.033``); several ids joined by ``;``
mean "any of these" (the same person listed by two sources). Every query is screened with
``ScreeningIndex.screen`` over the full embedded snapshot at a very low threshold, and the
rank of the first expected entity among the hits is recorded. Reported: the share found in the
top 1 / 10 / 50, overall and per category, the query latency, and the misses (to tune
against). Rows whose expected ids are all absent from the snapshot are counted apart, not as
misses.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from accuracy import RESULTS, read_rows, require_columns, timing

KS = (1, 10, 50)


def first_rank(hit_ids: Sequence[str], expected: Iterable[str]) -> int | None:
    """1-based rank of the first hit whose id is expected; None when none is."""
    wanted = set(expected)
    for rank, entity_id in enumerate(hit_ids, start=1):
        if entity_id in wanted:
            return rank
    return None


def first_rank_merged(hit_ids: Sequence[Sequence[str]], expected: Iterable[str]) -> int | None:
    """1-based rank of the first hit one of whose listings is expected; None when none is."""
    wanted = set(expected)
    for rank, ids in enumerate(hit_ids, start=1):
        if wanted.intersection(ids):
            return rank
    return None


def _listing_ids(hit: Any) -> list[str]:
    return [hit.entity.id, *(h.entity.id for h in getattr(hit, "listings", ()))]


def _capped(misses: list[dict[str, Any]], per_category: int) -> list[dict[str, Any]]:
    """The misses, not found first, at most ``per_category`` of each category."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for m in sorted(misses, key=lambda m: (m["rank"] is not None, m["rank"] or 0)):
        n = seen.get(m["category"], 0)
        if n < per_category:
            out.append(m)
            seen[m["category"]] = n + 1
    return out


def topk_recall(ranks: Sequence[int | None], ks: Iterable[int] = KS) -> dict[str, float | None]:
    """Share of queries whose expected entity ranks within the top k, for each k."""
    n = len(ranks)
    return {
        f"top{k}": (round(sum(1 for r in ranks if r is not None and r <= k) / n, 4) if n else None)
        for k in ks
    }


def parse_expected(cell: str) -> list[str]:
    """``a;b`` → ``["a", "b"]`` (blank parts dropped)."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the harness; print the table; write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("positives", type=Path, help="POSITIVES.csv or .csv.gz")
    parser.add_argument("--threshold", type=float, default=0.0, help="screen threshold (low)")
    parser.add_argument("--top", type=int, default=max(KS), help="hits asked per query")
    parser.add_argument("--limit", type=int, default=None, help="only the first N queries")
    parser.add_argument("--out", type=Path, default=RESULTS / "recall.json")
    args = parser.parse_args(argv)

    rows = read_rows(args.positives, args.limit)
    if not rows:
        raise SystemExit(f"{args.positives}: no queries")
    require_columns(args.positives, rows, ("query", "expected_entity_id"))

    from prosper.lists import load_snapshot
    from prosper.model import EntityType
    from prosper.screening.index import ScreeningIndex
    from prosper.screening.query import Query

    start = time.perf_counter()
    snapshot = load_snapshot()
    index = ScreeningIndex.build(snapshot.entities)
    build_s = time.perf_counter() - start
    known = {e.id for e in snapshot.entities}
    print(f"index: {len(known)} entities in {build_s:.1f} s", file=sys.stderr)

    ranks: dict[str, list[int | None]] = {}
    seconds: list[float] = []
    misses: list[dict[str, Any]] = []
    absent: list[str] = []
    for i, row in enumerate(rows):
        expected = [e for e in parse_expected(row["expected_entity_id"]) if e in known]
        if not expected:
            absent.append(row["expected_entity_id"])
            continue
        kind = row.get("type") or ""
        query = Query(name=row["query"], type=EntityType(kind) if kind else None)
        t0 = time.perf_counter()
        hits = index.screen(query, threshold=args.threshold, limit=args.top)
        seconds.append(time.perf_counter() - t0)
        # a hit merged across lists (one party, all its listings) is found by any listing
        rank = first_rank_merged([_listing_ids(h) for h in hits], expected)
        category = row.get("category") or "-"
        ranks.setdefault(category, []).append(rank)
        if rank is None or rank > 1:
            misses.append(
                {
                    "query": row["query"],
                    "category": category,
                    "expected": expected,
                    "rank": rank,
                    "top": [[h.entity.id, h.entity.name, round(h.score, 4)] for h in hits[:3]],
                }
            )
        if (i + 1) % 500 == 0:
            print(f"  {i + 1}/{len(rows)}", file=sys.stderr)

    all_ranks = [r for rs in ranks.values() for r in rs]
    report: dict[str, Any] = {
        "file": str(args.positives),
        "queries": len(all_ranks),
        "expected_not_in_snapshot": len(absent),
        "threshold": args.threshold,
        "top": args.top,
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "index_build_s": round(build_s, 2),
        "overall": topk_recall(all_ranks),
        "categories": {cat: {"n": len(rs), **topk_recall(rs)} for cat, rs in sorted(ranks.items())},
        "time": timing(seconds),
        "misses": _capped(misses, 40),
    }

    def line(name: str, n: int, rec: dict[str, Any]) -> str:
        cells = "".join(f"{rec[f'top{k}']:>9.4f}" for k in KS)
        return f"{name:<24}{n:>7}{cells}"

    print(f"{'category':<24}{'n':>7}" + "".join(f"{'top' + str(k):>9}" for k in KS))
    for cat, rec in report["categories"].items():
        print(line(cat, rec["n"], rec))
    print(line("ALL", report["queries"], report["overall"]))
    t = report["time"]
    print(
        f"\nlatency per query: mean {t['mean_us'] / 1000:.2f} ms, p50 {t['p50_us'] / 1000:.2f} ms, "
        f"p95 {t['p95_us'] / 1000:.2f} ms, p99 {t['p99_us'] / 1000:.2f} ms "
        f"(threshold {args.threshold}, limit {args.top})"
    )
    if absent:
        print(f"{len(absent)} rows skipped: expected entity not in the snapshot")
    not_found = sum(1 for r in all_ranks if r is None)
    print(f"not found in the top {args.top}: {not_found}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"JSON: {args.out}")
    return report


if __name__ == "__main__":
    main()
