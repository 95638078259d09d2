"""How many audit-log tampering scenarios are detected, per backend: detected / total.

Usage::

    .venv/bin/python bench/audit_tampering.py [--pg-url URL]
        [--out bench/results/audit_tampering.json]

Runs the scenario catalogue of ``tests/reliability/test_audit_tampering.py`` (each on a fresh
log of six signed, anchored records) on SQLite and, with ``--pg-url`` or
``PROSPER_TEST_PG_URL`` set, on PostgreSQL (each scenario in a schema of its own, dropped
after). A scenario counts as detected when ``verify`` reports a problem *and* the list view
(``AuditLog.browse``, behind ``audit list`` and ``GET /v1/audit``) flags it. Prints a table
and writes JSON; exits 1 if any scenario went undetected.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "tests" / "reliability" / "test_audit_tampering.py"


def _load_catalogue() -> Any:
    spec = importlib.util.spec_from_file_location("audit_tampering_catalogue", CATALOGUE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@contextmanager
def _database(backend: str, folder: Path, pg_url: str | None) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'audit.sqlite3'}"
        return
    assert pg_url is not None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(backends: list[str], pg_url: str | None) -> dict[str, Any]:
    """Every scenario on every backend → ``{backend: {"detected", "total", "scenarios"}}``."""
    catalogue = _load_catalogue()
    results: dict[str, Any] = {}
    for backend in backends:
        rows = []
        for tamper, reason in catalogue.SCENARIOS:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                with _database(backend, folder, pg_url) as url:
                    scene = catalogue.build_scene(url, folder)
                    outcome = catalogue.run_scenario(scene, tamper)
            rows.append(
                {
                    "scenario": tamper.__name__,
                    "detected": outcome.detected,
                    "expected_reason_seen": any(reason in p for p in outcome.verify_problems),
                    "first_problem": next(iter(outcome.verify_problems), None),
                }
            )
        results[backend] = {
            "detected": sum(r["detected"] for r in rows),
            "total": len(rows),
            "scenarios": rows,
        }
    return results


def main() -> int:
    """Run the catalogue, print the table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get("PROSPER_TEST_PG_URL"))
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/audit_tampering.json")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.pg_url else [])
    results = run(backends, args.pg_url)
    names = [r["scenario"] for r in results["sqlite"]["scenarios"]]
    width = max(len(n) for n in names)
    print(f"{'scenario':<{width}}  " + "  ".join(f"{b:<10}" for b in backends))
    for i, name in enumerate(names):
        cells = []
        for b in backends:
            row = results[b]["scenarios"][i]
            cells.append(f"{'detected' if row['detected'] else 'MISSED':<10}")
        print(f"{name:<{width}}  " + "  ".join(cells))
    for b in backends:
        print(f"{b}: tampering detected {results[b]['detected']} of {results[b]['total']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    missed = any(r["detected"] < r["total"] for r in results.values())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
