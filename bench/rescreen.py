"""Re-screening the counterparty register: on a list delta, and in full.

Builds a synthetic register (seeded; mostly distinct person and company names, as a real
customer file has, plus 1 % named after list entries so that there are alerts to keep),
imports it into a fresh SQLite case store, screens the listed-name parties once, then applies
a delta of ``--delta`` entities (half added — a tenth of those named like registered parties —
half changed: a new alias) over the embedded snapshot and times
:func:`prosper.cases.rescreen.rescreen_delta` on each of ``--delta-workers`` process counts
(each on a copy of the same store), wall and CPU (this process and its workers). The full
re-screen is timed on ``--full-sample`` parties (``rescreen_full``) on 1 and 2 processes (two
disjoint samples of the same mix: the engine remembers the names it screened) and
reported as parties per second and per CPU second; the figure for the whole register is
labelled as an extrapolation.

    PROSPER_DATA_DIR=/tmp/prosper-bench .venv/bin/python bench/rescreen.py \\
        [--parties 100000] [--delta 500] [--full-sample 500] [--delta-workers 1,2]

Prints a table; writes bench/results/rescreen.json. The machine's load average is recorded:
on a shared machine the wall times are those of the share of the cores this process got, so
compare CPU seconds. A tree whose ``RescreenContext`` has no ``workers`` (before the sharded
delta path) runs the delta on one process only: run this file with ``PYTHONPATH`` at an older
``src`` for an old-vs-new comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from prosper.cases.model import RegisteredParty
from prosper.cases.register_index import party_keys
from prosper.cases.rescreen import RescreenContext, rescreen_delta, rescreen_full, screen_parties
from prosper.cases.store import CaseStore
from prosper.lists.delta import diff_snapshots
from prosper.lists.snapshot import Snapshot
from prosper.model import Alias, Entity, EntityType
from prosper.service import get_engine
from prosper.settings import load_settings

SURNAMES = "Kim Lee Park Choi Jung Kang Cho Yoon Wang Li Zhang Liu Chen Ivanov Petrov Smirnov "
SURNAMES += "Hassan Ahmed Khan Smith Johnson Garcia Muller Tanaka Suzuki Nguyen Tran Silva"
WORDS = "Global Trading Semiconductor Logistics Precision Pacific Nova Digital Systems Holdings "
WORDS += "Shipping Electronics Industrial Green Quantum Marine Capital Software Materials Energy"
FORMS = ["Co., Ltd.", "GmbH", "LLC", "Inc.", "Corp.", "JSC", "Pte. Ltd.", "S.A."]
COUNTRIES = ["KR", "CN", "US", "DE", "JP", "VN", "RU", "AE", "SG", "IN", "GB", "FR"]
SYLLABLES = [
    "ka",
    "min",
    "so",
    "ra",
    "ji",
    "hun",
    "tae",
    "yo",
    "ne",
    "li",
    "chen",
    "ma",
    "ro",
    "vi",
    "dan",
    "ek",
    "sa",
    "mi",
    "ko",
    "ta",
    "lu",
    "an",
    "be",
    "shi",
    "wen",
    "da",
    "ri",
    "nu",
    "po",
    "la",
    "ha",
    "ze",
    "gor",
    "vel",
    "isa",
    "om",
    "ul",
    "tri",
    "fa",
    "ken",
]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_register(
    n: int, entities: tuple[Entity, ...], rng: random.Random
) -> list[RegisteredParty]:
    """``n`` parties: 1 % named after list entries; the others a surname and a two-syllable
    given name (1,600), or a three-syllable brand (64,000) with a sector word and a legal form."""
    surnames, words = SURNAMES.split(), WORDS.split()
    out = []
    for i in range(n):
        pid = f"R{i:07}"
        country = (rng.choice(COUNTRIES),)
        if i % 100 == 0:
            e = rng.choice(entities)
            out.append(RegisteredParty(id=pid, name=e.name, type=e.type, countries=e.countries[:1]))
        elif i % 2:
            name = f"{rng.choice(surnames)} {_word(rng, 2)}"
            out.append(
                RegisteredParty(id=pid, name=name, type=EntityType.PERSON, countries=country)
            )
        else:
            name = f"{_word(rng, 3)} {rng.choice(words)} {rng.choice(FORMS)}"
            out.append(RegisteredParty(id=pid, name=name, countries=country))
    return out


def make_delta(
    old: Snapshot, register: list[RegisteredParty], size: int, rng: random.Random
) -> Snapshot:
    """A new snapshot: ``size // 2`` entities added (a tenth named like registered parties),
    ``size - size // 2`` changed (an alias added); every source gets a new content version."""
    words = WORDS.split()
    added = []
    source = old.sources[0].source
    for k in range(size // 2):
        if k % 10 == 0:
            p = rng.choice(register)
            name, type_ = p.name.upper(), p.type
        else:
            name, type_ = (
                f"{_word(rng, 3)} {' '.join(rng.sample(words, 2))} COMPANY".upper(),
                (EntityType.ORGANIZATION),
            )
        added.append(
            Entity(id=f"{source}:bench-{k}", source=source, list_code="SDN", type=type_, name=name)
        )
    changed_ids = {e.id for e in rng.sample(list(old.entities), size - size // 2)}
    entities = [
        replace(e, aliases=(*e.aliases, Alias(e.name + " BENCH"))) if e.id in changed_ids else e
        for e in old.entities
    ]
    sources = tuple(replace(s, version=s.version + "+bench") for s in old.sources)
    return Snapshot(sources=sources, entities=(*entities, *added))


def delta_recall(
    store: CaseStore, deltas: object, new_snapshot: Snapshot, threshold: float
) -> dict[str, object]:
    """The delta path's (party, entity) hits against a full re-screen of every party on the
    whole new snapshot, restricted to the added and changed entities (the only ones whose hits
    can change): the same register, the same delta, both sets counted."""
    from prosper.cases.alerts import found_entities
    from prosper.cases.register_index import RegisterIndex
    from prosper.cases.rescreen import could_hit, name_floor, prepared_names, screen_against
    from prosper.screening.index import ScreeningIndex

    touched = [e for d in deltas for e in (*d.added, *(c.new for c in d.changed))]  # type: ignore[attr-defined]
    touched_ids = {e.id for e in touched}
    delta_index = ScreeningIndex.build(touched)
    found = RegisterIndex(store.name_keys()).candidates_for(touched, name_floor(threshold))
    names = prepared_names(touched)
    delta_hits: set[tuple[str, str]] = set()
    for party in store.iter_parties(ids=found):
        if not could_hit(party, found[party.id], names, threshold):
            continue  # as rescreen_delta
        for entity_id in found_entities(screen_against(delta_index, party, threshold)):
            delta_hits.add((party.id, entity_id))
    t = time.perf_counter()
    full_index = ScreeningIndex.build(new_snapshot.entities)
    full_hits: set[tuple[str, str]] = set()
    for party in store.iter_parties():
        for entity_id in found_entities(screen_against(full_index, party, threshold)):
            if entity_id in touched_ids:
                full_hits.add((party.id, entity_id))
    missed = sorted(full_hits - delta_hits)
    return {
        "full_hits": len(full_hits),
        "delta_hits": len(delta_hits),
        "full_hits_found_by_delta": len(full_hits & delta_hits),
        "delta_only": len(delta_hits - full_hits),
        "missed": len(missed),
        "missed_examples": missed[:10],
        "full_rescreen_s": round(time.perf_counter() - t, 1),
    }


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description="re-screening the register")
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--delta", type=int, default=500)
    parser.add_argument("--full-sample", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--delta-workers", default="1,2", help="process counts of the delta path")
    parser.add_argument(
        "--check-recall",
        action="store_true",
        help="also re-screen every party on the whole new snapshot (slow) and compare",
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/rescreen.json"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    settings = load_settings()
    t = time.perf_counter()
    engine = get_engine(settings)
    load_s = time.perf_counter() - t
    register = make_register(args.parties, engine.snapshot.entities, rng)
    new_snapshot = make_delta(engine.snapshot, register, args.delta, rng)
    deltas = diff_snapshots(engine.snapshot, new_snapshot)
    # The delta re-screen needs only the threshold and the delta (it indexes the added and
    # changed entities itself). The full re-screen runs on the installed engine: its cost per
    # party is that of any snapshot of this size.
    results: dict[str, object] = {
        "parties": args.parties,
        "delta": args.delta,
        "cpu_count": os.cpu_count(),
        "load_average_start": os.getloadavg()[0],
        "engine_load_s": round(load_s, 2),
    }
    with tempfile.TemporaryDirectory(prefix="prosper-bench-") as folder:
        store = CaseStore.open(f"sqlite:///{folder}/cases.sqlite3")
        t = time.perf_counter()
        rows = [(p, party_keys(p)) for p in register]
        keys_s = time.perf_counter() - t
        t = time.perf_counter()
        store.upsert_parties(rows)
        write_s = time.perf_counter() - t
        results["import"] = {"keys_s": round(keys_s, 2), "write_s": round(write_s, 2)}
        listed = [p for i, p in enumerate(register) if i % 100 == 0]
        versions = engine.snapshot.versions()
        screen_parties(RescreenContext(store, engine, versions, "bench"), listed)
        store.close()
        sharded = "workers" in RescreenContext.__dataclass_fields__
        runs = [int(w) for w in args.delta_workers.split(",")]
        for workers in runs if sharded else [1]:
            shutil.copy(f"{folder}/cases.sqlite3", f"{folder}/delta-{workers}.sqlite3")
            store = CaseStore.open(f"sqlite:///{folder}/delta-{workers}.sqlite3")
            ctx = RescreenContext(store, engine, new_snapshot.versions(), "bench")
            if sharded:
                ctx = replace(ctx, workers=workers)
            before = os.times()
            outcome = rescreen_delta(ctx, deltas)
            after = os.times()
            run = outcome.to_dict()
            run.pop("opened_ids", None)
            run["workers"] = workers
            run["cpu_s"] = round(sum(after[k] - before[k] for k in range(4)), 2)
            results.setdefault("delta_rescreen", run)
            results[f"delta_rescreen_{workers}"] = run
            if args.check_recall and workers == 1:
                results["delta_recall"] = delta_recall(
                    store, deltas, new_snapshot, engine.threshold
                )
            store.close()
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="prosper-bench-") as folder:
            store = CaseStore.open(f"sqlite:///{folder}/cases.sqlite3")
            # a sample of its own per run: the engine remembers the names it screened, and
            # forked workers inherit that memory (the same sample twice measures the cache)
            first = (workers - 1) * args.full_sample
            sample = register[first : first + args.full_sample]
            store.upsert_parties([(p, party_keys(p)) for p in sample])
            ctx = RescreenContext(store, engine, engine.snapshot.versions(), "bench")
            before = os.times()
            t = time.perf_counter()
            full = rescreen_full(ctx, workers=workers)
            seconds = time.perf_counter() - t
            after = os.times()
            cpu = sum(after[k] - before[k] for k in range(4))  # self and children
            rate = full["screened"] / seconds
            results[f"full_rescreen_{workers}"] = {
                **full,
                "workers": workers,
                "seconds": round(seconds, 2),
                "cpu_s": round(cpu, 2),
                "parties_per_s": round(rate, 1),
                "parties_per_cpu_s": round(full["screened"] / cpu, 1),
                "extrapolated_s_for_register": round(args.parties / rate, 1),
            }
            store.close()
    results["load_average_end"] = os.getloadavg()[0]
    d = results["delta_rescreen"]
    assert isinstance(d, dict)
    f = results["full_rescreen_1"]
    f2 = results["full_rescreen_2"]
    assert isinstance(f, dict)
    assert isinstance(f2, dict)
    sec = d["seconds"]
    half = args.delta // 2
    load = f"{results['load_average_start']:.1f} → {results['load_average_end']:.1f}"
    table = [
        ("register", f"{args.parties:,} parties (keys {keys_s:.1f} s, write {write_s:.1f} s)"),
        ("delta", f"{d['entities']} entities ({half} added, {args.delta - half} changed)"),
        (f"delta re-screen, {d['workers']} process(es)", f"{sec['total']} s ({d['cpu_s']} s CPU)"),
        *(
            (
                f"delta re-screen, {w} processes",
                f"{r['seconds']['total']} s ({r['cpu_s']} s CPU incl. workers)",
            )
            for w in (2, 3, 4)
            if w != d["workers"] and isinstance(r := results.get(f"delta_rescreen_{w}"), dict)
        ),
        ("… register index from the database + delta index", f"{sec['index']} s"),
        ("… candidates from the register index", f"{sec['candidates']} s"),
        ("… candidates retrieved / parties screened", f"{d['candidates']} / {d['screened']}"),
        ("… screening them on the delta + alert sync", f"{sec['screen']} s"),
        ("alerts opened / reopened", f"{d['opened']} / {d['reopened']}"),
        ("full re-screen, sample", f"{f['screened']:,} parties in {f['seconds']} s"),
        (
            "full re-screen rate, 1 process",
            f"{f['parties_per_s']} parties/s ({f['cpu_s']} s CPU, "
            f"{f['parties_per_cpu_s']} parties per CPU second)",
        ),
        (
            "full re-screen rate, 2 workers",
            f"{f2['parties_per_s']} parties/s ({f2['cpu_s']} s CPU incl. workers, "
            f"{f2['parties_per_cpu_s']} parties per CPU second)",
        ),
        (
            f"full re-screen of {args.parties:,} (extrapolated)",
            f"{f['extrapolated_s_for_register']} s",
        ),
        ("machine", f"{os.cpu_count()} cores; load average {load}"),
    ]
    recall = results.get("delta_recall")
    if isinstance(recall, dict):
        table.append(
            (
                "full re-screen hits on the delta found by the delta path",
                f"{recall['full_hits_found_by_delta']} of {recall['full_hits']} "
                f"(delta path {recall['delta_hits']}, of them not in full {recall['delta_only']})",
            )
        )
    print("| measure | value |\n|---|---|")
    for key, value in table:
        print(f"| {key} | {value} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
