"""Write the retrieval golden file: the candidates of the 600 bench queries over the embedded lists.

Usage (with the tree whose candidates are the reference on ``PYTHONPATH``)::

    PYTHONPATH=/work/wt-base/src .venv/bin/python bench/golden_candidates.py \
        [--out tests/fixtures/screening/candidates_600.csv] [--queries 600]

For each query of ``bench/screening.py`` (the queries ``bench/stages.py`` and
``bench/native.py`` time; every fifth restricted to one list, the source filter), each reading
of the name is prepared as the screen prepares it and ``ScreeningIndex._candidates`` asked
twice (the second time from the long keys kept across queries). A row holds the query, its
type, the source filter, how many candidates and a digest of them as list names (entity id
and name as listed, in order). ``tests/screening/test_candidates_golden.py`` checks the tree
under test answers the same.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "tests" / "fixtures" / "screening" / "candidates_600.csv"
SOURCE = "us_ofac_sdn"  # the source filter of every fifth query


def main() -> int:
    """Write the golden file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import tempfile

    from prosper.lists import load_snapshot
    from prosper.screening.cache import get_index
    from screening import _queries

    sys.path.insert(0, str(HERE.parent))  # the digest is the test's own
    from tests.screening.test_candidates_golden import candidate_digest

    with tempfile.TemporaryDirectory() as cache:
        index = get_index(load_snapshot(), Path(cache))
        rows = []
        for i, (name, kind) in enumerate(_queries(args.queries)):
            sources = SOURCE if i % 5 == 4 else ""
            count, digest = candidate_digest(index, name, kind or "", sources)
            rows.append({"query": name, "type": kind or "", "sources": sources,
                         "count": count, "digest": digest})  # fmt: skip
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["query", "type", "sources", "count", "digest"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} queries → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
