"""Batch screening: formats, added columns, bad rows, resume without loss or duplication."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from prosper.errors import InputError, NotFoundError
from prosper.model import Entity, EntityType, Hit
from prosper.screening.batch import (
    HitMemo,
    count_rows,
    run_batch,
    run_pairs,
    screen_many,
    screen_row,
)
from prosper.screening.files import complete_csv_records
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query
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


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_interrupted_between_flushes_loses_nothing(
    tmp_path: Path, index: ScreeningIndex, suffix: str
) -> None:
    """Rows are flushed every FLUSH_ROWS rows: an exception (Ctrl-C) after row 3, before any
    flush, still leaves the three rows on disk (the file is closed), and resuming gives the
    uninterrupted output byte for byte."""
    src, out, full = tmp_path / "in.csv", tmp_path / f"out{suffix}", tmp_path / f"full{suffix}"
    _write_csv(src, NAMES)
    run_batch(index, src, full, threshold=0.8)

    def stop(done: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(index, src, out, threshold=0.8, progress=stop)
    written = out.read_text("utf-8")
    assert len(written.splitlines()) == 3 + (suffix == ".csv")  # the header
    summary = run_batch(index, src, out, threshold=0.8, resume=True)
    assert (summary.skipped, summary.rows) == (3, 2)
    assert out.read_bytes() == full.read_bytes()


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
    with pytest.raises(InputError) as err:
        parse_countries(["XX"], "--country")  # well-formed but not ISO 3166
    assert err.value.field == "--country"
    with pytest.raises(InputError):
        parse_type("robot")


# ------------------------------------------------------------ input hardening (issue 13)


def test_cp949_csv_is_detected_and_read(tmp_path: Path, index: ScreeningIndex) -> None:
    """Korean Excel saves CP949: the names arrive as Hangul, not mojibake or a traceback."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    rows = [("번호", "name", "country"), ("1", "김정은", "KP"), ("2", "삼성전자 주식회사", "KR")]
    rows += [(str(i), f"거래처 {i}호 무역상사", "KR") for i in range(3, 30)]
    src.write_bytes("".join(",".join(r) + "\r\n" for r in rows).encode("cp949"))
    summary = run_batch(index, src, out, threshold=0.8)
    got = _read_csv(out)
    assert [r["name"] for r in got[:2]] == ["김정은", "삼성전자 주식회사"]
    assert got[0]["번호"] == "1"
    assert summary.errors == 0
    # forcing a wrong encoding is an error naming the line, not a crash
    with pytest.raises(InputError) as err:
        run_batch(index, src, tmp_path / "o2.csv", threshold=0.8, encoding="utf-8")
    assert "line 1" in str(err.value)
    with pytest.raises(InputError) as err:
        run_batch(index, src, tmp_path / "o3.csv", threshold=0.8, encoding="klingon")
    assert err.value.field == "--encoding"


def test_utf16_with_bom_and_utf8_bom(tmp_path: Path, index: ScreeningIndex) -> None:
    text = "name,country\nKim Jong Un,KP\n"
    for encoding in ("utf-16", "utf-8-sig"):
        src, out = tmp_path / f"{encoding}.csv", tmp_path / f"{encoding}-out.csv"
        src.write_bytes(text.encode(encoding))
        run_batch(index, src, out, threshold=0.8)
        assert _read_csv(out)[0]["top_entity_id"] == "us_ofac_sdn:20157"


def test_unterminated_quote_is_an_error_naming_the_line(
    tmp_path: Path, index: ScreeningIndex
) -> None:
    """The rest of the file is never merged into one name (Kim Jong Un would go unscreened)."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text('name,country\nAcme,KR\n"Broken Name,CN\nKim Jong Un,KP\nOther,KR\n', "utf-8")
    with pytest.raises(InputError) as err:
        count_rows(src)
    assert err.value.field == "--file"
    assert "line 3" in err.value.message
    assert "never closed" in err.value.message
    with pytest.raises(InputError) as err:
        run_batch(index, src, out, threshold=0.8)
    assert "line 3" in err.value.message


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ('name,country\nAcme,KR\n"Kim" Jong Un,KP\n', 3),  # text after a closing quote
        ("name,country\nAcme,KR\nAcme,KR\nKim,Jong Un,KP\n", 4),  # a stray delimiter
    ],
)
def test_malformed_rows_name_their_line(
    tmp_path: Path, index: ScreeningIndex, body: str, line: int
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(body, "utf-8")
    with pytest.raises(InputError) as err:
        run_batch(index, src, tmp_path / "out.csv", threshold=0.8)
    assert f"line {line}" in err.value.message


def test_existing_output_needs_resume_or_force(tmp_path: Path, index: ScreeningIndex) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_csv(src, NAMES)
    out.write_text("precious work\n", "utf-8")
    with pytest.raises(InputError) as err:
        run_batch(index, src, out, threshold=0.8)
    assert err.value.field == "--output"
    assert out.read_text("utf-8") == "precious work\n"
    run_batch(index, src, out, threshold=0.8, force=True)
    assert len(_read_csv(out)) == len(NAMES)
    with pytest.raises(InputError):
        run_pairs(src, out, threshold=0.8)
    with pytest.raises(InputError) as err:
        run_batch(index, src, src, threshold=0.8, force=True)
    assert "input" in err.value.message


def test_resume_is_exact_at_every_cut_inside_multiline_names(
    tmp_path: Path, index: ScreeningIndex
) -> None:
    """Cut the output at every byte offset (inside quoted multi-line names too), resume:
    the result is byte for byte the uninterrupted run's — nothing lost, nothing twice."""
    src, full = tmp_path / "in.csv", tmp_path / "full.csv"
    names = ["Kim Jong Un", "Line one\nline two\nline three", "ROSOBORONEKSPORT", 'Say "hi"\nok']
    names += [f"Multi\nline {i}" for i in range(12)] + ["Kim\r\nJong Un", "Last"]
    _write_csv(src, names)
    run_batch(index, src, full, threshold=0.8)
    complete = full.read_bytes()
    assert len(_read_csv(full)) == len(names)
    out = tmp_path / "out.csv"
    for cut in range(len(complete) + 1):
        out.write_bytes(complete[:cut])
        run_batch(index, src, out, threshold=0.8, resume=True)
        assert out.read_bytes() == complete, f"cut at byte {cut}"


def test_record_counting_ignores_line_ends_inside_quotes() -> None:
    text = 'a,b\n"x\ny",1\n"open\n'
    assert complete_csv_records(text) == (2, len('a,b\n"x\ny",1\n'))
    assert complete_csv_records("a,b\nx,1") == (1, 4)  # the last line has no line end yet


def test_jsonl_huge_integer_and_bad_lines_are_row_errors(
    tmp_path: Path, index: ScreeningIndex
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        '{"name": "Kim Jong Un"}\n{"name": "X", "n": 1' + "0" * 4400 + "}\n[1]\n"
        '{"name": ["a"]}\n{"name": "Y", "country": "XX"}\n{"name": "Z", "dob": "1984-02-30"}\n',
        "utf-8",
    )
    summary = run_batch(index, src, out, threshold=0.8)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert rows[0]["match"] is True
    assert rows[1]["error"].startswith("line 2: not valid JSON")
    assert rows[2]["error"] == "line 3: not a JSON object"
    assert rows[3]["error"].startswith("name:")
    assert rows[4]["error"].startswith("country: unknown country code 'XX'")
    assert rows[5]["error"].startswith("dob: not a real date")
    assert summary.errors == 5


def test_batch_rows_refuse_unknown_countries(tmp_path: Path, index: ScreeningIndex) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("name,country,dob\nKim Jong Un,XX,\nKim Jong Un,KP,1984-02-30\n", "utf-8")
    run_batch(index, src, out, threshold=0.8)
    rows = _read_csv(out)
    assert rows[0]["error"].startswith("country:")
    assert rows[1]["error"].startswith("dob:")


class _Counting:
    """A screener counting the queries it screens."""

    def __init__(self, index: ScreeningIndex) -> None:
        self.index = index
        self.calls = 0

    def screen(self, query: Query, threshold: float = 0.8, limit: int = 10) -> tuple[Hit, ...]:
        self.calls += 1
        return self.index.screen(query, threshold=threshold, limit=limit)


def test_repeated_names_are_screened_once_with_the_same_answer(index: ScreeningIndex) -> None:
    rows = [{"name": n} for n in ["Kim Jong Un", "ROSOBORONEKSPORT", "Kim Jong Un", "Kim Jong Un"]]
    counting = _Counting(index)
    remembered = list(screen_many(counting, iter(rows), threshold=0.8))
    assert counting.calls == 2
    assert remembered == [screen_row(index, row, 0.8) for row in rows]


def test_the_memo_forgets_the_oldest_query_first(index: ScreeningIndex) -> None:
    counting = _Counting(index)
    memo = HitMemo(size=2)
    for name in ["Kim Jong Un", "ROSOBORONEKSPORT", "John Smith", "Kim Jong Un", "John Smith"]:
        memo.screen(counting, Query(name), 0.8, 10)
    assert counting.calls == 4  # Kim Jong Un was forgotten when John Smith came; John Smith kept
