"""Scale curve: index build time, index file size, RSS, query CPU p50/p99 and candidate recall
as the lists grow, on synthetic lists made from the real ones.

Usage::

    .venv/bin/python bench/scale.py [--sizes 25000,100000] [--queries 300]

A list of N entities is the embedded snapshot's entities, then copies of them with mutated
names until N: each copy's names get one of a set of mutations (a letter doubled or dropped,
two letters swapped, a vowel replaced, a token appended from another entity's name, tokens
reordered) in whatever script they are written, with a fresh id. The known positives are
listed names with one typo; a positive is *retrieved* when its entity is among the candidates
that the index scores (``ScreeningIndex._candidates``). Candidate recall at N is the share of
positives retrieved; "copy recall" also counts a synthetic listing copied from the entity.
No copy has a misspelt word a query can have (a word that a swap of two neighbouring
characters of a listed primary name makes and no listed name has: :func:`synthetic`);
before, on a large list a copy often had the query's very spelling and outranked the original. The
retrieval budgets are compared on the same index file: ``fixed`` (before they adapted),
``caps`` (posting caps as a share of the list only), ``adaptive`` (as shipped) and ``wide``
(adaptive with four times the shares: the recall / query-time trade-off); ``--keep DIR``
keeps the index files and a later run with the same ``DIR`` re-queries them (no rebuild: a
retrieval change needs none).
Each variant's query CPU is also split by stage (retrieval, bound, scoring, hits).
Each size is built in its own process (``--one SIZE``) so that its peak RSS is its own.
Prints a table and writes JSON to ``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _mutate(name: str, rng: random.Random, donor: str) -> str:
    words = name.split()
    kind = rng.randrange(5)
    if kind == 0 and words:  # another word from another listed name
        extra = donor.split()
        return " ".join([*words, extra[0]]) if extra else name
    if kind == 1 and len(words) > 1:
        rng.shuffle(words)
        return " ".join(words)
    chars = list(name)
    if len(chars) < 4:
        return name + name[-1:]
    i = rng.randrange(1, len(chars) - 1)
    if kind == 2:
        chars.insert(i, chars[i])
    elif kind == 3:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        del chars[i]
    return "".join(chars)


_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´‘ʻʿʾ?"), None)  # deleted, not split (fold_text)
_NOT_ALNUM = re.compile(r"[\W_]+")


def _tokens(text: str) -> list[str]:
    """The words of ``text`` as :func:`prosper.names.fold_text` cuts them, before its
    transliteration (two words that fold alike are written alike but for a rare ICU merge)."""
    return _NOT_ALNUM.sub(" ", text.casefold().translate(_APOSTROPHES)).split()


def _typo_tokens(entities: tuple[Any, ...]) -> set[str]:
    """Every word a query can have that its listed name does not: the queries are listed primary
    names with two neighbouring characters swapped (:func:`_typo`), so these are the words of
    each such swap that are not words of the name."""
    typos: set[str] = set()
    for entity in entities:
        name = entity.name
        for i in range(1, len(name) - 1):
            typos.update(_tokens(name[:i] + name[i + 1] + name[i] + name[i + 2 :]))
    return typos - {t for e in entities for t in _tokens(e.name)}


def _unlike_queries(text: str, typos: set[str]) -> str:
    """``text`` with every word that is a query's typo (:func:`_typo_tokens`) lengthened by its
    last character until it is not one (each repetition lengthens the word, so this ends); a
    space-separated part holding such a word is written again as its words joined by ``-``
    (which folds to the same words), a trailing comma kept."""
    if not typos.intersection(_tokens(text)):
        return text
    out = []
    for part in text.split(" "):
        words = _tokens(part)
        if typos.intersection(words):
            for k, word in enumerate(words):
                while word in typos:
                    word += word[-1]
                words[k] = word
            part = "-".join(words) + ("," if part.endswith(",") else "")
        out.append(part)
    return " ".join(out)


def synthetic(entities: tuple[Any, ...], size: int, seed: int = 16) -> tuple[Any, ...]:
    """``size`` entities: the real ones, then mutated copies (see the module docstring).

    No copy's name or alias has a word a query has and no listed name has: the queries are
    listed primary names with two neighbouring characters swapped (:func:`_typo`); a copy's
    word that such a swap of any listed primary name makes (:func:`_typo_tokens`) gets its last
    letter repeated until it is not one (:func:`_unlike_queries`). Without this, on a large list
    some copy carried the query's very misspelt word (or its whole spelling: ``BUDENV``) and
    outranked the original."""
    from prosper.model import Alias

    rng = random.Random(seed)
    out = list(entities[:size])
    typos = _typo_tokens(entities) if size > len(entities) else set()
    k = 0
    while len(out) < size:
        base = entities[k % len(entities)]
        donor = entities[rng.randrange(len(entities))].name
        k += 1
        out.append(
            replace(
                base,
                id=f"{base.id}~{k}",
                name=_unlike_queries(_mutate(base.name, rng, donor), typos),
                aliases=tuple(
                    Alias(_unlike_queries(_mutate(a.name, rng, donor), typos), a.strong)
                    for a in base.aliases[:3]
                ),
            )
        )
    return tuple(out)


def _typo(name: str, rng: random.Random) -> str:
    chars = list(name)
    if len(chars) < 6:
        return name
    i = rng.randrange(1, len(chars) - 1)
    chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _build_file(ents: tuple[Any, ...], path: Path, workers: int) -> dict[str, Any]:
    """Build the index of ``ents`` (names prepared on ``workers`` processes) and write it to
    ``path``; the CPU of this process and its workers, and the wall time."""
    from prosper.screening.cache import write_index
    from prosper.screening.parallel_build import build_index

    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0, w0 = time.process_time(), time.perf_counter()
    built = build_index(ents, workers=workers)
    build_cpu = time.process_time() - c0
    build_wall = time.perf_counter() - w0
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0 = time.process_time()
    write_index(built, path)
    write_cpu = time.process_time() - c0
    workers_cpu = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    return {
        "workers": workers,
        "build_cpu_s": round(build_cpu + workers_cpu, 1),
        "build_wall_s": round(build_wall, 1),
        "write_cpu_s": round(write_cpu, 1),
        "build_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


# retrieval budgets compared on the same index: the fixed ones of before, the posting caps as
# a share of the list only, and the caps with the candidate budget growing with the list
_LOW = {"MAX_POSTINGS": 1000, "MAX_WEAK_POSTINGS": 200}
# (an int stays an int: the compiled retrieval module checks the constants' types)
VARIANTS: dict[str, dict[str, float]] = {
    "fixed": {"POSTING_SHARE": 0.0, "WEAK_POSTING_SHARE": 0.0, "REFERENCE_NAMES": 10**18},
    "caps": {"REFERENCE_NAMES": 10**18},
    "adaptive": {},
    # the trade-off: caps at four times the shipped shares (4 % / 0.8 %), budget growing
    "wide": {"POSTING_SHARE": 0.04, "WEAK_POSTING_SHARE": 0.008},
    # adaptive as it was before the lifted common keys and the neighbour spellings: every key
    # within the caps walked name by name (the same candidates as "lift"), no neighbours
    "walk": {"LIFT_COMMON": False, "NEIGHBOUR_MIN": 10**9},
    # ... common keys lifting the names the rarer keys found (same candidates, less walked)
    "lift": {"NEIGHBOUR_MIN": 10**9},
    # the two with the fixed caps at a quarter (1,000 / 200): on a list too small for keys
    # between the fixed and the share caps (under ~400k names), such keys exist at 100k
    "walk-low": {"LIFT_COMMON": False, "NEIGHBOUR_MIN": 10**9, **_LOW},
    "lift-low": {"NEIGHBOUR_MIN": 10**9, **_LOW},
}
_DEFAULTS: dict[str, float] = {}


def _use(retrieval: Any, variant: str) -> None:
    """Set the retrieval budgets of ``variant`` (module constants, as shipped otherwise)."""
    if not hasattr(retrieval, "budgets"):
        return  # a tree from before the adaptive budgets: its fixed budgets
    for name in {k for v in VARIANTS.values() for k in v}:
        if not hasattr(retrieval, name):
            continue  # an older tree
        _DEFAULTS.setdefault(name, getattr(retrieval, name))
        setattr(retrieval, name, VARIANTS[variant].get(name, _DEFAULTS[name]))
    retrieval.budgets.cache_clear()


def _variants(retrieval: Any) -> list[str]:
    """The variants ``retrieval`` (this tree's or an older one's) has every setting of."""
    if not hasattr(retrieval, "budgets"):
        return ["fixed"]
    return [v for v, settings in VARIANTS.items() if all(hasattr(retrieval, k) for k in settings)]


def _pct(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (as the bench's p50 / p99 columns take it)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _party_facts_memo(index: Any, ents: tuple[Any, ...], size: int, queries: int) -> dict[str, Any]:
    """How the index's memo of party facts (:class:`prosper.screening.merge.PartyFacts`) does
    on a stream of ``queries`` distinct queries (typos of distinct real entities' names), each
    screened once with no memo (``none``), the shipped memo (capped at ``MAX_FACTS_KEPT``
    entities) and an unbounded one, in turn (each first in turn): each memo's hit rate (lookups
    of an entity's facts answered by the memo; over the whole stream and its second half), the
    query at which the shipped memo was full, and each one's CPU of the ``hits`` stage (where
    hits are merged by party) p50 / p99 and total. A warm-up screening per query (with no memo)
    first, so that no memo pays the query's own preparation."""
    from prosper.screening.merge import MAX_FACTS_KEPT, PartyFacts
    from prosper.screening.query import Query
    from prosper.screening.search import StageClock, screen

    class Counted(PartyFacts):
        looked = 0
        found = 0

        def __call__(self, entity: Any) -> Any:
            known = self._known.get(entity.id)
            self.looked += 1
            self.found += known is not None and known.entity is entity
            return super().__call__(entity)

    caps = {"none": 0, "shipped": MAX_FACTS_KEPT, "unbounded": 10**12}
    memos = {name: Counted(index.strong_name_keys, kept=cap) for name, cap in caps.items()}
    warm = Counted(index.strong_name_keys, kept=0)
    rng = random.Random(11)
    picks = rng.sample(range(min(size, 41_549)), queries)
    hits_ms: dict[str, list[float]] = {name: [] for name in caps}
    half: dict[str, tuple[int, int]] = {}
    full_at = None
    before = getattr(index, "_party_facts", None)
    try:
        for n, e_idx in enumerate(picks):
            entity = ents[e_idx]
            query = Query(_typo(entity.name, rng), entity.type)
            index._party_facts = warm
            index.screen(query)
            names = list(caps)
            shift = n % len(names)
            for name in names[shift:] + names[:shift]:
                index._party_facts = memos[name]
                clock = StageClock()
                screen(index, query, clock=clock)
                hits_ms[name].append(clock.seconds["hits"] * 1000)
            if full_at is None and len(memos["shipped"]) >= MAX_FACTS_KEPT:
                full_at = n + 1
            if n + 1 == queries // 2:
                half = {k: (m.looked, m.found) for k, m in memos.items()}
    finally:
        index._party_facts = before
    out: dict[str, Any] = {"queries": queries, "cap": MAX_FACTS_KEPT, "shipped_full_at": full_at}
    for name, memo in memos.items():
        looked0, found0 = half.get(name, (0, 0))
        out[name] = {
            "kept": len(memo),
            "lookups": memo.looked,
            "hit_rate": round(memo.found / memo.looked, 4) if memo.looked else None,
            "hit_rate_second_half": (
                round((memo.found - found0) / (memo.looked - looked0), 4)
                if memo.looked > looked0
                else None
            ),
            "hits_stage_ms_p50_p99_total": [
                round(_pct(hits_ms[name], 0.5), 3),
                round(_pct(hits_ms[name], 0.99), 3),
                round(sum(hits_ms[name]), 1),
            ],
        }
    return out


def one(
    size: int,
    queries: int,
    keep: Path | None,
    workers: int,
    chosen: tuple[str, ...],
    memo_queries: int = 500,
) -> dict[str, Any]:
    """Build (or, with ``keep``, reuse) and measure one size (in this process)."""
    from prosper.lists import load_snapshot
    from prosper.names.normalize import prepare_name
    from prosper.screening import retrieval
    from prosper.screening.cache import open_index
    from prosper.screening.index import INDEX_FORMAT
    from prosper.screening.query import Query
    from prosper.screening.search import StageClock, screen

    ents = synthetic(load_snapshot().entities, size)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) if keep is None else keep
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"scale-{size}-f{INDEX_FORMAT}.idx"
        facts = path.with_suffix(".json")
        if keep is not None and path.exists() and facts.exists():
            built = json.loads(facts.read_text(encoding="utf-8"))
            built["reused_file"] = True
        else:
            built = _build_file(ents, path, workers)
            facts.write_text(json.dumps(built), encoding="utf-8")
        file_mb = path.stat().st_size / 2**20
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        index = open_index(path, ents)
        assert index is not None
        rng = random.Random(7)
        picks = [rng.randrange(min(size, 41_549)) for _ in range(queries)]  # real entities
        variants = [v for v in _variants(retrieval) if v in chosen]
        cpu: dict[str, list[float]] = {v: [] for v in variants}
        stages: dict[str, dict[str, list[float]]] = {v: {} for v in variants}
        retrieved = dict.fromkeys(variants, 0)
        n_cands = dict.fromkeys(variants, 0)
        family = dict.fromkeys(variants, 0)
        for e_idx in picks:
            entity = ents[e_idx]
            query = Query(_typo(entity.name, rng), entity.type)
            form = prepare_name(query.name, query.type)
            index.screen(query)  # warm-up: the query's own preparation is not any variant's
            shift = len(cpu[variants[0]]) % len(variants)  # each variant first in turn
            for variant in variants[shift:] + variants[:shift]:
                _use(retrieval, variant)
                cands = index._candidates(form, frozenset()) if form.tokens else []
                n_cands[variant] += len(cands)
                owners = {index._name_entity[n] for n in cands}
                retrieved[variant] += e_idx in owners
                # ... or one of the synthetic listings copied from it (whose id starts with its id)
                family[variant] += e_idx in owners or any(
                    ents[o].id.split("~")[0] == entity.id for o in owners
                )
                clock = StageClock()
                c0 = time.thread_time()
                screen(index, query, clock=clock)  # what index.screen runs, stage by stage
                cpu[variant].append((time.thread_time() - c0) * 1000)
                for stage, seconds in clock.seconds.items():
                    stages[variant].setdefault(stage, []).append(seconds * 1000)
        main_variant = "adaptive" if "adaptive" in variants else variants[0]
        _use(retrieval, main_variant)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        memo = _party_facts_memo(index, ents, size, memo_queries) if memo_queries else None
    by_variant = {}
    for variant, times in cpu.items():
        times.sort()
        by_variant[variant] = {
            "cpu_ms_p50": round(times[len(times) // 2], 2),
            "cpu_ms_p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
            "candidates_mean": round(n_cands[variant] / queries, 1),
            "candidate_recall": round(retrieved[variant] / queries, 4),
            "copy_recall": round(family[variant] / queries, 4),
            # each stage's p50 / p99 over the queries (CPU ms; the slowest queries' own split
            # is not this: the stages' p99 come from different queries)
            "stages_ms_p50_p99": {
                stage: [round(_pct(v, 0.5), 2), round(_pct(v, 0.99), 2)]
                for stage, v in stages[variant].items()
            },
        }
    return {
        "entities": size,
        "names": index.name_count,
        **built,
        "index_file_mb": round(file_mb, 1),
        "query_peak_rss_mb": round(rss, 1),
        "rss_before_queries_mb": round(rss0, 1),
        "queries": queries,
        **by_variant[main_variant],
        "variants": by_variant,
        "budgets": retrieval.budgets(index.name_count) if hasattr(retrieval, "budgets") else None,
        "party_facts_memo": memo,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the index files here")
    parser.add_argument("--workers", type=int, default=2, help="processes preparing names")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="retrieval variants (comma-separated)"
    )
    parser.add_argument(
        "--memo-queries",
        type=int,
        default=500,
        help="distinct queries measuring the memo of party facts (0: not measured)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "scale.json")
    args = parser.parse_args()
    if args.one:
        chosen = tuple(args.variants.split(","))
        row = one(args.one, args.queries, args.keep, args.workers, chosen, args.memo_queries)
        print(json.dumps(row))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--queries",
                str(args.queries),
                "--workers",
                str(args.workers),
                "--variants",
                args.variants,
                "--memo-queries",
                str(args.memo_queries),
                *(["--keep", str(args.keep)] if args.keep else []),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(
            f"{r['entities']:>9,} entities {r['names']:>9,} names  build {r['build_cpu_s']:>6} s"
            f" (wall {r['build_wall_s']} s)  file {r['index_file_mb']:>7} MB"
            f"  RSS build/query {r['build_peak_rss_mb']}/{r['query_peak_rss_mb']} MB"
            f"  p50/p99 {r['cpu_ms_p50']}/{r['cpu_ms_p99']} ms"
            f"  candidates {r['candidates_mean']}  candidate recall {r['candidate_recall']}",
            flush=True,
        )
        for name, v in r["variants"].items():
            print(
                f"    {name:>8}: p50/p99 {v['cpu_ms_p50']}/{v['cpu_ms_p99']} ms"
                f"  candidates {v['candidates_mean']}  candidate recall {v['candidate_recall']}"
                f" (or a copy of it: {v['copy_recall']})  stages p50/p99 "
                + " ".join(f"{k} {a}/{b}" for k, (a, b) in v["stages_ms_p50_p99"].items()),
                flush=True,
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    doc = {"load_average": os.getloadavg(), "queries": args.queries, "rows": rows}
    args.output.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
