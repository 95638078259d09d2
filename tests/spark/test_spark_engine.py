"""The Spark engine against the local one: the same 10,000 rows, identical output row for row
(``local[2]``; skips, saying why, without Java or the ``spark`` extra)."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest

from prosper.lists import load_snapshot
from prosper.screening.batch import run_batch
from prosper.screening.cache import get_index

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "bench" / "datasets"
ROWS = 10_000


def _spark_ready() -> str | None:
    if shutil.which("java") is None:
        return "no Java runtime (apt-get install default-jre-headless)"
    try:
        import pandas  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"the spark extra is not installed ({exc.name})"
    return None


def _input(path: Path) -> None:
    """10,000 rows: listed names with typos and other scripts, non-listed persons, countries,
    a quoted name with a comma and one spanning two lines, bad rows."""
    names: list[str] = []
    with (BENCH / "positives.csv").open(encoding="utf-8") as fh:
        names += [r["query"] for r in csv.DictReader(fh)]
    with gzip.open(BENCH / "negatives.csv.gz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names.append(r["name"])
            if len(names) >= ROWS:
                break
    names = [*names[: ROWS - 3], "Rosoboronexport, OAO", "KIM\nJong Un", ""]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "country"])
        for i, name in enumerate(names):
            writer.writerow([i, name, "KP" if i % 7 == 0 else ("XX" if i % 501 == 0 else "")])


def test_spark_output_is_the_local_output_row_for_row(tmp_path: Path) -> None:
    reason = _spark_ready()
    if reason is not None:
        pytest.skip(reason)
    from prosper.spark import screen_file

    src = tmp_path / "book.csv"
    _input(src)
    cache = tmp_path / "cache"
    local_out, spark_out = tmp_path / "local.csv", tmp_path / "spark.csv"
    index = get_index(load_snapshot(), cache)
    summary = run_batch(index, src, local_out, threshold=0.8)
    rows, matched, errors = screen_file(
        src, spark_out, threshold=0.8, master="local[2]", snapshot_dir=None, cache_dir=cache
    )
    assert (rows, matched, errors) == (summary.rows, summary.matched, summary.errors)
    assert rows == ROWS
    assert matched > 100
    assert errors > 0
    with (
        local_out.open(encoding="utf-8", newline="") as a,
        spark_out.open(encoding="utf-8", newline="") as b,
    ):
        local_rows, spark_rows = list(csv.reader(a)), list(csv.reader(b))
    assert len(local_rows) == ROWS + 1
    differ = [i for i, (x, y) in enumerate(zip(local_rows, spark_rows, strict=True)) if x != y]
    assert differ == []


def test_engine_is_local_or_spark(tmp_path: Path) -> None:
    from tests.cli.cli_helpers import invoke

    src = tmp_path / "in.csv"
    src.write_text("name\nKim Jong Un\n", encoding="utf-8")
    out = invoke(
        "screen", "--file", str(src), "--output", str(tmp_path / "o.csv"), "--engine", "flink"
    )
    assert out.code == 2
    assert "--engine" in out.error
    out = invoke(
        "screen", "--file", str(src), "--output", str(tmp_path / "o.csv"), "--workers", "0"
    )
    assert out.code == 2
    assert "--workers" in out.error
