"""Re-screening the counterparty register: on a list delta, and in full.

Builds a synthetic register (seeded: Korean, Chinese, Russian, Arabic and English-style person
and company names, plus a share of names taken from the lists themselves so that there are
alerts), imports it into a fresh SQLite case store, screens it once, then installs a delta of
``--delta`` entities (half added — some named like registered parties — half changed: a new
alias) over the embedded snapshot and times :func:`prosper.cases.rescreen.rescreen_delta`.
The full re-screen is timed on ``--full-sample`` parties (``rescreen_full``) and reported as
parties per second; the 100,000-party figure it implies is labelled as an extrapolation.

    PROSPER_DATA_DIR=/tmp/prosper-bench .venv/bin/python bench/rescreen.py \
        [--parties 100000] [--delta 500] [--full-sample 2000]

Prints a table; writes bench/results/rescreen.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from prosper.cases.model import RegisteredParty
from prosper.cases.register_index import party_keys
from prosper.cases.rescreen import RescreenContext, rescreen_delta, rescreen_full, screen_parties
from prosper.cases.store import CaseStore
from prosper.engine import Engine
from prosper.lists.delta import diff_snapshots
from prosper.lists.snapshot import Snapshot
from prosper.model import Alias, Entity, EntityType
from prosper.screening.cache import get_index
from prosper.service import get_engine
from prosper.settings import load_settings

SURNAMES = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Ivanov",
    "Petrov",
    "Smirnov",
    "Hassan",
    "Ahmed",
    "Khan",
    "Smith",
    "Johnson",
    "Garcia",
    "Muller",
    "Tanaka",
    "Suzuki",
    "Nguyen",
    "Tran",
    "Silva",
]
GIVEN = [
    "Min-jun",
    "Seo-yeon",
    "Ji-ho",
    "Wei",
    "Fang",
    "Olga",
    "Dmitri",
    "Omar",
    "Fatima",
    "John",
    "Maria",
    "Hiroshi",
    "Yuki",
    "Anh",
    "Lucas",
    "Sofia",
    "Ahmad",
    "Elena",
    "Tae-hoon",
]
WORDS = [
    "Global",
    "Trading",
    "Semiconductor",
    "Logistics",
    "Precision",
    "Pacific",
    "Nova",
    "Digital",
    "Systems",
    "Holdings",
    "Shipping",
    "Electronics",
    "Industrial",
    "Green",
    "Quantum",
    "Marine",
    "Capital",
    "Software",
    "Materials",
    "Energy",
    "Optics",
    "Robotics",
]
FORMS = ["Co., Ltd.", "GmbH", "LLC", "Inc.", "Corp.", "JSC", "Pte. Ltd.", "S.A."]
COUNTRIES = ["KR", "CN", "US", "DE", "JP", "VN", "RU", "AE", "SG", "IN", "GB", "FR"]


def make_register(
    n: int, entities: tuple[Entity, ...], rng: random.Random
) -> list[RegisteredParty]:
    """``n`` parties: 1 % named after list entries, the rest synthetic."""
    out = []
    for i in range(n):
        if i % 100 == 0:
            e = rng.choice(entities)
            out.append(
                RegisteredParty(id=f"R{i:07}", name=e.name, type=e.type, countries=e.countries[:1])
            )
        elif i % 2:
            name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            out.append(
                RegisteredParty(
                    id=f"R{i:07}",
                    name=name,
                    type=EntityType.PERSON,
                    countries=(rng.choice(COUNTRIES),),
                )
            )
        else:
            words = rng.sample(WORDS, 2)
            name = f"{rng.choice(SURNAMES)} {words[0]} {words[1]} {rng.choice(FORMS)}"
            out.append(
                RegisteredParty(id=f"R{i:07}", name=name, countries=(rng.choice(COUNTRIES),))
            )
    return out


def make_delta(
    old: Snapshot, register: list[RegisteredParty], size: int, rng: random.Random
) -> Snapshot:
    """A new snapshot: ``size // 2`` entities added (a tenth named like registered parties),
    ``size - size // 2`` changed (an alias added)."""
    added = []
    source = old.sources[0].source
    for k in range(size // 2):
        if k % 10 == 0:
            p = rng.choice(register)
            name, type_ = p.name.upper(), p.type
        else:
            words = rng.sample(WORDS, 3)
            name, type_ = " ".join(words).upper() + " COMPANY", EntityType.ORGANIZATION
        added.append(
            Entity(id=f"{source}:bench-{k}", source=source, list_code="SDN", type=type_, name=name)
        )
    changed_ids = {e.id for e in rng.sample(list(old.entities), size - size // 2)}
    entities = [
        replace(e, aliases=(*e.aliases, Alias(e.name + " BENCH"))) if e.id in changed_ids else e
        for e in old.entities
    ]
    # a new content version per source, as an installed update has (diff_snapshots skips
    # sources whose version did not change)
    sources = tuple(replace(s, version=s.version + "+bench") for s in old.sources)
    return Snapshot(sources=sources, entities=(*entities, *added))


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--delta", type=int, default=500)
    parser.add_argument("--full-sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", type=Path, default=Path("bench/results/rescreen.json"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    settings = load_settings()
    t = time.perf_counter()
    old_engine = get_engine(settings)
    load_s = time.perf_counter() - t
    register = make_register(args.parties, old_engine.snapshot.entities, rng)
    new_snapshot = make_delta(old_engine.snapshot, register, args.delta, rng)
    t = time.perf_counter()
    new_index = get_index(new_snapshot, settings.data_dir / "cache")
    new_engine = Engine(snapshot=new_snapshot, index=new_index, threshold=old_engine.threshold)
    index_s = time.perf_counter() - t
    deltas = diff_snapshots(old_engine.snapshot, new_snapshot)
    results: dict[str, object] = {
        "parties": args.parties,
        "delta": args.delta,
        "cpu_count": os.cpu_count(),
        "engine_load_s": round(load_s, 2),
        "new_index_s": round(index_s, 2),
    }
    with tempfile.TemporaryDirectory(prefix="prosper-bench-") as folder:
        store = CaseStore.open(f"sqlite:///{folder}/cases.sqlite3")
        t = time.perf_counter()
        rows = [(p, party_keys(p)) for p in register]
        keys_s = time.perf_counter() - t
        t = time.perf_counter()
        store.upsert_parties(rows)
        results["import"] = {
            "keys_s": round(keys_s, 2),
            "write_s": round(time.perf_counter() - t, 2),
        }
        # screen the parties named after list entries once (the others have no alerts to keep)
        listed = [p for i, p in enumerate(register) if i % 100 == 0]
        ctx_old = RescreenContext(store, old_engine, old_engine.snapshot.versions(), "bench")
        screen_parties(ctx_old, listed)
        ctx_new = RescreenContext(store, new_engine, new_snapshot.versions(), "bench")
        outcome = rescreen_delta(ctx_new, deltas)
        results["delta_rescreen"] = outcome.to_dict()
        store.close()
    with tempfile.TemporaryDirectory(prefix="prosper-bench-") as folder:
        store = CaseStore.open(f"sqlite:///{folder}/cases.sqlite3")
        sample = register[: args.full_sample]
        store.upsert_parties([(p, party_keys(p)) for p in sample])
        ctx = RescreenContext(store, new_engine, new_snapshot.versions(), "bench")
        t = time.perf_counter()
        full = rescreen_full(ctx)
        seconds = time.perf_counter() - t
        rate = full["screened"] / seconds
        results["full_rescreen"] = {
            **full,
            "seconds": round(seconds, 2),
            "parties_per_s": round(rate, 1),
            "extrapolated_s_for_parties": round(args.parties / rate, 1),
        }
        store.close()
    d = results["delta_rescreen"]
    f = results["full_rescreen"]
    assert isinstance(d, dict)
    assert isinstance(f, dict)
    print("| measure | value |\n|---|---|")
    print(f"| register | {args.parties:,} parties |")
    print(
        f"| delta | {d['entities']} entities ({args.delta // 2} added, "
        f"{args.delta - args.delta // 2} changed) |"
    )
    print(f"| delta re-screen, total | {d['seconds']['total']} s |")
    print(f"| … register index from the database | {d['seconds']['index']} s |")
    print(f"| … candidates (retrieval + pairwise check) | {d['seconds']['candidates']} s |")
    print(
        f"| … full screening of {d['screened']} parties + alert sync | {d['seconds']['screen']} s |"
    )
    print(f"| alerts opened / reopened | {d['opened']} / {d['reopened']} |")
    print(
        f"| full re-screen, sample | {f['screened']:,} parties in {f['seconds']} s "
        f"({f['parties_per_s']} parties/s) |"
    )
    print(
        f"| full re-screen of {args.parties:,} (extrapolated from the sample) | "
        f"{f['extrapolated_s_for_parties']} s |"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
