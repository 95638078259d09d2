"""``screen --file --workers N``: the output of N worker processes is the one-worker output,
byte for byte (CSV and JSONL, bad rows included), and the workers stream (bounded chunks)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.screening.test_index import ENTITIES

from prosper.screening import batch
from prosper.screening.batch import run_batch, screen_parallel
from prosper.screening.index import ScreeningIndex

NAMES = [
    "Kim Jong Un",
    "KIM Yo Jong",
    "Ri Pyong Chol",
    "Rosoboronexport",
    "Hikvision Digital Technology",
    "Abu Hamza",
    "Jane Doe",
    "김정은",
    "",  # a bad row: no name
]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(ENTITIES)


def _rows(n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        name = NAMES[i % len(NAMES)]
        country = "KP" if i % 3 == 0 else ("XX" if i % 97 == 0 else "")
        rows.append({"id": str(i), "name": name, "country": country})
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_workers_write_the_one_worker_output(
    index: ScreeningIndex, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "CHUNK", 7)  # many chunks, odd boundaries
    src = tmp_path / f"in{suffix}"
    rows = _rows(600)
    if suffix == ".csv":
        with src.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["id", "name", "country"])
            writer.writeheader()
            writer.writerows(rows)
    else:
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    one, two = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    s1 = run_batch(index, src, one, threshold=0.8, workers=1)
    s2 = run_batch(index, src, two, threshold=0.8, workers=2)
    assert s1 == s2
    assert s1.rows == 600
    assert s1.matched > 100
    assert s1.errors > 60  # the empty names and XX countries
    assert one.read_bytes() == two.read_bytes()


def test_screen_parallel_keeps_order_and_bounds_the_work_in_flight(
    index: ScreeningIndex,
) -> None:
    rows = _rows(300)
    taken = 0

    def source() -> object:
        nonlocal taken
        for row in rows:
            taken += 1
            yield row

    out = screen_parallel(index, source(), 0.8, workers=2, chunk=10)  # type: ignore[arg-type]
    first = next(out)
    assert first["id"] == "0"
    assert taken <= 2 * 2 * 10 + 10  # read ahead by at most 2 × workers chunks (+ one)
    rest = list(out)
    assert [r["id"] for r in [first, *rest]] == [str(i) for i in range(300)]
    assert [first, *rest] == list(batch.screen_many(index, iter(rows), 0.8))
