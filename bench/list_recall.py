"""Recall of the default install on the newest list files: is each listed row found under its
own name, on the right list?

Usage::

    .venv/bin/python bench/list_recall.py [--sample N] [--seed S] [--lists DIR]
        [--output bench/results/list_recall.json]

Samples rows of the newest files in ``../shared/data/lists`` (``SOURCES.md``, "Added
2026-12-04"; the bench exits cleanly, saying so, when the folder is absent) and screens each
row's own name, as a user would type it (no type, country or other qualifier), against the
**embedded default snapshot** (what a fresh install screens against) at the install's default
threshold (0.80). A row is *found* when a hit at or above the threshold is the row's own entry,
or carries it among its merged listings (one party, all its listings):

* ``entity_list`` — rows of the Entity List in the 2026-07-31 CSL (``us_csl_derived_2026-07-31``).
  The row's own name is its ``n`` field; for a row naming an affiliate
  (``X (X'). Affiliated Entity: Y``) the listed party is Y, and an ``a.k.a.`` / ``f.k.a.`` /
  ``d.b.a.`` tail is cut off. Found = a matched hit with an Entity List (``EL``) listing whose
  name is the queried name or one of its aliases (normalised: case, punctuation, spaces).
* ``ai_makers`` — every Entity List row of a Chinese AI-chip, memory or server maker, by this
  rule (printed with the rows it selects): the row's countries include CN or HK; its Federal
  Register citations include the October 2023 advanced-computing round (88 FR 71992: Biren,
  Moore Threads) or any notice of 2024–2025 (``89 FR`` / ``90 FR``: the rounds of Dec 2024,
  Jan, Mar and Sep 2025 among them); its name contains one of :data:`AI_KEYWORDS`; and not one
  of :data:`NOT_MAKERS` (equipment and material suppliers, aviation). Found as for
  ``entity_list``.
* ``sdn_since_2024_07`` — SDN entries of the 2026-08-20 rendering whose uid is not in the
  official ``sdn.csv`` of 2024-07-02 (designated since). Found = ``us_ofac_sdn:<uid>`` among
  the matched hits' listings.
* ``un_2026_08_01`` — entries of the UN consolidated XML of 2026-08-01; the name is the
  FIRST…FOURTH_NAME fields joined. Found = ``un_sc:<REFERENCE_NUMBER>`` among the matched
  hits' listings.

``--sample`` rows are drawn (seeded) from each set except ``ai_makers``, which is screened
whole; ``--sample 0`` screens every row. Prints a table (with the issue's targets) and the
misses, and writes JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"
try:  # the installed package, or PYTHONPATH (e.g. a `git archive HEAD src` copy) when given
    import prosper  # noqa: F401
except ImportError:
    sys.path.insert(0, str(SRC))

from prosper.lists import load_embedded_snapshot  # noqa: E402
from prosper.screening.cache import get_index  # noqa: E402
from prosper.screening.index import ScreeningIndex  # noqa: E402
from prosper.screening.query import Query  # noqa: E402
from prosper.settings import DEFAULT_THRESHOLD  # noqa: E402

LISTS = REPO.parent / "shared" / "data" / "lists"
CSL = "us_csl_derived_2026-07-31/screening-list.json"
SDN_NEW = "us_ofac_sdn_derived_2026-08-20/ofac-sdn.json"
SDN_OLD = "us_ofac_sdn_2024-07-02/sdn.csv"
UN = "un_sc_consolidated_2026-08-01/un.xml"
TARGETS = {
    "entity_list": 0.98,
    "ai_makers": 0.99,
    "sdn_since_2024_07": 0.98,
    "un_2026_08_01": 0.99,
}
AI_KEYWORDS = (
    "semiconductor",
    "microelectronic",
    "chip",
    "integrated circuit",
    "memory",
    "storage",
    "dram",
    "nand",
    "flash",
    "server",
    "comput",  # computing, computer, compute
    "gpu",
    "electronic information",
    "sophgo",
    "biren",
    "moore thread",
    "cambricon",
    "zhipu",
    "inspur",
    "sugon",
    "hygon",
    "phytium",
    "yangtze memory",
    "changxin",
    "smic",
    "huawei",
)
_AI_RE = re.compile("|".join(re.escape(k) for k in AI_KEYWORDS), re.IGNORECASE)
_ROUNDS = re.compile(r"\b(?:88 FR 71992|89 FR|90 FR)\b")
# tool, material and other suppliers the keywords also catch: not chip, memory or server makers
NOT_MAKERS = ("equipment", "material", "gas ", "aviation", "aeronautic")
_NOT_MAKER_RE = re.compile("|".join(re.escape(k) for k in NOT_MAKERS), re.IGNORECASE)
_AFFILIATE = re.compile(r"Affiliated Entity:\s*(.+)$", re.IGNORECASE)
_TAIL = re.compile(r"\s*(?:[,(]\s*)?\b(?:a\.k\.a\.|f\.k\.a\.|d\.b\.a\.)", re.IGNORECASE)
_NORM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Row:
    """One sampled list row: the name to screen and how to recognise its own entry."""

    set: str
    name: str
    expected_id: str | None = None  # sdn / un: the entity id in the snapshot
    list_code: str | None = None  # entity list: the list its own entry must be on
    detail: str = ""


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def own_name(raw: str) -> str:
    """The party a CSL row names (see the module docstring).

    >>> own_name("Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Cloud Ltd.")
    'Huawei Cloud Ltd'
    >>> own_name("Chitron Electronics Company Ltd., a.k.a. Chi-Chung Electronics Company Ltd.")
    'Chitron Electronics Company Ltd.'
    """
    text = " ".join(raw.split())
    if (m := _AFFILIATE.search(text)) is not None:
        return m.group(1).strip().rstrip(".")
    cut = _TAIL.search(text)
    return (text[: cut.start()] if cut else text).strip().rstrip(",")


def entity_list_rows(folder: Path) -> tuple[list[Row], list[Row]]:
    """The Entity List rows of the 2026-07-31 CSL, and the AI-maker subset."""
    doc = json.loads((folder / CSL).read_text("utf-8"))
    sources = doc["tables"]["sources"]
    rows: list[Row] = []
    makers: list[Row] = []
    for entry in doc["entries"]:
        if not sources[entry["s"]].startswith("Entity List"):
            continue
        name = own_name(str(entry["n"]))
        fr = str(entry.get("fr") or "")
        countries = set(entry.get("c") or ())
        row = Row("entity_list", name, list_code="EL", detail=f"{'/'.join(sorted(countries))} {fr}")
        rows.append(row)
        if (
            countries & {"CN", "HK"}
            and _ROUNDS.search(fr)
            and _AI_RE.search(name)
            and not _NOT_MAKER_RE.search(name)
        ):
            makers.append(Row("ai_makers", name, list_code="EL", detail=row.detail))
    return rows, makers


def sdn_since_rows(folder: Path) -> list[Row]:
    """SDN entries of the 2026-08-20 rendering not in the 2024-07-02 sdn.csv."""
    with (folder / SDN_OLD).open(encoding="latin-1", newline="") as fh:
        old = {r[0].strip() for r in csv.reader(fh) if r and r[0].strip().isdigit()}
    doc = json.loads((folder / SDN_NEW).read_text("utf-8"))
    return [
        Row(
            "sdn_since_2024_07",
            str(e["name"]),
            expected_id=f"us_ofac_sdn:{e['uid']}",
            detail=f"{e.get('type')} {','.join(e.get('programs') or [])}",
        )
        for e in doc["entries"]
        if str(e["uid"]) not in old
    ]


def un_rows(folder: Path) -> list[Row]:
    """Every entry of the UN consolidated XML of 2026-08-01."""
    root = ET.parse(folder / UN).getroot()
    out: list[Row] = []
    for group in ("INDIVIDUALS", "ENTITIES"):
        for rec in root.findall(f"{group}/*"):
            parts = [
                (rec.findtext(tag) or "").strip()
                for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ]
            ref = (rec.findtext("REFERENCE_NUMBER") or "").strip()
            name = " ".join(p for p in parts if p)
            if name and ref:
                out.append(Row("un_2026_08_01", name, expected_id=f"un_sc:{ref}", detail=ref))
    return out


def is_found(row: Row, hits: Sequence[Any]) -> tuple[bool, str]:
    """Whether a matched hit is the row's own entry; and what the best hit was."""
    best = f"{hits[0].entity.id} {hits[0].entity.name} {hits[0].score:.2f}" if hits else "no hit"
    wanted = _norm(row.name)
    for hit in hits:
        if not hit.match:
            continue
        for listing in hit.all_listings():
            entity = listing.entity
            if row.expected_id is not None and entity.id == row.expected_id:
                return True, best
            if row.list_code is not None and entity.list_code == row.list_code:
                names = {_norm(n) for n, _ in entity.all_names()}
                if wanted in names:
                    return True, best
    return False, best


def run(rows: Sequence[Row], index: ScreeningIndex, threshold: float) -> dict[str, Any]:
    """Screen every row's name; recall, the misses and the time per query."""
    found = 0
    misses: list[dict[str, str]] = []
    started = time.perf_counter()
    for row in rows:
        hits = index.screen(Query(row.name), threshold=threshold, limit=10)
        ok, best = is_found(row, hits)
        if ok:
            found += 1
        else:
            misses.append(
                {
                    "name": row.name,
                    "expected": row.expected_id or row.list_code or "",
                    "detail": row.detail,
                    "best_hit": best,
                }
            )
    elapsed = time.perf_counter() - started
    n = len(rows)
    return {
        "rows": n,
        "found": found,
        "recall": round(found / n, 4) if n else None,
        "ms_per_query": round(1000 * elapsed / n, 1) if n else None,
        "misses": misses,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=400, help="rows per set (0: all)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--lists", type=Path, default=LISTS)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "list_recall.json")
    args = parser.parse_args(argv)
    folder: Path = args.lists
    needed = [CSL, SDN_NEW, SDN_OLD, UN]
    absent = [p for p in needed if not (folder / p).exists()]
    if absent:
        print(f"list_recall: skipped, the list files are not here ({folder}): {', '.join(absent)}")
        return 0

    el_rows, makers = entity_list_rows(folder)
    sets: dict[str, list[Row]] = {
        "entity_list": el_rows,
        "ai_makers": makers,
        "sdn_since_2024_07": sdn_since_rows(folder),
        "un_2026_08_01": un_rows(folder),
    }
    rng = random.Random(args.seed)
    sampled = {
        k: (
            v
            if k == "ai_makers" or args.sample <= 0 or len(v) <= args.sample
            else rng.sample(v, args.sample)
        )
        for k, v in sets.items()
    }
    print(
        f"AI-chip / memory / server makers on the Entity List (rule in the docstring): "
        f"{len(makers)} rows"
    )
    for row in makers:
        print(f"  {row.name}  [{row.detail}]")

    t0 = time.perf_counter()
    snapshot = load_embedded_snapshot()
    cache = Path(tempfile.gettempdir()) / "prosper-bench-cache"
    index = get_index(snapshot, cache)
    load_s = time.perf_counter() - t0
    threshold = DEFAULT_THRESHOLD
    results = {k: run(v, index, threshold) for k, v in sampled.items()}

    print()
    dates = ", ".join(f"{s.source} {s.published}" for s in snapshot.sources)
    print(f"default install: embedded snapshot ({dates})")
    print(f"threshold {threshold}, seed {args.seed}, index load {load_s:.1f} s")
    head = ("set", "in file", "screened", "found", "recall", "target", "ms/q")
    print("{:<20} {:>8} {:>9} {:>6} {:>8} {:>7} {:>6}".format(*head))
    for k, r in results.items():
        target = TARGETS[k]
        mark = "ok" if r["recall"] is not None and r["recall"] >= target else "BELOW"
        print(
            f"{k:<20} {len(sets[k]):>8} {r['rows']:>9} {r['found']:>6} {r['recall']:>8.4f} "
            f"{target:>7.2f} {r['ms_per_query']:>6} {mark}"
        )
    for k, r in results.items():
        if r["misses"]:
            print(f"\nmisses of {k} (first 15 of {len(r['misses'])}):")
            for m in r["misses"][:15]:
                why = f"expected {m['expected']} ({m['detail']}); best: {m['best_hit']}"
                print(f"  {m['name']!r} {why}")

    out = {
        "lists_folder": str(folder),
        "files": needed,
        "snapshot": [
            {"source": s.source, "published": s.published, "version": s.version}
            for s in snapshot.sources
        ],
        "threshold": threshold,
        "seed": args.seed,
        "sample": args.sample,
        "index_load_s": round(load_s, 2),
        "ai_keywords": list(AI_KEYWORDS),
        "ai_makers": [{"name": r.name, "detail": r.detail} for r in makers],
        "targets": TARGETS,
        "sets": {k: {**r, "in_file": len(sets[k])} for k, r in results.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
