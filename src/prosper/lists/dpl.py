"""Reader for the BIS Denied Persons List text file (``dpl.txt``).

Tab-separated, every field double-quoted, one header row: ``Name, Street_Address, City,
State, Country, Postal_Code, Effective_Date, Expiration_Date, Standard_Order, Last_Update,
Action, FR_Citation``. The file has one row per address; rows with the same name and
effective date are one denial order and become one entity
``us_bis_dpl:<NAME>:<effective date>``. Dates ``MM/DD/YYYY`` become ISO dates; impossible
dates (the real file has a ``Last_Update`` of ``3033-09-30``) are reported, and the row kept.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from prosper.errors import ListDataError
from prosper.lists.common import (
    Problem,
    ReadResult,
    country_code,
    read_text,
    unique,
)
from prosper.lists.entity_type import guess_entity_type
from prosper.model import Address, Alias, Entity, ListPolicy

SOURCE = "us_bis_dpl"
HEADER = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
# a date later than this is a data-entry error, not a real date (e.g. 3033-09-30)
LATEST_PLAUSIBLE_YEAR = 2200


def parse_date(text: str) -> str | None:
    """``MM/DD/YYYY`` or ``YYYY-MM-DD`` as an ISO date; None when empty.

    Raises:
        ValueError: the text is not a valid date in either form.
    """
    value = text.strip()
    if not value:
        return None
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if us is not None:
        parsed = date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
    else:
        parsed = date.fromisoformat(value)
    return parsed.isoformat()


@dataclass(slots=True)
class _Order:
    name: str
    line: int
    names: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    effective: str | None = None
    expiration: str | None = None
    standard_order: str | None = None


def read_dpl(path: Path) -> ReadResult:
    """Read a BIS Denied Persons List file.

    Raises:
        ListDataError: the file is missing, empty, or its header is not the DPL header.
    """
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    problems: list[Problem] = []
    orders: dict[tuple[str, str | None], _Order] = {}
    try:
        header = tuple(h.strip().lstrip("\ufeff") for h in next(reader))
        if header != HEADER:
            raise ListDataError(
                f"{path.name}: not a Denied Persons List file (header has {len(header)} "
                f"columns: {', '.join(header[:4])}…)"
            )
        good = bad = 0
        for row in reader:
            if not row or not "".join(row).strip():
                continue
            line = reader.line_num
            if len(row) != len(HEADER):
                bad += 1
                problems.append(Problem(path.name, line, f"{len(row)} columns, expected 12"))
                continue
            good += 1
            cell = dict(zip(HEADER, (" ".join(v.split()) for v in row), strict=True))
            name = cell["Name"]
            if not name:
                problems.append(Problem(path.name, line, "empty name"))
                continue
            dates: dict[str, str | None] = {}
            for column in ("Effective_Date", "Expiration_Date", "Last_Update"):
                try:
                    dates[column] = parse_date(cell[column])
                except ValueError:
                    problems.append(
                        Problem(path.name, line, f"{column} {cell[column]!r} is not a date")
                    )
                    dates[column] = None
                    continue
                value = dates[column]
                if value is not None and int(value[:4]) > LATEST_PLAUSIBLE_YEAR:
                    problems.append(
                        Problem(path.name, line, f"{column} {value} is implausible (ignored)")
                    )
                    dates[column] = None
            # "AL NASER AIRLINES" and "AL-NASER AIRLINES" under one order are one party
            key = (_slug(name), dates["Effective_Date"])
            order = orders.get(key)
            if order is not None and name != order.name and name not in order.names:
                order.names.append(name)
            if order is None:
                order = orders[key] = _Order(name=name, line=line)
                order.effective = dates["Effective_Date"]
                order.expiration = dates["Expiration_Date"]
                order.standard_order = cell["Standard_Order"] or None
            parts = unique(
                cell[c] for c in ("Street_Address", "City", "State", "Postal_Code", "Country")
            )
            if parts:
                order.addresses.append(Address(", ".join(parts), country_code(cell["Country"])))
            order.citations.append(cell["FR_Citation"])
            order.actions.append(cell["Action"])
            if dates["Last_Update"] is not None:
                order.updates.append(dates["Last_Update"])
    except StopIteration:
        raise ListDataError(f"{path.name}: empty file") from None
    except csv.Error as exc:
        raise ListDataError(f"{path.name}: line {reader.line_num}: not readable ({exc})") from None
    if bad > good:
        raise ListDataError(f"{path.name}: {bad} of {bad + good} rows do not have 12 columns")
    return ReadResult(tuple(_entity(o) for o in orders.values()), tuple(problems))


def latest_update(entities: tuple[Entity, ...]) -> str | None:
    """The latest plausible ``Last_Update`` of DPL entities (their publication date)."""
    found = [e.listed_on for e in entities if e.listed_on is not None]
    return max(found) if found else None


def _slug(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")


def _entity(order: _Order) -> Entity:
    slug = _slug(order.name)
    citations = unique(order.citations)
    actions = unique(order.actions)
    return Entity(
        id=f"{SOURCE}:{slug}:{order.effective or 'undated'}",
        source=SOURCE,
        list_code="DPL",
        # the DPL does not say whether a party is a person or a company: guessed from the name
        type=guess_entity_type(order.name),
        name=order.name,
        aliases=tuple(Alias(n) for n in order.names),
        countries=unique(a.country for a in order.addresses),
        addresses=tuple(dict.fromkeys(order.addresses)),
        remarks="; ".join(actions) or None,
        policy=ListPolicy(
            federal_register_notice="; ".join(citations) or None,
            start_date=order.effective,
            end_date=order.expiration,
            standard_order=order.standard_order,
        ),
        # the last update of the order's rows; a DPL file's newest one dates the file
        listed_on=max(order.updates) if order.updates else None,
    )
