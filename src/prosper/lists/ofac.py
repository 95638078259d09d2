"""Reader for OFAC's legacy CSV files: ``sdn.csv`` + ``add.csv`` + ``alt.csv`` +
``sdn_comments.csv`` and the non-SDN ``cons_prim.csv`` + ``cons_add.csv`` + ``cons_alt.csv`` +
``cons_comments.csv``.

Format (OFAC ``dat_spec.txt``): no header, comma separated, ``"``-quoted, null is ``-0-``,
a DOS EOF byte at the end. The primary file has 12 columns (``ent_num, SDN_Name, SDN_Type,
Program, Title, Call_Sign, Vessel_Type, Tonnage, GRT, Vessel_Flag, Vessel_Owner, Remarks``);
address rows have 6, alias rows 5, comment rows 2. Aux rows are joined by ``ent_num`` and
only for entries present in the primary file (rows for other entries are ignored: the aux
files may be from a later date than the primary file).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prosper.errors import ListDataError
from prosper.lists.common import (
    Problem,
    ReadResult,
    clean,
    country_code,
    read_text,
    unique,
)
from prosper.lists.remarks import parse_remarks
from prosper.model import Address, Alias, Entity, EntityType, Identifier

PRIMARY_COLUMNS = 12
ADD_COLUMNS = 6
ALT_COLUMNS = 5
COMMENT_COLUMNS = 2
# OFAC cuts Remarks at 1,000 characters and carries the rest in sdn_comments.csv
REMARKS_WIDTH = 1000

_TYPES = {
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}

# Which non-SDN list an entry of the consolidated (cons_*) files belongs to, by program.
# Example: "UKRAINE-EO13662" is the Sectoral Sanctions Identifications list (SSI).
_CONS_LIST_BY_PROGRAM = (
    ("NS-PLC", "PLC"),
    ("UKRAINE-EO13662", "SSI"),
    ("CMIC-EO13959", "CMIC"),
    ("561-RELATED", "CAP"),
    ("FSE-", "FSE"),
)


@dataclass(frozen=True, slots=True)
class OfacFiles:
    """The files of one OFAC legacy CSV set; only ``primary`` is required."""

    primary: Path
    add: Path | None = None
    alt: Path | None = None
    comments: Path | None = None


def cons_list_code(programs: tuple[str, ...]) -> str:
    """The non-SDN list of a consolidated-list entry from its programs.

    >>> cons_list_code(("UKRAINE-EO13662", "RUSSIA-EO14024"))
    'SSI'
    >>> cons_list_code(("RUSSIA-EO14024",))
    'NS-MBS'
    """
    upper = [p.upper() for p in programs]
    for prefix, code in _CONS_LIST_BY_PROGRAM:
        if any(p.startswith(prefix) for p in upper):
            return code
    return "NS-MBS"


def aux_rows(path: Path, width: int, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Rows of ``path`` with ``width`` columns; others are reported. Rejects bad files whole."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    good: list[tuple[int, list[str]]] = []
    bad = 0
    try:
        for row in reader:
            if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
                continue
            if len(row) != width:
                bad += 1
                problems.append(
                    Problem(path.name, reader.line_num, f"{len(row)} columns, expected {width}")
                )
                continue
            good.append((reader.line_num, row))
    except csv.Error as exc:
        raise ListDataError(f"{path.name}: line {reader.line_num}: not CSV ({exc})") from None
    if not good or bad > len(good):
        raise ListDataError(
            f"{path.name}: not an OFAC legacy CSV file ({bad} of {bad + len(good)} rows "
            f"do not have {width} columns)"
        )
    return iter(good)


def ent_num(path: Path, line: int, raw: str, problems: list[Problem]) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        problems.append(Problem(path.name, line, f"ent_num {raw.strip()!r} is not a number"))
        return None


def read_ofac(files: OfacFiles, *, source: str, consolidated: bool = False) -> ReadResult:
    """Read an OFAC legacy CSV set into entities ``<source>:<ent_num>``.

    Args:
        files: the primary file and the optional aux files.
        source: source id, e.g. ``us_ofac_sdn`` or ``us_ofac_cons``.
        consolidated: True for the non-SDN ``cons_*`` files; their ``list_code`` comes from the
            programs (SSI, PLC, CMIC, NS-MBS …) instead of ``SDN``.

    Returns:
        The entities and the problems of skipped rows.

    Raises:
        ListDataError: a file is missing, empty, or not in the legacy CSV format.
    """
    problems: list[Problem] = []
    primary: dict[int, tuple[int, list[str]]] = {}
    for line, row in aux_rows(files.primary, PRIMARY_COLUMNS, problems):
        num = ent_num(files.primary, line, row[0], problems)
        if num is None:
            continue
        if clean(row[1]) is None:
            problems.append(Problem(files.primary.name, line, "empty name"))
            continue
        if num in primary:
            problems.append(Problem(files.primary.name, line, f"duplicate ent_num {num}"))
            continue
        primary[num] = (line, row)

    addresses: dict[int, list[Address]] = defaultdict(list)
    if files.add is not None:
        for line, row in aux_rows(files.add, ADD_COLUMNS, problems):
            num = ent_num(files.add, line, row[0], problems)
            if num is None or num not in primary:
                continue
            country = clean(row[4])
            parts = unique(clean(v) for v in (row[2], row[3], country))
            if parts:
                addresses[num].append(Address(", ".join(parts), country_code(country)))

    aliases: dict[int, list[Alias]] = defaultdict(list)
    if files.alt is not None:
        for line, row in aux_rows(files.alt, ALT_COLUMNS, problems):
            num = ent_num(files.alt, line, row[0], problems)
            if num is None or num not in primary:
                continue
            name = clean(row[3])
            if name is None:
                problems.append(Problem(files.alt.name, line, "empty alias name"))
                continue
            kind = (clean(row[2]) or "aka").lower()
            aliases[num].append(Alias(name=name, strong=True, kind=kind))

    overflow: dict[int, str] = {}
    if files.comments is not None:
        for line, row in aux_rows(files.comments, COMMENT_COLUMNS, problems):
            num = ent_num(files.comments, line, row[0], problems)
            if num is not None and num in primary and row[1] not in ("", "-0- "):
                overflow[num] = overflow.get(num, "") + row[1]

    entities = [
        build_entity(
            num, row, addresses[num], aliases[num], overflow.get(num), source, consolidated
        )
        for num, (_line, row) in primary.items()
    ]
    return ReadResult(tuple(entities), tuple(problems))


def build_entity(
    num: int,
    row: list[str],
    addresses: list[Address],
    alt_aliases: list[Alias],
    overflow: str | None,
    source: str,
    consolidated: bool,
) -> Entity:
    remarks = clean(row[11])
    if remarks is not None and overflow is not None and len(row[11].rstrip()) >= REMARKS_WIDTH:
        remarks = " ".join((row[11] + overflow).split())
    parsed = parse_remarks(remarks)
    programs = unique(p.strip() for p in (clean(row[3]) or "").split("] ["))
    name = clean(row[1]) or ""

    # aliases: alt.csv gives every alias; the Remarks mark weak ones as a.k.a. 'X'
    weak = {a.name.upper() for a in parsed.aliases if not a.strong}
    merged: dict[str, Alias] = {}
    for alias in (*alt_aliases, *parsed.aliases):
        key = alias.name.upper()
        if key == name.upper():
            continue
        strong = alias.strong and key not in weak
        if key not in merged:
            merged[key] = Alias(alias.name, strong, alias.kind)
    identifiers = list(parsed.identifiers)
    call_sign = clean(row[5])
    if call_sign is not None:
        identifiers.append(Identifier("Call Sign", call_sign))
    flag = clean(row[9])
    countries = unique(
        (*parsed.countries, *(a.country for a in addresses), country_code(flag) if flag else None)
    )
    sdn_type = (clean(row[2]) or "").lower()
    return Entity(
        id=f"{source}:{num}",
        source=source,
        list_code=cons_list_code(programs) if consolidated else "SDN",
        type=_TYPES.get(sdn_type, EntityType.ORGANIZATION),
        name=name,
        aliases=tuple(merged.values()),
        countries=countries,
        dates_of_birth=unique(parsed.dates_of_birth),
        places_of_birth=unique(parsed.places_of_birth),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=programs,
        addresses=tuple(dict.fromkeys(addresses)),
        gender=parsed.gender,
        title=clean(row[4]),
        remarks=remarks,
        linked_to=unique(parsed.linked_to),
    )
