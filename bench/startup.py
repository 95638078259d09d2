"""CLI start-up, old tree vs new, side by side: ``prosper screen NAME``, ``check``, ``--help``.

Usage::

    git worktree add --detach /tmp/old <commit>
    .venv/bin/python bench/startup.py --old /tmp/old/src [--new /tmp/new/src] [--rounds 5]
        [--data-dir DIR] [--only screen,--help]

Each round runs every command once per tree, alternating old and new (which one goes first
alternates too), each in a fresh interpreter (``python -c 'from prosper.cli import main;
main()'`` with the tree's ``src`` first on ``PYTHONPATH``), on a warm data folder: one per tree
in a temporary folder by default, or ``--data-dir`` for both trees (the index file of the same
lists is the same file for both; the audit log then receives both trees' records, one chain).
Untimed warm-up runs first build the index cache and the audit log, then run each
timed command once per tree (its own caches, e.g. the rulebook's parsed YAML for ``check``).
Reported per command and tree: median (p50) wall time, median CPU time (user + sys of the
child) and peak RSS, and the new/old ratios (of the medians, and round by round). On a loaded
shared machine the wall clock also counts waiting for a core; the CPU time is what the command
costs. Prints a table and writes JSON to ``bench/results/startup.json`` (with the load average
before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NEW_SRC = HERE.parent / "src"
CHECK_EXAMPLE = HERE.parent / "examples" / "export_us_h100_to_vietnam.yaml"
COMMANDS = {
    "screen": ["screen", "Kim Jong Un", "--dry-run", "--json"],
    "screen (audited)": ["screen", "Kim Jong Un", "--json"],
    "screen (table)": ["screen", "Kim Jong Un", "--dry-run"],
    "screen --country": ["screen", "Kim Jong Un", "--country", "KP", "--dry-run", "--json"],
    "check": ["check", str(CHECK_EXAMPLE), "--json"],
    "--help": ["--help"],
}


def _run(src: Path, data_dir: Path, args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MB) of one CLI run."""
    env = {**os.environ, "PYTHONPATH": str(src), "PROSPER_DATA_DIR": str(data_dir)}
    code = f"import sys; sys.argv = ['prosper', *{args!r}]; from prosper.cli import main; main()"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{src}: prosper {' '.join(args)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="src/ of the old tree")
    parser.add_argument("--new", type=Path, default=NEW_SRC, help="src/ of the new tree")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "startup.json")
    parser.add_argument("--data-dir", type=Path, help="one warm data folder for both trees")
    parser.add_argument("--only", help="comma-separated command keys (default: all)")
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    commands = COMMANDS
    if args.only:
        commands = {k: COMMANDS[k] for k in args.only.split(",")}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data = {name: args.data_dir or Path(tmp) / name for name in trees}
        for name, src in trees.items():  # warm: index cache, audit log, caches; untimed
            _run(src, data[name], COMMANDS["screen"])
            _run(src, data[name], COMMANDS["screen (audited)"])
            for argv in commands.values():  # e.g. check's rulebook cache (rulebook/yamlcache.py)
                _run(src, data[name], argv)
        samples: dict[str, dict[str, list[tuple[float, float, float]]]] = {
            c: {t: [] for t in trees} for c in commands
        }
        for round_no in range(args.rounds):
            order = list(trees.items())
            if round_no % 2:
                order.reverse()
            for command, argv in commands.items():
                for name, src in order:
                    samples[command][name].append(_run(src, data[name], argv))
    rows: list[dict[str, Any]] = []
    for command, by_tree in samples.items():
        row: dict[str, Any] = {"key": command, "command": "prosper " + " ".join(COMMANDS[command])}
        for name, runs in by_tree.items():
            row[name] = {
                "wall_s": round(statistics.median(r[0] for r in runs), 3),
                "cpu_s": round(statistics.median(r[1] for r in runs), 3),
                "rss_mb": round(max(r[2] for r in runs), 1),
            }
        for name, runs in by_tree.items():  # every round, in run order
            row[name]["rounds_cpu_s"] = [round(r[1], 3) for r in runs]
            row[name]["rounds_wall_s"] = [round(r[0], 3) for r in runs]
        row["round_cpu_ratios"] = [
            round(n[1] / o[1], 3) for n, o in zip(by_tree["new"], by_tree["old"], strict=True)
        ]
        row["cpu_ratio"] = round(row["new"]["cpu_s"] / row["old"]["cpu_s"], 3)
        row["wall_ratio"] = round(row["new"]["wall_s"] / row["old"]["wall_s"], 3)
        rows.append(row)
    print(f"load average before {load_before}, after {os.getloadavg()}")
    print(f"{'command (see COMMANDS)':<24} {'tree':<4} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7}")
    for row in rows:
        for name in trees:
            r = row[name]
            print(
                f"{row['key']:<24} {name:<4} {r['wall_s']:>7.3f} {r['cpu_s']:>6.3f}"
                f" {r['rss_mb']:>7.1f}"
            )
        print(f"{'':<24} new/old CPU ×{row['cpu_ratio']}, wall ×{row['wall_ratio']}")
        print(f"{'':<24} per round CPU new/old {row['round_cpu_ratios']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "rounds": args.rounds,
        "old": str(args.old),
        "new": str(args.new),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "rows": rows,
    }
    args.output.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"→ {args.output}")


if __name__ == "__main__":
    main()
