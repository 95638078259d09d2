"""Batch screening: stream rows from CSV / JSONL / Parquet, screen each, write as you go.

* Every input column is kept; ``hit_count``, ``top_score``, ``top_entity_id``, ``top_name``,
  ``top_source``, ``match`` and ``error`` are added.
* Rows are written and flushed one by one, so an interruption loses at most the row being
  written. ``resume=True`` counts the complete rows already in the output (cutting off a
  half-written last line), skips that many input rows and appends the rest: no row is lost or
  duplicated.
* A bad row (no name, unknown type, impossible date of birth) is written with its ``error``
  and the run goes on; a bad *file* (missing, unknown format, no ``name`` column) stops the run
  before anything is written (:class:`~prosper.errors.InputError`, exit 2).

Parquet needs the optional ``parquet`` extra (pyarrow). Parquet output is written in row
groups at the end of the run and cannot be resumed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from prosper.errors import InputError, NotFoundError
from prosper.model import Hit
from prosper.screening.query import Query
from prosper.screening.rows import parse_type, row_query, text_or_none

ADDED_COLUMNS = (
    "hit_count",
    "top_score",
    "top_entity_id",
    "top_name",
    "top_source",
    "match",
    "error",
)
FORMATS = (".csv", ".jsonl", ".parquet")


class Screener(Protocol):
    """Anything with ``ScreeningIndex.screen``'s signature."""

    def screen(self, query: Query, threshold: float = 0.8, limit: int = 10) -> tuple[Hit, ...]:
        """Screen one query."""
        ...


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch run did."""

    rows: int
    skipped: int
    matched: int
    errors: int


def screen_row(
    index: Screener, row: dict[str, Any], threshold: float, limit: int = 10
) -> dict[str, Any]:
    """Screen one row; the row with the added columns (``error`` set for a bad row)."""
    out = dict(row)
    try:
        query = row_query(row)
    except InputError as exc:
        out.update(dict.fromkeys(ADDED_COLUMNS, ""))
        out["error"] = str(exc)
        return out
    hits = index.screen(query, threshold=threshold, limit=limit)
    top = hits[0] if hits else None
    out.update(
        hit_count=len(hits),
        top_score=top.score if top else "",
        top_entity_id=top.entity.id if top else "",
        top_name=top.entity.name if top else "",
        top_source=top.entity.source if top else "",
        match=bool(top and top.match),
        error="",
    )
    return out


def screen_many(
    index: Screener, rows: Iterator[dict[str, Any]], threshold: float, limit: int = 10
) -> Iterator[dict[str, Any]]:
    """Lazily screen ``rows`` (the streaming core of ``screen --file``)."""
    for row in rows:
        yield screen_row(index, row, threshold, limit)


# --------------------------------------------------------------------------- files


def check_format(path: Path, field: str) -> str:
    """The lower-case suffix of ``path`` if it is a supported format, else InputError."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"unsupported file type {path.name!r} (use .csv, .jsonl or .parquet)", field=field
        )
    if suffix == ".parquet":
        try:
            import pyarrow  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            raise InputError(
                "Parquet needs the optional 'parquet' extra: pip install 'prosper[parquet]'",
                field=field,
            ) from None
    return suffix


def read_rows(
    path: Path, required: Sequence[str] = ("name",), field: str = "--file"
) -> Iterator[dict[str, Any]]:
    """Stream the rows of a CSV, JSONL or Parquet file as dicts.

    Raises:
        NotFoundError: ``path`` does not exist.
        InputError: unknown format, or a required column is missing (checked before the
            first row is yielded).
    """
    if not path.is_file():
        raise NotFoundError(f"no such file: {path}", field=field)
    suffix = check_format(path, field)
    if suffix == ".csv":
        return _read_csv(path, required)
    if suffix == ".jsonl":
        return _read_jsonl(path, required)
    return _read_parquet(path, required)


def _missing(columns: Sequence[str], required: Sequence[str]) -> None:
    for col in required:
        if col not in columns:
            raise InputError(f"the input has no {col!r} column", field=col)


def _read_csv(path: Path, required: Sequence[str]) -> Iterator[dict[str, Any]]:
    fh = path.open(newline="", encoding="utf-8-sig")
    reader = csv.DictReader(fh)
    _missing(reader.fieldnames or (), required)

    def rows() -> Iterator[dict[str, Any]]:
        with fh:
            yield from reader

    return rows()


def _read_jsonl(path: Path, required: Sequence[str]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    if first.strip():
        try:
            _missing(list(json.loads(first)), required)
        except (json.JSONDecodeError, TypeError):
            raise InputError("the first line is not a JSON object", field="--file") from None

    def rows() -> Iterator[dict[str, Any]]:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    value = None
                if isinstance(value, dict):
                    yield value
                else:
                    yield {"name": "", "_line": lineno}

    return rows()


def _read_parquet(path: Path, required: Sequence[str]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    pf = pq.ParquetFile(path)
    _missing(pf.schema_arrow.names, required)

    def rows() -> Iterator[dict[str, Any]]:
        for batch in pf.iter_batches(batch_size=1024):
            yield from batch.to_pylist()

    return rows()


def count_rows(path: Path) -> int | None:
    """Number of data rows (for a progress bar), or None when unknown cheaply."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        if suffix == ".csv":
            return max(0, sum(1 for _ in csv.reader(fh)) - 1)
        return sum(1 for line in fh if line.strip())


def _complete_rows(path: Path, suffix: str) -> int:
    """Complete rows already in an output file; cuts off a half-written last row."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1  # everything after the last newline is a partial row
    if end != len(data):
        with path.open("r+b") as fh:
            fh.truncate(end)
        data = data[:end]
    text = data.decode("utf-8-sig")
    if suffix == ".jsonl":
        return sum(1 for line in text.splitlines() if line.strip())
    records = list(csv.reader(io.StringIO(text)))
    return max(0, len(records) - 1)


def run_batch(
    index: Screener,
    input_path: Path,
    output_path: Path,
    *,
    threshold: float,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Screen every row of ``input_path`` into ``output_path`` (see the module docstring).

    Args:
        index: The screening index.
        input_path: CSV / JSONL / Parquet with a ``name`` column.
        output_path: CSV / JSONL / Parquet to write.
        threshold: Match threshold.
        resume: Continue an interrupted run into the same output.
        progress: Called with the number of rows done so far (skipped rows included).

    Returns:
        Counts of rows screened, skipped (resume), matched and in error.
    """
    out_suffix = check_format(output_path, "--output")
    rows = read_rows(input_path)
    if resume and out_suffix == ".parquet":
        raise InputError("--resume is not supported for Parquet output", field="--resume")
    skipped = _complete_rows(output_path, out_suffix) if resume else 0
    done = matched = errors = 0
    for _ in range(skipped):
        if next(rows, None) is None:
            break
        done += 1
    if progress is not None:
        progress(done)
    results = screen_many(index, rows, threshold)
    if out_suffix == ".parquet":
        table_rows = []
        for out in results:
            table_rows.append(out)
            matched += bool(out["match"] is True)
            errors += bool(out["error"])
            done += 1
            if progress is not None:
                progress(done)
        _write_parquet(output_path, table_rows)
        return BatchSummary(len(table_rows), 0, matched, errors)
    mode = "a" if resume and skipped else "w"
    with output_path.open(mode, newline="", encoding="utf-8") as fh:
        writer: csv.DictWriter[str] | None = None
        for out in results:
            if out_suffix == ".jsonl":
                fh.write(json.dumps(out, ensure_ascii=False, default=str) + "\n")
            else:
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(out), extrasaction="ignore")
                    if mode == "w":
                        writer.writeheader()
                writer.writerow(out)
            fh.flush()
            matched += bool(out["match"] is True)
            errors += bool(out["error"])
            done += 1
            if progress is not None:
                progress(done)
    return BatchSummary(done - skipped, skipped, matched, errors)


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {}
    for row in rows:
        for key in row:
            columns.setdefault(key, [])
    for row in rows:
        for key, values in columns.items():
            value = row.get(key)
            values.append(None if value == "" else value)
    for key in ("top_score",):
        if key in columns:
            columns[key] = [None if v is None else float(v) for v in columns[key]]
    for key in ("hit_count",):
        if key in columns:
            columns[key] = [None if v is None else int(v) for v in columns[key]]
    pq.write_table(pa.table(columns), path)


def run_pairs(
    input_path: Path,
    output_path: Path,
    *,
    threshold: float,
    progress: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Score the ``name1,name2[,type]`` pairs of a CSV / JSONL file, adding ``score``,
    ``match``, ``ofac_score`` and ``error`` columns (``prosper match --pairs``)."""
    from prosper.matching import match_names

    out_suffix = check_format(output_path, "--output")
    if out_suffix == ".parquet":
        raise InputError("write pairs to .csv or .jsonl", field="--output")
    rows = read_rows(input_path, required=("name1", "name2"), field="--pairs")
    done = matched = errors = 0
    with output_path.open("w", newline="", encoding="utf-8") as fh:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            out = dict(row)
            try:
                a, b = str(row.get("name1") or "").strip(), str(row.get("name2") or "").strip()
                if not a or not b:
                    raise InputError("empty name", field="name1" if not a else "name2")
                result = match_names(a, b, parse_type(text_or_none(row.get("type"))))
                out.update(
                    score=result.score,
                    match=result.score >= threshold,
                    ofac_score=result.ofac_score,
                    error="",
                )
                matched += result.score >= threshold
            except InputError as exc:
                out.update(score="", match="", ofac_score="", error=str(exc))
                errors += 1
            if out_suffix == ".jsonl":
                fh.write(json.dumps(out, ensure_ascii=False, default=str) + "\n")
            else:
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(out), extrasaction="ignore")
                    writer.writeheader()
                writer.writerow(out)
            done += 1
            if progress is not None:
                progress(done)
    return BatchSummary(done, 0, matched, errors)
