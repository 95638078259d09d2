"""Batch screening: formats, added columns, bad rows, resume without loss or duplication."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from prosper.errors import InputError, NotFoundError
from prosper.model import Entity, EntityType
from prosper.screening.batch import run_batch, run_pairs
from prosper.screening.index import ScreeningIndex
from prosper.screening.rows import parse_countries, parse_dob, parse_type

ENTITIES = (
    Entity("us_ofac_sdn:20157", "us_ofac_sdn", "SDN", EntityType.PERSON, "KIM, Jong Un"),
    Entity("us_ofac_sdn:18782", "us_ofac_sdn", "SDN", EntityType.ORGANIZATION, "ROSOBORONEXPORT"),
)
NAMES = ["Kim Jong Un", "Samsung Electronics", "", "ROSOBORONEKSPORT", "John Smith"]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(ENTITIES)


def _write_csv(path: Path, names: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "name", "country"])
        for i, n in enumerate(names):
            w.writerow([f"c{i}", n, "KP" if i == 0 else ""])


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_keeps_columns_and_adds_results(tmp_path: Path, index: ScreeningIndex) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_csv(src, NAMES)
    summary = run_batch(index, src, out, threshold=0.8)
    rows = _read_csv(out)
    assert [r["customer_id"] for r in rows] == [f"c{i}" for i in range(len(NAMES))]
    assert rows[0]["top_entity_id"] == "us_ofac_sdn:20157"
    assert rows[0]["match"] == "True"
    assert rows[1]["hit_count"] == "0"
    assert rows[1]["match"] == "False"
    assert rows[2]["error"].startswith("name:")  # a bad row is reported, not fatal
    assert rows[3]["top_entity_id"] == "us_ofac_sdn:18782"
    assert (summary.rows, summary.matched, summary.errors) == (5, 2, 1)


def test_resume_after_interruption(tmp_path: Path, index: ScreeningIndex) -> None:
    src, out, full = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "full.csv"
    _write_csv(src, NAMES)
    run_batch(index, src, full, threshold=0.8)
    text = full.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    # interrupted after two complete rows and half of the third
    out.write_text("".join(lines[:3]) + lines[3][:7], "utf-8")
    summary = run_batch(index, src, out, threshold=0.8, resume=True)
    assert summary.skipped == 2
    assert summary.rows == 3
    assert out.read_text("utf-8") == text


def test_resume_on_missing_output_starts_fresh(tmp_path: Path, index: ScreeningIndex) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_csv(src, NAMES)
    summary = run_batch(index, src, out, threshold=0.8, resume=True)
    assert summary.skipped == 0
    assert len(_read_csv(out)) == len(NAMES)


def test_jsonl_in_and_out_with_resume(tmp_path: Path, index: ScreeningIndex) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        "\n".join(json.dumps({"name": n, "ref": i}) for i, n in enumerate(NAMES)) + "\nnot json\n",
        "utf-8",
    )
    run_batch(index, src, out, threshold=0.8)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == len(NAMES) + 1
    assert rows[0]["ref"] == 0
    assert rows[0]["match"] is True
    assert rows[-1]["error"]
    complete = out.read_text("utf-8")
    out.write_text("\n".join(complete.splitlines()[:4]) + '\n{"name": "Ki', "utf-8")
    summary = run_batch(index, src, out, threshold=0.8, resume=True)
    assert summary.skipped == 4
    assert out.read_text("utf-8") == complete


def test_parquet_round_trip(tmp_path: Path, index: ScreeningIndex) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"name": NAMES, "n": list(range(len(NAMES)))}), src)
    run_batch(index, src, out, threshold=0.8)
    table = pq.read_table(out).to_pylist()
    assert table[0]["top_entity_id"] == "us_ofac_sdn:20157"
    assert table[0]["n"] == 0
    with pytest.raises(InputError):
        run_batch(index, src, out, threshold=0.8, resume=True)


def test_bad_files(tmp_path: Path, index: ScreeningIndex) -> None:
    with pytest.raises(NotFoundError):
        run_batch(index, tmp_path / "missing.csv", tmp_path / "o.csv", threshold=0.8)
    bad = tmp_path / "in.csv"
    bad.write_text("customer,full_name\n1,Kim\n", "utf-8")
    with pytest.raises(InputError) as err:
        run_batch(index, bad, tmp_path / "o.csv", threshold=0.8)
    assert err.value.field == "name"
    with pytest.raises(InputError) as err:
        run_batch(index, bad, tmp_path / "o.xlsx", threshold=0.8)
    assert err.value.field == "--output"


def test_pairs(tmp_path: Path) -> None:
    src, out = tmp_path / "pairs.csv", tmp_path / "out.csv"
    src.write_text(
        'name1,name2,type\nKim Jong Un,"KIM, Jong Un",person\nGeorge Bush,George Habbash,person\n'
        "x,,\nA,B,spaceship\n",
        "utf-8",
    )
    summary = run_pairs(src, out, threshold=0.8)
    rows = _read_csv(out)
    assert rows[0]["match"] == "True"
    assert float(rows[0]["score"]) == 1.0
    assert rows[1]["match"] == "False"
    assert rows[2]["error"].startswith("name2")
    assert rows[3]["error"].startswith("type")
    assert summary.errors == 2


def test_field_parsers() -> None:
    assert parse_type("Individual") is EntityType.PERSON
    assert parse_type("") is None
    assert parse_dob("1984") == "1984"
    assert parse_dob("1984-01-08") == "1984-01-08"
    assert parse_countries(["kp; cn"]) == ("KP", "CN")
    for bad in ("1984-02-30", "08/01/1984"):
        with pytest.raises(InputError) as err:
            parse_dob(bad)
        assert err.value.field == "dob"
    with pytest.raises(InputError):
        parse_countries(["Korea"])
    with pytest.raises(InputError):
        parse_type("robot")
