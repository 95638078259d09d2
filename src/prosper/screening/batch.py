"""Batch screening: stream rows from CSV / JSONL / Parquet, screen each, write as you go.

* Every input column is kept; ``hit_count``, ``top_score``, ``top_entity_id``, ``top_name``,
  ``top_source``, ``match`` and ``error`` are added.
* Rows are written as they are screened and flushed every :data:`FLUSH_ROWS` rows (a write
  call per row cost ~5 µs of the ~40 µs a row costs outside its query), so a hard kill loses
  at most the last :data:`FLUSH_ROWS` rows' screening, which ``--resume`` redoes; an exception
  or Ctrl-C closes the file, writing every row screened. ``resume=True`` counts the complete
  *records* already in the output (a quoted name may span lines; a half-written last record
  is cut off), skips that many input records and appends the rest: no row is lost or
  duplicated. An existing output is never overwritten
  without ``resume`` or ``force``.
* CSV and JSONL input is read in its own encoding: UTF-8 (BOM or not), UTF-16/32 with a BOM,
  else what charset-normalizer detects (CP949 from Korean Excel, CP1252 …), or ``encoding``
  when given. CSV is parsed strictly: an unterminated quote, text after a closing quote or a
  row with more cells than the header stops the run naming the line, never merged silently.
* A bad row (no name, unknown type or country, impossible date of birth, a JSONL line that is
  not an object) is written with its ``error`` and the run goes on; a bad *file* (missing,
  unknown format, no ``name`` column, malformed CSV, undecodable text) stops the run
  (:class:`~prosper.errors.InputError`, exit 2) — before anything is written when the CLI
  counts the rows first (:func:`count_rows` reads the whole file).

Parquet needs the optional ``parquet`` extra (pyarrow). Parquet output is written in row
groups at the end of the run and cannot be resumed.

``workers=N`` screens chunks of rows in N forked processes sharing the parent's index (the
mapped index file's pages are shared, not copied) while the parent reads and writes in input
order: the output is the one-worker output, byte for byte, and at most ``2 × N`` chunks are in
flight, so memory stays flat in the input size.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from prosper.errors import InputError
from prosper.heap import freeze_loaded
from prosper.model import Hit
from prosper.screening.files import (
    FORMATS,
    ROW_ERROR,
    check_format,
    check_output,
    complete_rows,
    count_rows,
    read_rows,
    write_parquet,
)
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query
from prosper.screening.rows import parse_type, row_query, text_or_none
from prosper.screening.search import screen as bounded_screen

ADDED_COLUMNS = (
    "hit_count",
    "top_score",
    "top_entity_id",
    "top_name",
    "top_source",
    "match",
    "error",
)


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


MEMO_SIZE = 4096  # distinct queries a batch remembers the hits of (a book repeats names)


class HitMemo:
    """The hits of the last :data:`MEMO_SIZE` distinct queries of a batch (oldest forgotten
    first, so memory stays flat): a name repeated in a book is screened once. The index is
    a function of the query, so a remembered answer is the answer."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._hits: dict[tuple[Query, float, int], tuple[Hit, ...]] = {}

    def screen(
        self, index: Screener, query: Query, threshold: float, limit: int
    ) -> tuple[Hit, ...]:
        """``index.screen(query, threshold, limit)``, remembered."""
        key = (query, threshold, limit)
        try:
            return self._hits[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable qualifier (a list from a caller): not remembered
            return screen_query(index, query, threshold, limit)
        hits = screen_query(index, query, threshold, limit)
        if len(self._hits) >= self._size:
            del self._hits[next(iter(self._hits))]
        self._hits[key] = hits
        return hits


def screen_query(index: Screener, query: Query, threshold: float, limit: int) -> tuple[Hit, ...]:
    """``index.screen(query, threshold, limit)``; for a :class:`ScreeningIndex` the same hits
    with hopeless candidates left unscored (:func:`prosper.screening.search.screen`)."""
    if isinstance(index, ScreeningIndex):
        return bounded_screen(index, query, threshold, limit)
    return index.screen(query, threshold=threshold, limit=limit)


def screen_row(
    index: Screener,
    row: dict[str, Any],
    threshold: float,
    limit: int = 10,
    memo: HitMemo | None = None,
) -> dict[str, Any]:
    """Screen one row; the row with the added columns (``error`` set for a bad row);
    ``memo``: remember the hits of repeated queries."""
    out = dict(row)
    problem = out.pop(ROW_ERROR, None)
    try:
        if problem is not None:
            raise InputError(str(problem))
        query = row_query(row)
    except InputError as exc:
        out.update(dict.fromkeys(ADDED_COLUMNS, ""))
        out["error"] = str(exc)
        return out
    if memo is None:
        hits = screen_query(index, query, threshold, limit)
    else:
        hits = memo.screen(index, query, threshold, limit)
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
    memo = HitMemo()
    for row in rows:
        yield screen_row(index, row, threshold, limit, memo)


CHUNK = 256  # rows per task of a worker process
FLUSH_ROWS = 256  # rows written between two flushes of the output (e.g. ~0.3 s of screening)

_WORKER_INDEX: list[Screener] = []  # the index a forked worker inherits
_WORKER_MEMO: list[HitMemo] = []  # ... and the hits it remembers across its chunks


def _screen_chunk(rows: list[dict[str, Any]], threshold: float, limit: int) -> list[dict[str, Any]]:
    index = _WORKER_INDEX[0]
    if not _WORKER_MEMO:
        _WORKER_MEMO.append(HitMemo())
    memo = _WORKER_MEMO[0]
    return [screen_row(index, row, threshold, limit, memo) for row in rows]


def default_workers() -> int:
    """The cores this process may use (``--workers`` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def screen_parallel(
    index: Screener,
    rows: Iterator[dict[str, Any]],
    threshold: float,
    limit: int = 10,
    workers: int = 1,
    chunk: int | None = None,
) -> Iterator[dict[str, Any]]:
    """:func:`screen_many` on ``workers`` processes, in input order (one worker, or a
    platform without ``fork``: in this process)."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from screen_many(index, rows, threshold, limit)
        return
    _WORKER_INDEX[:] = [index]  # inherited by the forked workers
    _WORKER_MEMO.clear()
    freeze_loaded()  # the workers' collections walk only what their queries allocate
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[Any] = deque()
            size = CHUNK if chunk is None else chunk
            while batch := list(islice(rows, size)):
                pending.append(pool.apply_async(_screen_chunk, (batch, threshold, limit)))
                while len(pending) >= 2 * workers:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        _WORKER_INDEX.clear()


__all__ = [
    "ADDED_COLUMNS",
    "FORMATS",
    "BatchSummary",
    "HitMemo",
    "Screener",
    "check_format",
    "count_rows",
    "default_workers",
    "read_rows",
    "run_batch",
    "run_pairs",
    "screen_many",
    "screen_parallel",
    "screen_query",
    "screen_row",
]


def run_batch(
    index: Screener,
    input_path: Path,
    output_path: Path,
    *,
    threshold: float,
    resume: bool = False,
    force: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> BatchSummary:
    """Screen every row of ``input_path`` into ``output_path`` (see the module docstring).

    Args:
        index: The screening index.
        input_path: CSV / JSONL / Parquet with a ``name`` column.
        output_path: CSV / JSONL / Parquet to write.
        threshold: Match threshold.
        resume: Continue an interrupted run into the same output.
        force: Overwrite an existing output.
        encoding: The input's encoding (default: detected).
        progress: Called with the number of rows done so far (skipped rows included).
        workers: Processes screening in parallel (the output is the same).

    Returns:
        Counts of rows screened, skipped (resume), matched and in error.
    """
    out_suffix = check_format(output_path, "--output")
    if resume and out_suffix == ".parquet":
        raise InputError("--resume is not supported for Parquet output", field="--resume")
    rows = read_rows(input_path, encoding=encoding)  # a bad input is named first
    check_output(output_path, resume=resume, force=force, input_path=input_path)
    skipped = complete_rows(output_path, out_suffix) if resume else 0
    done = matched = errors = 0
    for _ in range(skipped):
        if next(rows, None) is None:
            break
        done += 1
    if progress is not None:
        progress(done)
    results = screen_parallel(index, rows, threshold, workers=workers)
    if out_suffix == ".parquet":
        table_rows = []
        for out in results:
            table_rows.append(out)
            matched += bool(out["match"] is True)
            errors += bool(out["error"])
            done += 1
            if progress is not None:
                progress(done)
        write_parquet(output_path, table_rows)
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
            matched += bool(out["match"] is True)
            errors += bool(out["error"])
            done += 1
            if done % FLUSH_ROWS == 0:
                fh.flush()
            if progress is not None:
                progress(done)
    return BatchSummary(done - skipped, skipped, matched, errors)


def run_pairs(
    input_path: Path,
    output_path: Path,
    *,
    threshold: float,
    force: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Score the ``name1,name2[,type]`` pairs of a CSV / JSONL file, adding ``score``,
    ``match``, ``ofac_score`` and ``error`` columns (``prosper match --pairs``); an existing
    output is overwritten only with ``force``."""
    from prosper.matching import match_names

    out_suffix = check_format(output_path, "--output")
    if out_suffix == ".parquet":
        raise InputError("write pairs to .csv or .jsonl", field="--output")
    rows = read_rows(input_path, required=("name1", "name2"), field="--pairs", encoding=encoding)
    check_output(output_path, force=force, input_path=input_path)
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
