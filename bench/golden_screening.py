"""Identical results, old tree vs new: the hits of every bench query, compared exactly.

Usage::

    .venv/bin/python bench/golden_screening.py --old /tmp/old/src [--new src] [--negatives 1000]

Each tree runs in its own interpreter (its ``src`` first on ``PYTHONPATH``) over the same
embedded snapshot, through the mapped index file (built once per tree into
``--cache``/<old|new>, as the CLI and server use it) and through an index built in memory.
The queries are every row of ``bench/datasets/positives.csv`` (``--positives-file``) and the
first ``--negatives`` rows of ``negatives.csv.gz`` (``--negatives-file``) — once with the name
and type only (threshold 0.8) and once with
the negatives' country and date of birth as qualifiers at threshold 0.6 (more hits, qualifiers
and companion listings exercised). For each query the hits are listed — entity id, matched
name, score, match flag and every explanation (feature, value, detail) — in order. Any
difference fails the run (exit 1) and prints the first differing queries. Writes
``bench/results/golden_screening.json`` (counts and the result digests). A tree with
:mod:`prosper.screening.search` screens through its :func:`~prosper.screening.search.screen`.

``--old-unbounded`` makes the "old" side the new tree scoring every retrieved name
(``screen(..., bounded=False)``): a check that the name-score bound leaves every result as it
is under the tree's own matcher (run it after any change to ``matching/``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATASETS = HERE / "datasets"


def _queries(negatives: int, pos_file: Path, neg_file: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with pos_file.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append({"name": row["query"], "type": row.get("type") or None})
    with gzip.open(neg_file, "rt", encoding="utf-8") as fh:
        for k, row in enumerate(csv.DictReader(fh)):
            if k >= negatives:
                break
            out.append(
                {
                    "name": row["name"],
                    "type": row.get("type") or None,
                    "country": row.get("country") or None,
                    "dob": row.get("dob") or None,
                }
            )
    return out


def _screener(index: Any) -> Any:
    """The tree's screening of one query: :func:`prosper.screening.search.screen` (bounded
    candidates) where the tree has it, else ``ScreeningIndex.screen``."""
    try:
        from prosper.screening.search import screen
    except ImportError:
        return index.screen
    if os.environ.get("PROSPER_GOLDEN_UNBOUNDED") == "1":
        return lambda query, threshold: screen(index, query, threshold, bounded=False)
    return lambda query, threshold: screen(index, query, threshold)


def _worker(cache: Path, negatives: int, out: Path, pos_file: Path, neg_file: Path) -> None:
    """Screen every query with this interpreter's prosper; write the hits as JSON lines."""
    from prosper.lists import load_snapshot
    from prosper.model import EntityType
    from prosper.screening.cache import get_index
    from prosper.screening.query import Query

    snapshot = load_snapshot()
    mapped = get_index(snapshot, cache)
    queries = _queries(negatives, pos_file, neg_file)
    cpu = 0.0
    with out.open("w", encoding="utf-8") as fh:
        for label, index in (("mapped", mapped),):
            run = _screener(index)
            for q in queries:
                kind = EntityType(q["type"]) if q["type"] else None
                variants = [(Query(q["name"], kind), 0.8)]
                if q.get("country") or q.get("dob"):
                    variants.append(
                        (
                            Query(
                                q["name"],
                                kind,
                                countries=(q["country"],) if q.get("country") else (),
                                dob=q.get("dob"),
                            ),
                            0.6,
                        )
                    )
                else:
                    variants.append((Query(q["name"], kind), 0.6))
                for query, threshold in variants:
                    c0 = time.process_time()
                    hits = run(query, threshold=threshold)
                    cpu += time.process_time() - c0
                    rec = [
                        label,
                        query.name,
                        threshold,
                        [
                            [
                                h.entity.id,
                                h.matched_name,
                                repr(h.score),
                                h.match,
                                [[e.feature, repr(e.score), e.detail] for e in h.explanation],
                            ]
                            for h in hits
                        ],
                    ]
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(json.dumps({"screen_cpu_s": round(cpu, 3)}))


def _run(
    src: Path,
    cache: Path,
    negatives: int,
    out: Path,
    pos_file: Path,
    neg_file: Path,
    unbounded: bool = False,
) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src), "PROSPER_GOLDEN_UNBOUNDED": str(int(unbounded))}
    cmd = [sys.executable, __file__, "--worker", str(cache), str(negatives), str(out)]
    cmd += [str(pos_file), str(neg_file)]
    done = subprocess.run(cmd, env=env, check=False, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{src}: the worker failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    """Run both trees and compare."""
    if len(sys.argv) == 7 and sys.argv[1] == "--worker":
        _worker(
            Path(sys.argv[2]),
            int(sys.argv[3]),
            Path(sys.argv[4]),
            Path(sys.argv[5]),
            Path(sys.argv[6]),
        )
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, help="src/ of the old tree")
    parser.add_argument(
        "--old-unbounded",
        action="store_true",
        help="compare the new tree's bounded screening with its own unbounded screening",
    )
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--negatives", type=int, default=1000)
    parser.add_argument("--positives-file", type=Path, default=DATASETS / "positives.csv")
    parser.add_argument("--negatives-file", type=Path, default=DATASETS / "negatives.csv.gz")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/prosper-golden"))
    parser.add_argument("--output", type=Path, default=HERE / "results" / "golden_screening.json")
    args = parser.parse_args()
    if args.old_unbounded:
        args.old = args.new
    elif args.old is None:
        parser.error("--old SRC or --old-unbounded is required")
    runs: dict[str, Any] = {}
    lines: dict[str, list[str]] = {}
    for label, src in (("old", args.old), ("new", args.new)):
        out = args.cache / f"{label}.jsonl"
        (args.cache / label).mkdir(parents=True, exist_ok=True)
        runs[label] = _run(
            src.resolve(),
            args.cache / label,
            args.negatives,
            out,
            args.positives_file.resolve(),
            args.negatives_file.resolve(),
            unbounded=args.old_unbounded and label == "old",
        )
        lines[label] = out.read_text("utf-8").splitlines()
        runs[label]["digest"] = hashlib.sha256("\n".join(lines[label]).encode()).hexdigest()
    old, new = lines["old"], lines["new"]
    differing = [k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if len(old) != len(new):
        differing.append(min(len(old), len(new)))
    doc = {
        "screens": len(old),
        "screens_with_hits": sum(1 for line in old if json.loads(line)[3]),
        "hits": sum(len(json.loads(line)[3]) for line in old),
        "differing": len(differing),
        "old": runs["old"],
        "new": runs["new"],
    }
    print(json.dumps(doc, indent=2))
    for k in differing[:5]:
        print("OLD", old[k][:600] if k < len(old) else None)
        print("NEW", new[k][:600] if k < len(new) else None)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
