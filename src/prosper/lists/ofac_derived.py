"""Reader for a third party's rendering of the OFAC SDN list (``ofac-sdn.json`` or
``ofac-sdn.csv`` with its ``metadata.json``), joined with the official aux files
(``add.csv``, ``alt.csv``, ``sdn_comments.csv``) of a nearby publication by ``ent_num``.

The result is labelled ``derived``: it names what the rendering lacks (:data:`DERIVED_LACKS`),
and entries designated after the aux files' publication carry :data:`NO_AUX_REMARK`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prosper.errors import ListDataError
from prosper.lists.common import (
    DERIVED,
    Facts,
    Problem,
    ReadResult,
    clean,
    country_code,
    read_text,
    unique,
)
from prosper.lists.ofac import (
    ADD_COLUMNS,
    ALT_COLUMNS,
    COMMENT_COLUMNS,
    PRIMARY_COLUMNS,
    aux_rows,
    build_entity,
    ent_num,
)
from prosper.model import Address, Alias, Entity

# the remark of an entry the aux files do not cover (designated after their publication)
NO_AUX_REMARK = (
    "Not in the OFAC aux files joined to this rendering (designated after their publication): "
    "no addresses, alias kinds or remark fragments"
)
DERIVED_LACKS = (
    "Remarks (dates and places of birth, nationalities, IDs, weak-alias marks, Linked To)",
    "Title",
    "Call_Sign",
    "vessel fields",
)


@dataclass(frozen=True, slots=True)
class DerivedSdnFiles:
    """A third party's SDN rendering (``ofac-sdn.json`` or ``ofac-sdn.csv``, with the
    rendering's ``metadata.json``) and the official aux files of a nearby publication."""

    primary: Path
    metadata: Path | None = None
    add: Path | None = None
    alt: Path | None = None
    comments: Path | None = None


def _derived_entries(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], str | None]:
    """``(line or index, {uid, name, type, programs, aliases})`` rows and the stated
    publication date of a derived SDN file (JSON: ``published``; CSV: none)."""
    if path.name.lower().removesuffix(".gz").endswith(".json"):
        from prosper.lists.csl_json import load_json

        doc = load_json(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
            raise ListDataError(f"{path.name}: not an SDN rendering (no entries)")
        rows: list[tuple[int, dict[str, Any]]] = []
        for i, item in enumerate(doc["entries"], 1):
            if not isinstance(item, dict):
                rows.append((i, {}))
                continue
            rows.append(
                (
                    i,
                    {
                        "uid": item.get("uid"),
                        "name": item.get("name"),
                        "type": item.get("type"),
                        "programs": item.get("programs") or [],
                        "aliases": item.get("alternateNames") or [],
                    },
                )
            )
        published = doc.get("published")
        return rows, str(published)[:10] if published else None
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    needed = {"uid", "name", "type", "programs", "alternate_names"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise ListDataError(
            f"{path.name}: not an SDN rendering (header needs {', '.join(sorted(needed))})"
        )
    rows = []
    try:
        for item in reader:
            rows.append(
                (
                    reader.line_num,
                    {
                        "uid": item["uid"],
                        "name": item["name"],
                        "type": item["type"],
                        "programs": [p.strip() for p in (item["programs"] or "").split(";")],
                        "aliases": [a.strip() for a in (item["alternate_names"] or "").split(";")],
                    },
                )
            )
    except csv.Error as exc:
        raise ListDataError(f"{path.name}: line {reader.line_num}: not CSV ({exc})") from None
    return rows, None


def _metadata_date(path: Path | None) -> str | None:
    if path is None:
        return None
    from prosper.lists.csl_json import load_json

    doc = load_json(path)
    published = doc.get("published") if isinstance(doc, dict) else None
    return str(published)[:10] if published else None


def read_ofac_derived(
    files: DerivedSdnFiles, *, source: str = "us_ofac_sdn"
) -> tuple[ReadResult, Facts]:
    """Read a derived SDN rendering joined by uid (= ``ent_num``) with official aux files.

    The rendering gives names, types, programs and aliases; ``add.csv`` gives addresses,
    ``alt.csv`` the alias kinds (aka/fka/nka) and ``sdn_comments.csv`` remark fragments, for
    the entries the aux files know. Entries designated after the aux files' publication have
    no row there: the facts' notes count and name them.

    Raises:
        ListDataError: a file is malformed as a whole.
    """
    problems: list[Problem] = []
    rows, published = _derived_entries(files.primary)
    if published is None:
        published = _metadata_date(files.metadata)
    primary: dict[int, list[str]] = {}
    derived_aliases: dict[int, list[str]] = {}
    bad = 0
    for line, item in rows:
        try:
            num = int(str(item.get("uid")).strip())
        except ValueError:
            bad += 1
            problems.append(Problem(files.primary.name, line, f"uid {item.get('uid')!r}"))
            continue
        name = clean(str(item.get("name") or ""))
        if name is None:
            bad += 1
            problems.append(Problem(files.primary.name, line, "empty name"))
            continue
        if num in primary:
            problems.append(Problem(files.primary.name, line, f"duplicate uid {num}"))
            continue
        kind = str(item.get("type") or "").strip().lower()
        programs = "] [".join(str(p).strip() for p in item["programs"] if str(p).strip())
        row = [str(num), name, "-0- " if kind in ("", "entity") else kind, programs or "-0- "]
        primary[num] = row + ["-0- "] * (PRIMARY_COLUMNS - len(row))
        derived_aliases[num] = [str(a) for a in item["aliases"] if str(a).strip()]
    if not primary or bad > len(primary):
        raise ListDataError(f"{files.primary.name}: {bad} of {len(rows)} entries are malformed")

    addresses: dict[int, list[Address]] = defaultdict(list)
    known: set[int] = set()
    if files.add is not None:
        for line, row in aux_rows(files.add, ADD_COLUMNS, problems):
            aux = ent_num(files.add, line, row[0], problems)
            if aux is None:
                continue
            known.add(aux)
            if aux not in primary:
                continue
            country = clean(row[4])
            parts = unique(clean(v) for v in (row[2], row[3], country))
            if parts:
                addresses[aux].append(Address(", ".join(parts), country_code(country)))
    kinds: dict[tuple[int, str], str] = {}
    if files.alt is not None:
        for line, row in aux_rows(files.alt, ALT_COLUMNS, problems):
            aux = ent_num(files.alt, line, row[0], problems)
            alias = clean(row[3])
            if aux is not None and alias is not None:
                kinds[(aux, alias.upper())] = (clean(row[2]) or "aka").lower()
    overflow: dict[int, str] = {}
    if files.comments is not None:
        for line, row in aux_rows(files.comments, COMMENT_COLUMNS, problems):
            aux = ent_num(files.comments, line, row[0], problems)
            if aux is not None and aux in primary and row[1] not in ("", "-0- "):
                overflow[aux] = overflow.get(aux, "") + row[1]

    uncovered = NO_AUX_REMARK if files.add is not None else None
    entities: list[Entity] = []
    for num, row in primary.items():
        if num in overflow:  # a fragment of the Remarks the rendering dropped
            row = [*row[:11], "… " + overflow[num]]
        aliases = [
            Alias(a, True, kinds.get((num, " ".join(a.split()).upper()), "aka"))
            for a in derived_aliases[num]
        ]
        entity = build_entity(num, row, addresses[num], aliases, None, source, False)
        if uncovered is not None and num not in known:
            entity = replace(entity, remarks=uncovered)
        entities.append(entity)
    notes: list[str] = []
    if files.add is not None:
        missing = sorted(n for n in primary if n not in known)
        gone = len(known - set(primary))
        if missing:
            cap = 500
            shown = ", ".join(str(n) for n in missing[:cap]) + (" …" if len(missing) > cap else "")
            notes.append(
                f"{len(missing)} entries are not in the aux files (designated after them): "
                f"no addresses, alias kinds or remark fragments for uids {shown}"
            )
        if gone:
            notes.append(f"{gone} aux-file entries are no longer listed (ignored)")
    lacks = DERIVED_LACKS if files.add is not None else (*DERIVED_LACKS, "addresses")
    facts = Facts(
        published,
        "published field of the rendering" if published else "unknown",
        DERIVED,
        lacks,
        tuple(notes),
    )
    return ReadResult(tuple(entities), tuple(problems)), facts
