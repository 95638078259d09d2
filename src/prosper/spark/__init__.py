"""Screen a Spark DataFrame on the cluster with the local engine's own code.

``screen_dataframe(df, name_col="name")`` adds the batch columns (``hit_count``, ``top_score``,
``top_entity_id``, ``top_name``, ``top_source``, ``match``, ``error``) to every row, computed by
:func:`prosper.screening.batch.screen_row` on the executors with ``mapInPandas`` (Arrow
batches). The mapped index file (:mod:`prosper.screening.cache`) is shipped to the executors
once with ``SparkContext.addFile`` (a local path, or ``hdfs://`` / ``s3a://`` … on shared
storage) and mapped there by each Python worker on its first batch; no list is decoded on
the executors. Every column is read and written as text, exactly as the local engine's CSV
output writes it, so the rows are identical to ``prosper screen --file`` row for row
(``tests/spark/test_spark_engine.py``).

PySpark is the optional ``spark`` extra; this module imports it only when called.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prosper.heap import freeze_loaded
from prosper.screening.batch import ADDED_COLUMNS, HitMemo, screen_row

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

    from prosper.screening.index import ScreeningIndex

__all__ = ["ensure_index_file", "screen_dataframe", "spark_session"]

_OPENED: dict[str, ScreeningIndex] = {}  # index file → mapped index, per executor process


def ensure_index_file(snapshot_dir: Path | None, cache_dir: Path) -> tuple[Path, dict[str, str]]:
    """The index file of the current snapshot (built and written when missing) and its list
    versions."""
    from prosper.screening.cache import index_path, open_snapshot_index

    sources, _ = open_snapshot_index(snapshot_dir, cache_dir)
    versions = {s.source: s.version for s in sources}
    path = index_path(cache_dir, versions)
    if not path.is_file():  # a read-only cache folder: nothing to ship
        raise FileNotFoundError(f"{path}: the index file could not be written")
    return path, versions


def _executor_index(name: str, versions: Mapping[str, str]) -> ScreeningIndex:
    index = _OPENED.get(name)
    if index is None:
        from pyspark import SparkFiles

        from prosper.screening.cache import open_index

        opened = open_index(Path(SparkFiles.get(name)), None, versions)
        if opened is None:
            raise RuntimeError(f"{name}: not an index file of lists {dict(versions)}")
        index = _OPENED[name] = opened
        freeze_loaded()  # this executor answers many rows with it
    return index


def _text(value: Any) -> str:
    """A cell as the local engine's CSV writer renders it (None → empty)."""
    return "" if value is None else str(value)


def screen_dataframe(
    df: DataFrame,
    name_col: str = "name",
    *,
    index_file: str | Path | None = None,
    versions: Mapping[str, str] | None = None,
    threshold: float = 0.8,
    limit: int = 10,
) -> DataFrame:
    """Screen every row of ``df``; the rows (all columns as text) with the batch columns added.

    Args:
        df: The rows; ``name_col`` holds the names, ``type``, ``country``, ``dob``, ``gender``,
            ``identifiers`` and ``id`` are read as in a batch file.
        name_col: The column with the names (renamed ``name`` for screening, kept as is).
        index_file: The index file (local path or a URI every executor can read, e.g. on
            HDFS/S3); default: the current snapshot's, built in the local data folder.
        versions: The list versions of ``index_file`` (required with ``index_file``).
        threshold: Match threshold.
        limit: Hits considered per row.

    Returns:
        A DataFrame of the input columns and the added ones, every column a string.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    if index_file is None:
        from prosper.settings import load_settings

        settings = load_settings()
        path, found = ensure_index_file(settings.snapshot_dir, settings.data_dir / "cache")
        index_file, versions = str(path), found
    elif versions is None:
        raise ValueError("versions are required with index_file")
    spark = df.sparkSession
    spark.sparkContext.addFile(str(index_file))
    name = Path(str(index_file)).name
    lists = dict(versions or {})
    columns = list(df.columns)
    if name_col not in columns:
        raise ValueError(f"no column {name_col!r} (columns: {', '.join(columns)})")
    added = [c for c in ADDED_COLUMNS if c not in columns]
    schema = StructType([StructField(c, StringType(), True) for c in [*columns, *added]])
    text_df = df.select(*[df[c].cast("string").alias(c) for c in columns])

    def screen_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        index = _executor_index(name, lists)
        memo = HitMemo()  # a partition's repeated names are screened once
        for batch in batches:
            out = []
            for record in batch.to_dict("records"):
                row = {c: _text(record[c]) if record[c] == record[c] else "" for c in columns}
                if name_col != "name":
                    row["name"] = row[name_col]
                result = screen_row(index, row, threshold, limit, memo)
                out.append({c: _text(result.get(c)) for c in [*columns, *added]})
            yield pd.DataFrame(out, columns=[*columns, *added], dtype=object)

    return text_df.mapInPandas(screen_batches, schema=schema)


def spark_session(master: str | None = None) -> SparkSession:
    """A Spark session (``master`` such as ``local[2]`` or ``spark://host:7077``; default: the
    environment's, else ``local[*]``)."""
    import os
    import sys

    from pyspark.sql import SparkSession

    # local executors run this interpreter (where Prosper is installed), not the first
    # python3 on PATH; a cluster sets its own PYSPARK_PYTHON
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("prosper-screen")
    if master is not None:
        builder = builder.master(master)
    return builder.getOrCreate()


def screen_file(
    input_path: Path,
    output_path: Path,
    *,
    threshold: float,
    master: str | None = None,
    snapshot_dir: Path | None = None,
    cache_dir: Path,
) -> tuple[int, int, int]:
    """``prosper screen --file IN.csv --output OUT.csv --engine spark``: read the CSV with
    Spark (UTF-8, RFC 4180 quoting, quoted names may span lines), screen it on the cluster and
    write the rows in input order as the local engine writes them.

    Returns:
        Rows screened, matched, in error.
    """
    import csv

    from prosper.errors import InputError

    if input_path.suffix.lower() != ".csv" or output_path.suffix.lower() != ".csv":
        raise InputError("--engine spark reads and writes CSV", field="--engine")
    path, versions = ensure_index_file(snapshot_dir, cache_dir)
    spark = spark_session(master)
    df = (
        spark.read.option("header", True)
        .option("escape", '"')
        .option("multiLine", True)
        .option("mode", "FAILFAST")
        .csv(str(input_path.resolve()))
    )
    if "name" not in df.columns:
        raise InputError(f"{input_path.name}: no 'name' column", field="--file")
    out = screen_dataframe(df, index_file=path, versions=versions, threshold=threshold)
    rows = matched = errors = 0
    with output_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(out.columns), extrasaction="ignore")
        writer.writeheader()
        for row in out.toLocalIterator():
            record = row.asDict()
            writer.writerow(record)
            rows += 1
            matched += record["match"] == "True"
            errors += bool(record["error"])
    return rows, matched, errors
