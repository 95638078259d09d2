"""The sources Prosper knows, how to recognise their files, and how to read them.

| source          | files                                                | reader           |
|-----------------|------------------------------------------------------|------------------|
| ``us_ofac_sdn``   | ``sdn.csv`` + ``add/alt/sdn_comments.csv`` (also       | :mod:`.ofac`     |
|                 | ``ofac_``-prefixed); or a derived ``ofac-sdn.json`` /  |                  |
|                 | ``ofac-sdn.csv`` (+ ``metadata.json``) with those aux  |                  |
| ``us_ofac_cons``  | ``cons_prim.csv`` (+ ``cons_add/alt/comments.csv``)    | :mod:`.ofac`     |
| ``un_sc``         | ``consolidated.xml`` (root ``CONSOLIDATED_LIST``)      | :mod:`.un`       |
| ``us_bis_dpl``    | ``dpl.txt``                                          | :mod:`.dpl`      |
| ``us_csl``        | ``consolidated.csv`` / ``csl.csv``;                    | :mod:`.csl`,     |
|                 | ``consolidated.json``; derived ``screening-list.json`` | :mod:`.csl_json` |
| ``eu_fsf``        | FSF XML (root ``export``); derived ``eu_sanctions.json`` | :mod:`.eu`       |
| ``au_dfat``       | ``Consolidated List.xlsx`` (any ``*.xlsx``)            | :mod:`.dfat`     |
| ``ca_sema``       | ``sema-lmes.xml`` (root ``data-set``)                  | :mod:`.sema`     |
| ``jp_meti_eul``   | derived METI End User List JSON (``jp-eul-`` ids)      | :mod:`.meti`     |

Any file may be gzip-compressed (``name.gz``). XML and JSON files are told apart by their
content where the name does not say (:func:`classify_path`).

The CSL repeats lists that have a dedicated source here (SDN, the non-SDN lists, DPL); its
rows of those lists are skipped (:data:`CSL_SKIPPED_LISTS`) so that every list comes from
one place only — the CSL source holds the BIS Entity List, MEU, Unverified List, State's ISN
and DTC lists, and whatever else only the CSL carries. When the CSL is the newest file
carrying the DPL or the non-SDN lists, ``us_bis_dpl`` / ``us_ofac_cons`` can be built from its
rows of those lists (:data:`CSL_LISTS_OF`, ``build_source(..., files={"primary": csl})``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prosper.errors import InputError
from prosper.lists import csl, dpl, un
from prosper.lists.codec import content_version
from prosper.lists.common import (
    OFFICIAL,
    Facts,
    Problem,
    ReadResult,
    file_sha256,
    head_bytes,
    plain_name,
)
from prosper.lists.csl_json import read_csl_json
from prosper.lists.dfat import read_dfat
from prosper.lists.eu import read_eu_json, read_eu_xml
from prosper.lists.ftm import FTM_PREFIX, read_ftm, source_of_file
from prosper.lists.meti import read_meti
from prosper.lists.ofac import OfacFiles, read_ofac
from prosper.lists.ofac_derived import DerivedSdnFiles, read_ofac_derived
from prosper.lists.sema import read_sema
from prosper.lists.snapshot import UNKNOWN_DATE, FileInfo, SourceInfo
from prosper.model import Entity

LABELS: dict[str, str] = {
    "us_ofac_sdn": "US OFAC Specially Designated Nationals (SDN) List",
    "us_ofac_cons": "US OFAC Consolidated Sanctions List (non-SDN: SSI, NS-MBS, PLC, CMIC, …)",
    "un_sc": "UN Security Council Consolidated List",
    "us_bis_dpl": "US BIS Denied Persons List",
    "us_csl": "US Consolidated Screening List (Entity List, MEU, UVL, ISN, DTC, …)",
    "eu_fsf": "EU Consolidated Financial Sanctions List (FSF)",
    "au_dfat": "Australia DFAT Consolidated List",
    "ca_sema": "Canada Consolidated Autonomous Sanctions List (SEMA)",
    "jp_meti_eul": "Japan METI End User List",
}
SOURCE_ORDER = tuple(LABELS)


def label_of(source: str) -> str:
    """The label of a source: the official list's name, or what a FtM dataset or a custom
    watchlist is (``ftm_<name>``, ``custom_<name>``)."""
    if source in LABELS:
        return LABELS[source]
    if source.startswith(FTM_PREFIX):
        return f"FollowTheMoney dataset {source[len(FTM_PREFIX) :]}"
    if source.startswith("custom_"):
        return f"custom watchlist {source[len('custom_') :]}"
    return source


# CSL lists that come from a dedicated source instead (OFAC files, the DPL file)
CSL_SKIPPED_LISTS = frozenset({"SDN", "DPL", "SSI", "PLC", "CMIC", "NS-MBS"})
# the CSL lists a dedicated source holds, when it is built from the CSL's rows
CSL_LISTS_OF: dict[str, frozenset[str]] = {
    "us_bis_dpl": frozenset({"DPL"}),
    "us_ofac_cons": frozenset({"SSI", "PLC", "CMIC", "NS-MBS"}),
}

# role of each recognised file name (after a trailing .gz), per source
_ROLES = {
    "sdn.csv": ("us_ofac_sdn", "primary"),
    "add.csv": ("us_ofac_sdn", "add"),
    "alt.csv": ("us_ofac_sdn", "alt"),
    "sdn_comments.csv": ("us_ofac_sdn", "comments"),
    "ofac_add.csv": ("us_ofac_sdn", "add"),
    "ofac_alt.csv": ("us_ofac_sdn", "alt"),
    "ofac_sdn_comments.csv": ("us_ofac_sdn", "comments"),
    "ofac-sdn.json": ("us_ofac_sdn", "derived"),
    "ofac-sdn.csv": ("us_ofac_sdn", "derived_csv"),
    "cons_prim.csv": ("us_ofac_cons", "primary"),
    "cons_add.csv": ("us_ofac_cons", "add"),
    "cons_alt.csv": ("us_ofac_cons", "alt"),
    "cons_comments.csv": ("us_ofac_cons", "comments"),
    "dpl.txt": ("us_bis_dpl", "primary"),
    "consolidated.csv": ("us_csl", "primary"),
    "csl.csv": ("us_csl", "primary"),
    "consolidated.json": ("us_csl", "primary"),
    "screening-list.json": ("us_csl", "primary"),
    "eu_sanctions.json": ("eu_fsf", "primary"),
    "sema-lmes.xml": ("ca_sema", "primary"),
}
# what a JSON or XML file's first bytes say it is
_SNIFF: tuple[tuple[re.Pattern[bytes], tuple[str, str]], ...] = (
    (re.compile(rb"<data-set[\s>]"), ("ca_sema", "primary")),
    (re.compile(rb"<(?:\w+:)?export[^>]*fsd/export"), ("eu_fsf", "primary")),
    (re.compile(rb"<CONSOLIDATED_LIST[\s>]"), ("un_sc", "primary")),
    (
        re.compile(rb'"sourceGeneratedAt"|"results"\s*:\s*\[[\s\S]*"alt_names"'),
        ("us_csl", "primary"),
    ),
    (re.compile(rb'"id"\s*:\s*"jp-eul-'), ("jp_meti_eul", "primary")),
    (re.compile(rb'"meta"\s*:\s*\{[^}]*"source"\s*:\s*"eu"'), ("eu_fsf", "primary")),
    (re.compile(rb'"uid"\s*:\s*\d'), ("us_ofac_sdn", "derived")),
    (
        re.compile(rb'"sourceUrl"\s*:\s*"https://sanctionslistservice\.ofac'),
        ("us_ofac_sdn", "metadata"),
    ),
)


def classify_file(name: str, head: bytes | None = None) -> tuple[str, str] | None:
    """``(source, role)`` of a list file from its name (``.gz`` ignored) and, for XML and
    JSON files the name does not settle, its first bytes ``head``; None when unknown.

    >>> classify_file("SDN.CSV")
    ('us_ofac_sdn', 'primary')
    >>> classify_file("UN_consolidated.xml")
    ('un_sc', 'primary')
    >>> classify_file("consolidated.csv.gz")
    ('us_csl', 'primary')
    >>> classify_file("list.xml", b'<?xml version="1.0"?><data-set><record>')
    ('ca_sema', 'primary')
    """
    lower = plain_name(name).lower()
    if lower in _ROLES:
        return _ROLES[lower]
    ftm_source = source_of_file(lower)
    if ftm_source is not None:  # FollowTheMoney entities: a source of their own
        return (ftm_source, "primary")
    if lower.endswith(".xlsx"):
        return ("au_dfat", "primary")
    if lower.endswith((".xml", ".json")):
        if head:
            for pattern, found in _SNIFF:
                if pattern.search(head):
                    return found
            return None
        if lower.endswith(".xml"):
            return ("un_sc", "primary")
    return None


def classify_path(path: Path) -> tuple[str, str] | None:
    """:func:`classify_file` of a file on disk, looking into XML and JSON files."""
    lower = plain_name(path.name).lower()
    head = None
    if lower not in _ROLES and lower.endswith((".xml", ".json")) and path.is_file():
        head = head_bytes(path, 8192)
    return classify_file(path.name, head)


def group_files(paths: Iterable[Path]) -> dict[str, dict[str, Path]]:
    """Group list files by source and role; unknown files are ignored.

    A derived SDN rendering (``ofac-sdn.json``, else ``ofac-sdn.csv``) becomes the primary
    file of ``us_ofac_sdn`` when no official ``sdn.csv`` is given.

    Raises:
        InputError: two files claim the same role, or aux files come without their primary file.
    """
    groups: dict[str, dict[str, Path]] = {}
    for path in paths:
        found = classify_path(path)
        if found is None:
            continue
        source, role = found
        roles = groups.setdefault(source, {})
        if role in roles:
            raise InputError(f"two files for {source} {role}: {roles[role]} and {path}")
        roles[role] = path
    for source, roles in groups.items():
        derived = roles.pop("derived", None)
        derived_csv = roles.pop("derived_csv", None)
        rendering = derived or derived_csv
        if rendering is not None:
            if "primary" in roles:
                raise InputError(
                    f"{roles['primary']} and {rendering}: give either the official sdn.csv or "
                    "a derived SDN rendering, not both"
                )
            roles["primary"] = rendering
        if "primary" not in roles:
            names = ", ".join(sorted(p.name for p in roles.values()))
            raise InputError(
                f"{names}: {source} needs its primary file too (sdn.csv / cons_prim.csv)"
            )
    return groups


@dataclass(frozen=True)
class SourceData:
    """One source read from its files."""

    info: SourceInfo
    entities: tuple[Entity, ...]
    problems: tuple[Problem, ...]


def _is_derived_sdn(path: Path) -> bool:
    return plain_name(path.name).lower() in ("ofac-sdn.json", "ofac-sdn.csv") or (
        classify_path(path) == ("us_ofac_sdn", "derived")
    )


def read_source_facts(source: str, files: Mapping[str, Path]) -> tuple[ReadResult, Facts]:
    """Read one source's files with the right reader: its entities, problems and the facts
    the files state about themselves (publication date, official or derived)."""
    primary = files["primary"]
    if source in CSL_LISTS_OF and classify_path(primary) == ("us_csl", "primary"):
        if not plain_name(primary.name).lower().endswith(".json"):
            raise InputError(f"{primary.name}: {source} is built from a CSL JSON file only")
        return read_csl_json(primary, source=source, only_lists=CSL_LISTS_OF[source])
    if source == "us_ofac_sdn" and _is_derived_sdn(primary):
        return read_ofac_derived(
            DerivedSdnFiles(
                primary,
                files.get("metadata"),
                files.get("add"),
                files.get("alt"),
                files.get("comments"),
            ),
            source=source,
        )
    if source in ("us_ofac_sdn", "us_ofac_cons"):
        result = read_ofac(
            OfacFiles(primary, files.get("add"), files.get("alt"), files.get("comments")),
            source=source,
            consolidated=source == "us_ofac_cons",
        )
        return result, Facts(None, "unknown (OFAC's legacy CSV states no date)", OFFICIAL)
    if source == "un_sc":
        result = un.read_un(primary)
        found = un.published_date(primary)
        return result, Facts(found, "dateGenerated" if found else "unknown", OFFICIAL)
    if source == "us_bis_dpl":
        result = dpl.read_dpl(primary)
        found = dpl.latest_update(result.entities)
        return result, Facts(found, "newest Last_Update" if found else "unknown", OFFICIAL)
    if source == "us_csl":
        if plain_name(primary.name).lower().endswith(".json"):
            return read_csl_json(primary, skip_lists=CSL_SKIPPED_LISTS)
        # the file is dated by all its rows, also those of the lists left out here
        every = csl.read_csl(primary)
        found = _newest_start(every.entities)
        kept = tuple(e for e in every.entities if e.list_code not in CSL_SKIPPED_LISTS)
        result = ReadResult(kept, every.problems)
        return result, Facts(found, "newest start_date" if found else "unknown", OFFICIAL)
    if source == "eu_fsf":
        if plain_name(primary.name).lower().endswith(".json"):
            return read_eu_json(primary)
        return read_eu_xml(primary)
    if source == "au_dfat":
        return read_dfat(primary)
    if source == "ca_sema":
        return read_sema(primary)
    if source == "jp_meti_eul":
        return read_meti(primary)
    if source.startswith(FTM_PREFIX):
        return read_ftm(primary, source=source)
    raise InputError(f"unknown source {source!r}")  # pragma: no cover - classify_file guards


def read_source(source: str, files: Mapping[str, Path]) -> ReadResult:
    """Read one source's files with the right reader (entities and problems only)."""
    return read_source_facts(source, files)[0]


def _newest_start(entities: tuple[Entity, ...]) -> str | None:
    today = date.today().isoformat()
    starts = [
        e.policy.start_date[:10]
        for e in entities
        if e.policy is not None and e.policy.start_date and e.policy.start_date[:10] <= today
    ]
    return max(starts) if starts else None


def guess_published(source: str, files: Mapping[str, Path], entities: tuple[Entity, ...]) -> str:
    """The publication date the files themselves state, or ``unknown`` — never a file's
    modification time.

    UN files carry ``dateGenerated``; the DPL's newest ``Last_Update`` and the CSL's newest
    ``start_date`` date those files; OFAC's legacy CSVs state no date.
    """
    del entities  # the readers date their files themselves
    return read_source_facts(source, files)[1].published or UNKNOWN_DATE


def name_count(entities: Iterable[Entity]) -> int:
    """Number of names (primary names and aliases) of the entities."""
    return sum(1 + len(e.aliases) for e in entities)


def build_source(
    source: str,
    files: Mapping[str, Path],
    *,
    origin: str,
    published: str | None = None,
    provenance: Mapping[str, str] | None = None,
) -> SourceData:
    """Read a source's files and describe it as a :class:`SourceInfo`.

    Args:
        source: the source id.
        files: the files by role (``primary``, ``add``, ``alt``, ``comments``, ``metadata``).
        origin: ``embedded`` or ``installed``.
        published: a publication date to record instead of the one the data states (only for
            callers that know better; the basis then says so). Never a file's mtime.
        provenance: text per file name saying where the file came from.
    """
    (entities, problems), facts = read_source_facts(source, files)
    if published is None:
        date_text = facts.published or UNKNOWN_DATE
        basis = facts.basis if facts.published else "unknown (the data states no date)"
    else:
        date_text, basis = published, "given by the builder"
    infos = tuple(
        FileInfo(
            name=path.name,
            sha256=file_sha256(path),
            size=path.stat().st_size,
            provenance=(provenance or {}).get(path.name, str(path)),
        )
        for path in files.values()
    )
    info = SourceInfo(
        source=source,
        label=label_of(source),
        published=date_text,
        version=content_version(source, entities),
        entity_count=len(entities),
        name_count=name_count(entities),
        origin=origin,
        files=infos,
        status=facts.status,
        lacks=facts.lacks,
        published_basis=basis,
        notes=facts.notes,
    )
    return SourceData(info, entities, problems)
