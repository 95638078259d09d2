"""Old-vs-new comparison of the delta re-screen on one prepared register (issue 17).

``prepare`` builds ``bench/rescreen.py``'s seeded register (100,000 parties by default) in a
SQLite case store, screens its listed-name parties once, and stores the 500-entity delta
beside it (``STORE.pkl``). ``run`` re-screens a copy of that store on the delta with
:func:`prosper.cases.rescreen.rescreen_delta` on ``--workers`` processes and prints the
outcome, the CPU seconds of this process and its workers (``os.times``), and a digest of
every alert row (party, entity, list version, score, explanation, state, fingerprints,
reason; ids and times left out) — run it with ``PYTHONPATH`` at each tree's ``src``,
alternating, and compare the digests.

    PYTHONPATH=<tree>/src PROSPER_DATA_DIR=… python bench/rescreen_compare.py prepare STORE
    PYTHONPATH=<tree>/src PROSPER_DATA_DIR=… python bench/rescreen_compare.py run STORE -w 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import resource
import shutil
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

ALERT_COLUMNS = (
    "party_id, entity_id, source, list_code, entity_name, matched_name, list_version, score, "
    "explanation, state, party_fingerprint, entity_fingerprint, opened_because, via"
)


def prepare(store_path: str, parties: int, delta: int, seed: int) -> None:
    """The register, its first screening, and the delta (``bench/rescreen.py``'s)."""
    from prosper.cases.register_index import party_keys
    from prosper.cases.rescreen import RescreenContext, screen_parties
    from prosper.cases.store import CaseStore
    from prosper.lists.delta import diff_snapshots
    from prosper.service import get_engine
    from prosper.settings import load_settings
    from rescreen import make_delta, make_register  # type: ignore[import-not-found]

    rng = random.Random(seed)
    engine = get_engine(load_settings())
    register = make_register(parties, engine.snapshot.entities, rng)
    new_snapshot = make_delta(engine.snapshot, register, delta, rng)
    deltas = diff_snapshots(engine.snapshot, new_snapshot)
    if os.path.exists(store_path):
        os.remove(store_path)
    store = CaseStore.open(f"sqlite:///{store_path}")
    store.upsert_parties([(p, party_keys(p)) for p in register])
    listed = [p for i, p in enumerate(register) if i % 100 == 0]
    screen_parties(RescreenContext(store, engine, engine.snapshot.versions(), "bench"), listed)
    store.close()
    payload = (deltas, new_snapshot.versions(), engine.threshold)
    Path(store_path + ".pkl").write_bytes(pickle.dumps(payload))


def _warm_token_keys(store: Any) -> None:
    """Store the register tokens' keys before the timed run (a tree that keeps them, see
    ``prosper.cases.token_keys``; the state after a first delta run or import)."""
    try:
        from prosper.cases.register_index import RegisterIndex
        from prosper.cases.token_keys import load
    except ImportError:
        return
    load(store.engine, RegisterIndex(store.name_keys()).tokens())


def _by_process(call: list[tuple[int, float]]) -> list[float]:
    """One fork_map call's task CPU seconds summed per process (largest first)."""
    sums: dict[int, float] = {}
    for pid, cpu in call:
        sums[pid] = sums.get(pid, 0.0) + cpu
    return sorted((round(v, 2) for v in sums.values()), reverse=True)


def run(store_path: str, workers: int, warm: bool = False) -> None:
    """One delta re-screen on a copy of the prepared store."""
    from prosper.cases.rescreen import RescreenContext, rescreen_delta
    from prosper.cases.store import CaseStore

    deltas, versions, threshold = pickle.loads(Path(store_path + ".pkl").read_bytes())
    copy = f"{store_path}.run{os.getpid()}"
    shutil.copy(store_path, copy)
    store = CaseStore.open(f"sqlite:///{copy}")
    ctx = RescreenContext(store, None, versions, "bench", threshold=threshold)
    if "workers" in RescreenContext.__dataclass_fields__:
        ctx = replace(ctx, workers=workers)
    if warm:
        _warm_token_keys(store)
    from prosper.cases import workers as fork_workers

    task_cpu: list[list[tuple[int, float]]] = getattr(fork_workers, "TASK_CPU", [])  # old: none
    task_cpu.clear()
    before = os.times()
    outcome = rescreen_delta(ctx, deltas).to_dict()
    after = os.times()
    # each fork_map call (links, candidates, screening): task CPU per process
    outcome["task_cpu"] = [_by_process(call) for call in task_cpu]
    store.close()
    outcome.pop("opened_ids", None)
    outcome["workers"] = workers
    outcome["warm"] = warm
    outcome["cpu_total"] = round(sum(after[k] - before[k] for k in range(4)), 2)
    # this process alone (the serial part) and its workers (the part split over them)
    outcome["cpu_parent"] = round(sum(after[k] - before[k] for k in range(2)), 2)
    outcome["cpu_children"] = round(sum(after[k] - before[k] for k in range(2, 4)), 2)
    # peak resident memory (MB) of this process and of its largest worker; the load average
    outcome["max_rss_mb"] = [
        round(resource.getrusage(who).ru_maxrss / 1024)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    ]
    outcome["load"] = round(os.getloadavg()[0], 2)
    con = sqlite3.connect(copy)
    rows = con.execute(f"select {ALERT_COLUMNS} from case_alert order by party_id, entity_id, id")
    alerts = rows.fetchall()
    con.close()
    os.remove(copy)
    outcome["alerts"] = len(alerts)
    outcome["alerts_sha1"] = hashlib.sha1(repr(alerts).encode()).hexdigest()
    print(json.dumps(outcome))


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("prepare", "run"))
    parser.add_argument("store")
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--delta", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("-w", "--workers", type=int, default=1)
    parser.add_argument(
        "--warm",
        action="store_true",
        help="store the register tokens' keys before the timed run (trees that keep them)",
    )
    args = parser.parse_args()
    if args.what == "prepare":
        prepare(args.store, args.parties, args.delta, args.seed)
    else:
        run(args.store, args.workers, args.warm)


if __name__ == "__main__":
    main()
