"""Matches created by an identifier alone: must be 0.

Usage::

    bench/.venv/bin/python bench/identifiers.py [--negatives NEGATIVES.csv.gz] [--limit 2000]
        [--out bench/results/identifiers.json]

Three checks over the full embedded snapshot, at the default threshold:

1. **Listed documents, unrelated names**: every document number of the lists (passports,
   national IDs, registrations, IMO numbers … — not the lists' own reference numbers), typed
   as the list types it and with its issuing country, screened with a non-listed person's name
   from the negatives file. A match here is a match made by the identifier alone.
2. **Customer numbers in the batch ``id`` column**: rows ``name,id`` with ids 10000–11999 (the
   record-id collision of issue 14) read by ``prosper.screening.rows.row_query`` and screened.
3. **Control**: each listed entity's own name with its own document: the identifier must show
   as ``identifier_match`` (it lifts a name match).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from accuracy import RESULTS, read_rows

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three checks; print them; write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--negatives", type=Path, default=HERE / "datasets" / "heldout_negatives.csv.gz"
    )
    parser.add_argument("--limit", type=int, default=2000, help="documents checked (sampled)")
    parser.add_argument("--out", type=Path, default=RESULTS / "identifiers.json")
    args = parser.parse_args(argv)

    from prosper.lists import load_snapshot
    from prosper.model import Identifier
    from prosper.screening.index import ScreeningIndex
    from prosper.screening.query import LIST_REFERENCE, Query, canonical_id_type
    from prosper.screening.rows import row_query
    from prosper.settings import DEFAULT_THRESHOLD

    snapshot = load_snapshot()
    start = time.perf_counter()
    index = ScreeningIndex.build(snapshot.entities)
    print(f"index built in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    names = [r["name"] for r in read_rows(args.negatives, 20_000)]
    rng = random.Random(20261206)

    docs = [
        (e, i)
        for e in snapshot.entities
        for i in e.identifiers
        if canonical_id_type(i.type) != LIST_REFERENCE and len(i.value) >= 4
    ]
    sample = rng.sample(docs, min(args.limit, len(docs)))
    alone: list[dict[str, str]] = []
    for _entity, ident in sample:
        typed = Identifier(canonical_id_type(ident.type), ident.value, ident.country)
        query = Query(rng.choice(names), identifiers=(typed,))
        without = {h.entity.id for h in index.screen(Query(query.name), DEFAULT_THRESHOLD)}
        for hit in index.screen(query, threshold=DEFAULT_THRESHOLD):
            if hit.entity.id not in without:  # matched only because of the identifier
                alone.append({"query": query.name, "identifier": ident.value, "hit": hit.entity.id})

    batch_alerts: list[dict[str, str]] = []
    for number in range(10_000, 12_000):
        query = row_query({"name": rng.choice(names), "id": str(number)})
        assert not query.identifiers, "the record id must never be screened"
        without = {h.entity.id for h in index.screen(Query(query.name), DEFAULT_THRESHOLD)}
        for hit in index.screen(query, threshold=DEFAULT_THRESHOLD):
            if hit.entity.id not in without:
                batch_alerts.append({"query": query.name, "id": str(number), "hit": hit.entity.id})

    lifted = 0
    for entity, ident in sample:
        typed = Identifier(canonical_id_type(ident.type), ident.value, ident.country)
        hits = index.screen(Query(entity.name, entity.type, identifiers=(typed,)), threshold=0.0)
        features = {e.feature for h in hits[:3] for e in h.explanation}
        lifted += "identifier_match" in features

    report = {
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "threshold": DEFAULT_THRESHOLD,
        "documents_checked": len(sample),
        "documents_on_lists": len(docs),
        "matches_by_identifier_alone": len(alone),
        "batch_rows_with_record_ids": 2000,
        "batch_alerts_from_record_id": len(batch_alerts),
        "control_identifier_shown": lifted,
        "examples": (alone + batch_alerts)[:20],
    }
    print(
        f"documents on the lists: {len(docs)}, checked {len(sample)} with unrelated names: "
        f"{len(alone)} matches by identifier alone\n"
        f"batch rows with record ids 10000-11999: {len(batch_alerts)} alerts from the id\n"
        f"control (listed name + its document): identifier_match shown for {lifted}/{len(sample)}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
