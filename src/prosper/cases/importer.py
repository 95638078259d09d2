"""Reading a register file: CSV (delimiter sniffed), XLSX, JSONL or Parquet → parties + row errors.

Columns (header names, case-insensitive): ``id`` and ``name`` required; ``type`` (person,
organization, vessel, aircraft; default organization); ``aliases``, ``countries`` (or
``country``), ``identifiers`` and ``tags`` — lists, ``;``-separated in CSV/XLSX cells, arrays
in JSONL/Parquet; ``dob`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); ``owners`` (a JSON array of
``{name, percent, country}`` in a cell, or an array). Unknown columns are an error (a typo in a
header must not silently drop data).

Every row is checked; a bad row is reported as ``row N: field: problem`` and the import writes
nothing at all when any row is bad (the caller commits the good rows in one transaction only
when the report is empty).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prosper.cases.model import RegisteredParty
from prosper.errors import InputError, NotFoundError
from prosper.model import EntityType
from prosper.screening.files import ROW_ERROR, file_encoding, read_rows
from prosper.values import check_country, check_dob

FORMATS = (".csv", ".xlsx", ".jsonl", ".parquet")
COLUMNS = ("id", "name", "type", "aliases", "countries", "dob", "identifiers", "owners", "tags")
_ALIASES = {"country": "countries", "alias": "aliases", "identifier": "identifiers", "tag": "tags"}
MAX_ID = 200
MAX_NAME = 500
MAX_LIST = 100
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class RowError:
    """One rejected row: its number (header is row 1 in CSV/XLSX; line number in JSONL)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class ReadRegister:
    """The parties of a file and the rows that could not be read."""

    parties: tuple[RegisteredParty, ...]
    errors: tuple[RowError, ...]
    rows: int


def read_register(path: Path, encoding: str | None = None) -> ReadRegister:
    """Read and check every row of ``path``.

    Raises:
        NotFoundError: no such file.
        InputError: unsupported type, unreadable file, missing ``id`` / ``name`` column,
            an unknown column.
    """
    if not path.is_file():
        raise NotFoundError(f"no such file: {path}", field="FILE")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"unsupported file type {path.name!r} (use .csv, .xlsx, .jsonl or .parquet)",
            field="FILE",
        )
    if suffix == ".csv":
        rows = _csv_rows(path, encoding)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        rows = _other_rows(path, encoding)
    parties: list[RegisteredParty] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    count = 0
    for number, raw in rows:
        count += 1
        if ROW_ERROR in raw:
            errors.append(RowError(number, "row", str(raw[ROW_ERROR])))
            continue
        try:
            party = parse_party(raw)
        except _BadFieldError as exc:
            errors.append(RowError(number, exc.field, exc.message))
            continue
        if party.id in seen:
            errors.append(RowError(number, "id", f"{party.id!r} repeats row {seen[party.id]}"))
            continue
        seen[party.id] = number
        parties.append(party)
    return ReadRegister(tuple(parties), tuple(errors), count)


class _BadFieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _header(columns: list[str]) -> list[str]:
    names = [_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in columns]
    unknown = [c for c in names if c not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r} (known: {', '.join(COLUMNS)})", field="FILE"
        )
    for need in ("id", "name"):
        if need not in names:
            raise InputError(f"the file has no {need!r} column", field=need)
    twice = [c for i, c in enumerate(names) if c in names[:i]]
    if twice:
        raise InputError(f"the header names column {twice[0]!r} twice", field="FILE")
    return names


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    used = file_encoding(path, encoding)
    try:
        text = path.read_text(encoding=used)
    except UnicodeDecodeError:
        raise InputError(
            f"{path.name} is not valid {used} text: name its encoding with --encoding",
            field="--encoding",
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:_SNIFF_BYTES], delimiters=_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        first = next(reader, None)
        if first is None:
            raise InputError(f"{path.name} is empty", field="FILE")
        header = _header(first)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            number = reader.line_num
            if len(cells) > len(header):
                yield number, {ROW_ERROR: f"{len(cells)} cells but the header has {len(header)}"}
                continue
            yield number, dict(zip(header, cells, strict=False))
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: malformed CSV ({exc})", field="FILE") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"{path.name} is not a readable .xlsx file ({exc})", field="FILE"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise InputError(f"{path.name} is empty", field="FILE")
        header = _header(["" if c is None else str(c) for c in first])
        for number, cells in enumerate(rows, 2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            values = ["" if c is None else _cell(c) for c in cells[: len(header)]]
            yield number, dict(zip(header, values, strict=False))
    finally:
        book.close()


def _cell(value: Any) -> str:
    if hasattr(value, "date") and hasattr(value, "isoformat"):  # a date typed in Excel
        return str(value.date().isoformat() if callable(value.date) else value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # customer numbers typed as numbers
    return str(value)


def _other_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    rows = read_rows(path, required=(), field="FILE", encoding=encoding)
    header: list[str] | None = None
    for number, raw in enumerate(rows, 1):
        if ROW_ERROR in raw:
            yield number, raw
            continue
        names = _header(list(raw)) if header is None else None
        if names is not None:
            header = names
        keys = [_ALIASES.get(k.strip().lower(), k.strip().lower()) for k in raw]
        unknown = [k for k in keys if k not in COLUMNS]
        if unknown:
            yield number, {ROW_ERROR: f"unknown field {unknown[0]!r}"}
            continue
        yield number, dict(zip(keys, raw.values(), strict=True))


def _text(raw: dict[str, Any], key: str, limit: int, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _BadFieldError(key, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _BadFieldError(key, f"must be text, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > limit:
        raise _BadFieldError(key, f"longer than {limit} characters")
    if any(ord(c) < 32 for c in text):
        raise _BadFieldError(key, "contains control characters")
    return text


def _list(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = [v.strip() for v in value.split(";")]
    elif isinstance(value, (list, tuple)):
        items = [v.strip() if isinstance(v, str) else v for v in value]
        if any(not isinstance(v, str) for v in items):
            raise _BadFieldError(key, "must be a list of text")
    else:
        raise _BadFieldError(key, "must be text separated by ';' or a list")
    out = tuple(v for v in items if v)
    if len(out) > MAX_LIST:
        raise _BadFieldError(key, f"more than {MAX_LIST} values")
    for v in out:
        if len(v) > MAX_NAME:
            raise _BadFieldError(key, f"a value longer than {MAX_NAME} characters")
    return out


def _owners(raw: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    value = raw.get("owners")
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _BadFieldError(
                "owners", "must be a JSON array of {name, percent, country}"
            ) from None
    if not isinstance(value, list) or not all(isinstance(o, dict) for o in value):
        raise _BadFieldError("owners", "must be an array of {name, percent, country}")
    out: list[dict[str, Any]] = []
    for i, owner in enumerate(value):
        name = owner.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _BadFieldError(f"owners[{i}].name", "is required")
        percent = owner.get("percent")
        if percent is not None and (
            isinstance(percent, bool)
            or not isinstance(percent, (int, float))
            or not 0 <= percent <= 100
        ):
            raise _BadFieldError(f"owners[{i}].percent", "must be a number in [0, 100]")
        country = owner.get("country")
        if country is not None:
            try:
                country = check_country(str(country))
            except ValueError as exc:
                raise _BadFieldError(f"owners[{i}].country", str(exc)) from None
        out.append({"name": name.strip(), "percent": percent, "country": country})
    return tuple(out)


def parse_party(raw: dict[str, Any]) -> RegisteredParty:
    """One row → a :class:`RegisteredParty`; raises ``_BadFieldError`` naming the field."""
    party_id = _text(raw, "id", MAX_ID, required=True)
    name = _text(raw, "name", MAX_NAME, required=True)
    assert party_id is not None
    assert name is not None
    type_text = (_text(raw, "type", 20) or "organization").lower()
    if type_text == "organisation":
        type_text = "organization"
    try:
        type_ = EntityType(type_text)
    except ValueError:
        known = ", ".join(t.value for t in EntityType)
        raise _BadFieldError("type", f"unknown type {type_text!r} ({known})") from None
    countries = []
    for code in _list(raw, "countries"):
        try:
            countries.append(check_country(code))
        except ValueError as exc:
            raise _BadFieldError("countries", str(exc)) from None
    dob = _text(raw, "dob", 10)
    if dob is not None:
        try:
            dob = check_dob(dob)
        except ValueError as exc:
            raise _BadFieldError("dob", str(exc)) from None
    return RegisteredParty(
        id=party_id,
        name=name,
        type=type_,
        aliases=_list(raw, "aliases"),
        countries=tuple(dict.fromkeys(countries)),
        dob=dob,
        identifiers=_list(raw, "identifiers"),
        owners=_owners(raw),
        tags=_list(raw, "tags"),
    )
