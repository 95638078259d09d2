"""Batch files: read CSV / JSONL / Parquet rows strictly and in their own encoding; count
the complete records of an output for ``--resume``; write Parquet.

* Encoding: UTF-8 (BOM or not), UTF-16/32 with a BOM, else what charset-normalizer detects in
  the first MiB (CP949 from Korean Excel, CP1252 …), or the one named with ``--encoding``.
* CSV is parsed strictly (``csv`` with ``strict=True``): an unterminated quote, text after a
  closing quote, a field over the size limit or a row with more cells than the header is an
  :class:`~prosper.errors.InputError` naming the line, never merged into a neighbour.
* A complete output record ends with a line end outside quotes, so a quoted name that spans
  lines counts once and a record cut inside it is cut off (:func:`complete_csv_records`).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from prosper.charsets import bom_encoding, detect_encoding
from prosper.errors import InputError, NotFoundError

FORMATS = (".csv", ".jsonl", ".parquet")
ROW_ERROR = "_row_error"
"""Key of a row the reader could not parse (a JSONL line that is not an object): its error."""
_SAMPLE = 1 << 20  # bytes read to detect an encoding


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


def check_output(
    path: Path, *, resume: bool = False, force: bool = False, input_path: Path | None = None
) -> None:
    """Refuse to overwrite an existing ``path`` unless resuming or forced (or the input)."""
    if input_path is not None and path.exists() and path.resolve() == input_path.resolve():
        raise InputError("the output would overwrite the input file", field="--output")
    if path.exists() and not resume and not force:
        raise InputError(
            f"{path} already exists: --resume continues it, --force overwrites it",
            field="--output",
        )


def file_encoding(path: Path, encoding: str | None = None, field: str = "--encoding") -> str:
    """The encoding to read a CSV / JSONL file in: ``encoding`` if given (checked), else the
    BOM's, else UTF-8 if the first MiB decodes as UTF-8, else charset-normalizer's guess."""
    if encoding is not None:
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", field=field) from None
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    bom = bom_encoding(sample)
    if bom is not None:
        return bom
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < _SAMPLE)
    except UnicodeDecodeError:
        guess = detect_encoding(sample)
        if guess is None:
            raise InputError(
                f"cannot tell the encoding of {path.name}: name it with --encoding (e.g. cp949)",
                field=field,
            ) from None
        return guess
    return "utf-8"


def _lines(path: Path, encoding: str, field: str) -> Iterator[str]:
    """The lines of a text file with their line ends; a line that does not decode is an
    error naming it (``\n`` is never inside a character in the encodings read line by line)."""
    if encoding.replace("_", "-").startswith(("utf-16", "utf-32")):
        with path.open(newline="", encoding=encoding) as fh:
            yield from fh
        return
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(
                    f"line {number} is not valid {encoding} text: name the file's encoding "
                    "with --encoding",
                    field=field,
                ) from None
            yield line.removeprefix("\ufeff") if number == 1 else line


def _csv_problem(exc: csv.Error, line: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return f'line {line}: a quoted field is never closed (unterminated ")'
    return f"line {line}: malformed CSV ({text})"


def csv_records(
    path: Path, encoding: str, field: str = "--file"
) -> Iterator[tuple[int, list[str]]]:
    """``(first line, cells)`` of every non-blank CSV record, parsed strictly.

    Raises:
        InputError: naming the line of an unterminated quote, text after a closing quote, a
            field over the csv module's size limit, or a line that does not decode.
    """
    reader = csv.reader(_lines(path, encoding, field), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(_csv_problem(exc, start), field=field) from None
        if record:
            yield start, record


def read_rows(
    path: Path,
    required: Sequence[str] = ("name",),
    field: str = "--file",
    encoding: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the rows of a CSV, JSONL or Parquet file as dicts.

    Raises:
        NotFoundError: ``path`` does not exist.
        InputError: unknown format or encoding, or a required column is missing (checked
            before the first row is yielded); later, a malformed CSV record (naming its line).
    """
    if not path.is_file():
        raise NotFoundError(f"no such file: {path}", field=field)
    suffix = check_format(path, field)
    if suffix == ".parquet":
        return _read_parquet(path, required)
    used = file_encoding(path, encoding)
    if suffix == ".csv":
        return _read_csv(path, required, used, field)
    return _read_jsonl(path, required, used, field)


def _missing(columns: Sequence[str], required: Sequence[str]) -> None:
    for col in required:
        if col not in columns:
            raise InputError(f"the input has no {col!r} column", field=col)


def _read_csv(
    path: Path, required: Sequence[str], encoding: str, field: str
) -> Iterator[dict[str, Any]]:
    records = csv_records(path, encoding, field)
    first = next(records, None)
    header = [] if first is None else first[1]
    _missing(header, required)
    seen = [c for i, c in enumerate(header) if c in header[:i]]
    if seen:
        raise InputError(f"the header names column {seen[0]!r} twice", field=field)

    def rows() -> Iterator[dict[str, Any]]:
        for line, cells in records:
            if len(cells) > len(header):
                raise InputError(
                    f"line {line}: {len(cells)} cells but the header has {len(header)} "
                    "(a stray quote or delimiter?)",
                    field=field,
                )
            yield dict(zip(header, [*cells, *[None] * (len(header) - len(cells))], strict=True))

    return rows()


def _read_jsonl(
    path: Path, required: Sequence[str], encoding: str, field: str
) -> Iterator[dict[str, Any]]:
    first = next((line for line in _lines(path, encoding, field) if line.strip()), "")
    if first.strip():
        try:
            value = json.loads(first)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise InputError("the first line is not a JSON object", field=field)
        _missing(list(value), required)

    def rows() -> Iterator[dict[str, Any]]:
        for number, line in enumerate(_lines(path, encoding, field), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:  # also a number Python will not convert
                value = f"line {number}: not valid JSON ({str(exc).splitlines()[0][:80]})"
            if isinstance(value, dict):
                yield value
            else:
                problem = value if isinstance(value, str) else f"line {number}: not a JSON object"
                yield {"name": "", ROW_ERROR: problem}

    return rows()


def _read_parquet(path: Path, required: Sequence[str]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    pf = pq.ParquetFile(path)
    _missing(pf.schema_arrow.names, required)

    def rows() -> Iterator[dict[str, Any]]:
        for batch in pf.iter_batches(batch_size=1024):
            yield from batch.to_pylist()

    return rows()


def count_rows(path: Path, encoding: str | None = None) -> int | None:
    """Number of data rows (for a progress bar); reading a CSV through also checks every
    record, so a malformed one stops the run before anything is screened."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    used = file_encoding(path, encoding)
    if suffix == ".csv":
        return max(0, sum(1 for _ in csv_records(path, used)) - 1)
    return sum(1 for line in _lines(path, used, "--file") if line.strip())


def _text_lines(text: str) -> Iterator[str]:
    """``text`` split after each ``\n`` only (``str.splitlines`` also splits on U+2028 …)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def complete_csv_records(text: str) -> tuple[int, int]:
    """``(records, end)``: how many complete records ``text`` holds (the header included) and
    where the last one ends. A record is complete when it ends with a line end outside any
    quotes: a multi-line quoted name cut in the middle is not."""
    consumed = 0
    records, end = 0, 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in _text_lines(text):
            consumed += len(line)
            yield line

    reader = csv.reader(feed(), strict=True)
    try:
        for _ in reader:
            if text[consumed - 1 : consumed] == "\n":
                records, end = records + 1, consumed
    except csv.Error:  # the cut record: an open quote at the end
        pass
    return records, end


def complete_rows(path: Path, suffix: str) -> int:
    """Complete rows already in an output file; cuts off a half-written last record."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1  # a line end is never inside a UTF-8 character
    try:
        text = data[:cut].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            f"{path.name} is not a batch output (not UTF-8): --force overwrites it",
            field="--resume",
        ) from None
    if suffix == ".jsonl":
        rows, keep = sum(1 for line in _text_lines(text) if line.strip()), cut
    else:
        records, end = complete_csv_records(text)
        rows = max(0, records - 1)
        keep = len(data[:cut]) - len(text[end:].encode("utf-8"))
    if keep != len(data):
        with path.open("r+b") as fh:
            fh.truncate(keep)
    return rows


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write screened rows as one Parquet table (scores as floats, counts as integers)."""
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
