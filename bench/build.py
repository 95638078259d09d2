"""Index build time, old tree vs new tree, interleaved, each build in a fresh interpreter.

Usage::

    .venv/bin/python bench/build.py --old OLD/src [--new src] [--rounds 3]

Per round and tree (old, new, old, new …), three builds of the embedded snapshot's index, each
in its own process (rigour remembers its transliterations in-process, so a second build in one
process would not be a build from scratch):

* ``cold``: :meth:`ScreeningIndex.build` in one process, nothing remembered;
* ``warm``: the same after an earlier build's transliterations were kept (the data folder's
  ``translit-*.json``, :func:`prosper.screening.cache.get_index`): a rebuild after a list
  update; a tree without that file builds as ``cold``;
* ``two``: ``build_index(workers=2)``, the CPU of the process and its workers, and wall.

Every build writes its index file and prints its SHA-256: old and new must be identical.
Prints a table and writes JSON to ``bench/results/build.json``. CPU is ``getrusage`` user +
system (the children's included for ``two``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODES = ("cold", "warm", "two")


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def child(mode: str, translit: Path) -> dict[str, Any]:
    """One build in this (fresh) process."""
    from prosper.lists import load_snapshot
    from prosper.screening import cache
    from prosper.screening.parallel_build import build_index

    entities = tuple(load_snapshot().entities)
    has_memo = hasattr(cache, "load_translit")
    c0, k0, w0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    if not has_memo:
        index = build_index(entities, workers=2 if mode == "two" else 1)
    else:
        known = cache.load_translit(translit) if mode == "warm" else {}
        index = build_index(entities, workers=2 if mode == "two" else 1, known=known)
        if mode == "cold":
            cache.save_translit(translit, known)
    cpu = _cpu(resource.RUSAGE_SELF) - c0 + _cpu(resource.RUSAGE_CHILDREN) - k0
    wall = time.perf_counter() - w0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.idx"
        cache.write_index(index, path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"mode": mode, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "sha256": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, help="the old tree's src/ (required)")
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--translit", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "build.json")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.translit)))
        return
    if args.old is None:
        parser.error("--old is required")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(args.rounds):
            for tree, src in (("old", args.old), ("new", args.new)):
                translit = Path(tmp) / f"translit-{tree}.json"
                for mode in args.modes.split(","):
                    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
                    cmd = [sys.executable, __file__, "--child", mode, "--translit", str(translit)]
                    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
                    row = {"round": rnd, "tree": tree, **json.loads(out.stdout.splitlines()[-1])}
                    rows.append(row)
                    print(
                        f"round {rnd} {tree} {mode:>4}: CPU {row['cpu_s']:6.2f} s"
                        f"  wall {row['wall_s']:6.2f} s  {row['sha256'][:16]}",
                        flush=True,
                    )
    summary: dict[str, Any] = {}
    for mode in args.modes.split(","):
        med = {
            tree: {
                k: statistics.median(r[k] for r in rows if r["tree"] == tree and r["mode"] == mode)
                for k in ("cpu_s", "wall_s")
            }
            for tree in ("old", "new")
        }
        summary[mode] = {**med, "cpu_ratio": round(med["new"]["cpu_s"] / med["old"]["cpu_s"], 3)}
        print(
            f"{mode:>4}: median CPU old {med['old']['cpu_s']:.2f} s, new {med['new']['cpu_s']:.2f}"
            f" s (new/old {summary[mode]['cpu_ratio']}); wall old {med['old']['wall_s']:.2f} s,"
            f" new {med['new']['wall_s']:.2f} s"
        )
    digests = {r["sha256"] for r in rows}
    print(f"index files: {len(digests)} distinct SHA-256 over {len(rows)} builds")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "load_average": os.getloadavg(),
        "rows": rows,
        "summary": summary,
        "identical_files": len(digests) == 1,
    }
    args.output.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
