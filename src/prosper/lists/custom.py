"""A user's own watchlist (denied customers, a bank's blacklist) as a source ``custom_<name>``.

The file is a CSV (UTF-8, or CP949 / Windows-1252 text) or an XLSX workbook (first sheet) with
a header row. Columns (case-insensitive; only ``name`` is required, any other column is
refused so that a misspelt one is not silently ignored):

| column | what | example |
|---|---|---|
| ``name`` | the party's name | ``Acme Trading LLC`` |
| ``type`` | ``person``, ``organization``, ``vessel``, ``aircraft`` (empty: guessed) | ``person`` |
| ``country`` | ISO alpha-2 codes or country names, ``;``-separated | ``KP; CN`` |
| ``dob`` | dates of birth ``YYYY[-MM[-DD]]``, ``;``-separated | ``1970-05-01`` |
| ``identifiers`` | ``TYPE:VALUE[:CC]``, ``;``-separated | ``passport:PD123:KP`` |
| ``aliases`` | other names, ``;``-separated | ``Acme Ltd`` |
| ``reason`` | why the party is on the list (shown in every hit) | ``unpaid invoices, fraud`` |
| ``id`` | the party's own stable id (default: a hash of name, type, dates) | ``C-0042`` |

A row that cannot be read (no name, a bad type, date or identifier) is reported with its line
and skipped; a file with no readable row is refused. Every entity has ``list_code`` =
``source`` = ``custom_<name>``, which the screening policy decides by its ``custom`` row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prosper.errors import InputError, ListDataError, NotFoundError
from prosper.lists.codec import content_version
from prosper.lists.common import (
    Facts,
    Problem,
    ReadResult,
    country_code,
    file_sha256,
    read_bytes,
    read_text,
)
from prosper.lists.delta import SourceDelta, diff_snapshots
from prosper.lists.entity_type import guess_entity_type
from prosper.lists.lock import update_lock
from prosper.lists.snapshot import (
    FileInfo,
    Snapshot,
    SourceInfo,
    load_snapshot,
    read_source_blob,
    remember_snapshot_dir,
)
from prosper.lists.sources import label_of, name_count
from prosper.lists.store import install_snapshot
from prosper.model import Alias, Entity, EntityType, Identifier

CUSTOM_PREFIX = "custom_"
CUSTOM = "custom"  # SourceInfo.status of a user's own list: neither official nor derived
COLUMNS = ("name", "type", "country", "dob", "identifiers", "aliases", "reason", "id")
_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_TYPES = {t.value: t for t in EntityType} | {"organisation": EntityType.ORGANIZATION}


def custom_source(name: str) -> str:
    """The source id of a custom watchlist called ``name``.

    >>> custom_source("Denied-Customers")
    'custom_denied_customers'

    Raises:
        InputError: the name is empty or longer than 40 characters once simplified.
    """
    simple = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if simple.startswith(CUSTOM_PREFIX):
        simple = simple[len(CUSTOM_PREFIX) :]
    if not _NAME.fullmatch(simple):
        raise InputError(
            "must be 1 to 40 letters, digits, '-' or '_' (e.g. denied_customers)", field="NAME"
        )
    return CUSTOM_PREFIX + simple


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    lower = path.name.lower()
    if lower.endswith(".xlsx"):
        import openpyxl  # type: ignore[import-untyped]

        try:
            book = openpyxl.load_workbook(io.BytesIO(read_bytes(path)), read_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError …
            raise ListDataError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, ["" if v is None else _cell(v) for v in row]
        return
    if not lower.endswith((".csv", ".txt")):
        raise InputError(f"expected a .csv or .xlsx file, got {path.name}", field="FILE")
    text = read_text(path, encodings=("utf-8", "cp949", "cp1252"))
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        yield number, row


def _cell(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _header(row: Sequence[str], name: str) -> dict[str, int]:
    columns = {cell.strip().lower(): i for i, cell in enumerate(row) if cell.strip()}
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise ListDataError(
            f"{name}: unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})"
        )
    if "name" not in columns:
        raise ListDataError(f"{name}: the header row has no 'name' column")
    return columns


def _identifier(text: str) -> Identifier:
    parts = [p.strip() for p in text.split(":")]
    if len(parts) == 1 and parts[0]:
        return Identifier("other", parts[0])
    if len(parts) in (2, 3) and parts[0] and parts[1]:
        country = parts[2].upper() if len(parts) == 3 and parts[2] else None
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"not an ISO alpha-2 country code: {parts[2]!r}")
        return Identifier(parts[0], parts[1], country)
    raise ValueError(f"identifier {text!r} is not TYPE:VALUE[:CC]")


def _country(text: str) -> str:
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return text.upper()
    code = country_code(text)
    if code is None:
        raise ValueError(f"unknown country {text!r}")
    return code


def _valid_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    padded = text + "-01" * ((10 - len(text)) // 3)  # 1970 → 1970-01-01, 1970-05 → 1970-05-01
    try:
        date.fromisoformat(padded)
    except ValueError:
        return False
    return True


def row_entity(source: str, cells: dict[str, str]) -> Entity:
    """The entity of one row (``cells`` by column name).

    Raises:
        ValueError: the row has no name or a value that cannot be read (the message names it).
    """
    name = " ".join(cells.get("name", "").split())
    if not name:
        raise ValueError("name: empty")
    kind_text = cells.get("type", "").strip().lower()
    if kind_text and kind_text not in _TYPES:
        raise ValueError(f"type: {kind_text!r} is not person, organization, vessel or aircraft")
    kind = _TYPES[kind_text] if kind_text else guess_entity_type(name)
    dobs = _split(cells.get("dob", ""))
    for dob in dobs:
        if not _valid_date(dob):
            raise ValueError(f"dob: {dob!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        countries = tuple(dict.fromkeys(_country(c) for c in _split(cells.get("country", ""))))
    except ValueError as exc:
        raise ValueError(f"country: {exc}") from None
    try:
        identifiers = tuple(_identifier(x) for x in _split(cells.get("identifiers", "")))
    except ValueError as exc:
        raise ValueError(f"identifiers: {exc}") from None
    native = cells.get("id", "").strip()
    if not native:
        key = "|".join([name.lower(), kind.value, *dobs, *countries])
        native = hashlib.sha256(key.encode()).hexdigest()[:12]
    reason = cells.get("reason", "").strip() or None
    return Entity(
        id=f"{source}:{native}",
        source=source,
        list_code=source,
        type=kind,
        name=name,
        aliases=tuple(Alias(a) for a in _split(cells.get("aliases", "")) if a != name),
        countries=countries,
        dates_of_birth=tuple(dobs),
        identifiers=identifiers,
        remarks=reason,
        programs=() if reason is None else (reason,),  # named in findings as the concern
    )


def read_custom(path: Path, source: str, added_on: date) -> tuple[ReadResult, Facts]:
    """Read a custom watchlist file into entities of ``source``.

    Args:
        path: the CSV or XLSX file.
        source: ``custom_<name>`` (:func:`custom_source`).
        added_on: the day the list is added: its version date (a user's list states none).

    Raises:
        ListDataError: no header, an unknown column, or no readable row.
    """
    rows = iter(_rows(path))
    header: dict[str, int] | None = None
    entities: list[Entity] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = _header(row, path.name)
            continue
        cells = {col: (row[i].strip() if i < len(row) else "") for col, i in header.items()}
        try:
            entity = row_entity(source, cells)
        except ValueError as exc:
            problems.append(Problem(path.name, number, str(exc)))
            continue
        if entity.id in seen:
            problems.append(Problem(path.name, number, f"duplicate id {entity.id}"))
            continue
        seen.add(entity.id)
        entities.append(entity)
    if header is None:
        raise ListDataError(f"{path.name}: empty file (a header row with 'name' is needed)")
    if not entities:
        first = f": {problems[0]}" if problems else ""
        raise ListDataError(f"{path.name}: no readable row{first}")
    facts = Facts(
        added_on.isoformat(),
        "the day it was added (prosper lists add-custom): a user's own list states no date",
        CUSTOM,
        notes=(f"the user's own watchlist, from {path.name}",),
    )
    return ReadResult(tuple(entities), tuple(problems)), facts


@dataclass(frozen=True)
class CustomInstall:
    """What ``add-custom`` installed: the new snapshot, the list's facts, its delta, problems."""

    path: Path
    snapshot: Snapshot
    info: SourceInfo
    delta: SourceDelta
    problems: tuple[Problem, ...]


def install_custom(
    snapshot_dir: Path, name: str, path: Path, *, lock_wait: float = 60.0, today: date | None = None
) -> CustomInstall:
    """Read a custom watchlist and install it as source ``custom_<name>`` in a new snapshot
    (atomically, under the update lock, like an official update); other sources are kept.
    Adding a list of the same name again replaces it (a new version).

    Raises:
        NotFoundError: the file does not exist.
        InputError, ListDataError: the name or the file cannot be read; nothing is installed.
    """
    source = custom_source(name)
    if not path.is_file():
        raise NotFoundError(f"no such file: {path}", field="FILE")
    (entities, problems), facts = read_custom(path, source, today or date.today())
    info = SourceInfo(
        source=source,
        label=label_of(source),
        published=facts.published or "unknown",
        version=content_version(source, entities),
        entity_count=len(entities),
        name_count=name_count(entities),
        origin="installed",
        files=(FileInfo(path.name, file_sha256(path), path.stat().st_size, str(path)),),
        status=facts.status,
        published_basis=facts.basis,
        notes=facts.notes,
    )
    with update_lock(snapshot_dir, lock_wait):
        current = load_snapshot(snapshot_dir)
        combined: list[tuple[SourceInfo, tuple[Entity, ...]]] = []
        blobs: dict[str, bytes] = {}
        for old in current.sources:
            if old.source == source:
                continue
            combined.append((old, current.entities_of(old.source)))
            blob = read_source_blob(snapshot_dir, old.source)
            if blob is not None:
                blobs[old.source] = blob
        combined.append((info, entities))
        new = Snapshot(
            sources=tuple(i for i, _ in combined),
            entities=tuple(e for _, group in combined for e in group),
        )
        delta = diff_snapshots(current, new, [source])[0]
        try:
            folder = install_snapshot(snapshot_dir, combined, blobs)
        except OSError as exc:
            raise ListDataError(f"{snapshot_dir}: cannot write the snapshot ({exc})") from None
        remember_snapshot_dir(folder, new)
    return CustomInstall(folder, new, info, delta, problems)
