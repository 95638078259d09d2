"""``prosper check`` and ``prosper screen`` old tree vs new tree: the same output, exit code and
audit record content (apart from id, hash, time and signature), for every example.

Usage::

    python bench/check_identical.py --old OLD/src [--new src] --data-dir DIR [--json]

For each ``examples/*.yaml`` runs ``prosper check FILE --json`` (recorded) and ``--dry-run`` in
each tree, and a few one-name screens (``--json`` and the table, recorded and dry run, and
long tables at threshold 0.5; ``--screens-only``: no checks), each in a fresh interpreter on
the same warm data folder (one audit log: the trees' records alternate). Compares stdout with
the ``audit`` block (record id and hash) left out, stderr, the exit code, and the audit
record each run appended (kind, actor, input, output, versions). Prints the differing runs
and a summary; exits 1 when any differ.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted((HERE.parent / "examples").glob("*.yaml"))
NAMES = ["Kim Jong Un", "김정은", "Hangzhou Hikvision Digital Technology Co., Ltd.", "金正恩",
         "Рособоронэкспорт", "John Smith", "Ryŏng-hae Ch'oe",
         # generic organisation words of the glossary (Latin, Hangul, Arabic script)
         "Uzina de Constructii de Masini Arzamas", "단천상업은행", "صرافی روشان",
         "Huawei Technologies", "Bank Melli Iran", "Ali Hassan"]  # fmt: skip
WIDE = ["--threshold", "0.5", "--limit", "40", "--dry-run"]


def _run(src: Path, data_dir: Path, args: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(src), "PROSPER_DATA_DIR": str(data_dir)}
    code = f"import sys; sys.argv = ['prosper', *{args!r}]; from prosper.cli import main; main()"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def _last_record(data_dir: Path) -> tuple[int, tuple[Any, ...]] | None:
    path = data_dir / "audit.sqlite3"
    if not path.exists():
        return None
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT id, kind, actor, input, output, versions FROM audit_record "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return None if row is None else (row[0], tuple(row[1:]))


def _stdout(text: str) -> Any:
    try:
        doc = json.loads(text)
    except ValueError:
        return text
    if isinstance(doc, dict):
        doc.pop("audit", None)  # record id and hash: the log's position, not the decision
    return doc


def _observe(src: Path, data_dir: Path, args: list[str]) -> dict[str, Any]:
    before = _last_record(data_dir)
    code, out, err = _run(src, data_dir, args)
    after = _last_record(data_dir)
    record = after[1] if after is not None and after != before else None
    return {"exit": code, "stdout": _stdout(out), "stderr": err, "record": record}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="src/ of the old tree")
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--data-dir", type=Path, required=True, help="a warm data folder")
    parser.add_argument(
        "--screens-only", action="store_true", help="only the screens (no check examples)"
    )
    args = parser.parse_args()
    examples = [] if args.screens_only else EXAMPLES
    runs = [["check", str(p), "--json"] for p in examples]
    runs += [["check", str(p), "--json", "--dry-run"] for p in examples]
    runs += [["screen", name, "--json"] for name in NAMES]
    # the human table (recorded and dry run), and long tables of many hits
    runs += [["screen", name] for name in NAMES]
    runs += [["screen", name, "--dry-run"] for name in NAMES]
    runs += [["screen", name, *WIDE] for name in NAMES]
    differing = 0
    for run in runs:
        old = _observe(args.old.resolve(), args.data_dir, run)
        new = _observe(args.new.resolve(), args.data_dir, run)
        if old != new:
            differing += 1
            keys = [k for k in old if old[k] != new[k]]
            print(f"DIFFERS ({', '.join(keys)}): prosper {' '.join(run)}")
    print(f"{len(runs)} runs per tree ({len(examples)} examples × 2, {len(NAMES)} names × 4 "
          f"screens): differing {differing}")  # fmt: skip
    raise SystemExit(1 if differing else 0)


if __name__ == "__main__":
    main()
