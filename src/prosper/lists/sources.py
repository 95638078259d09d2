"""The sources Prosper knows, how to recognise their official files, and how to read them.

| source         | official files                                          | reader            |
|----------------|---------------------------------------------------------|-------------------|
| ``us_ofac_sdn``  | ``sdn.csv`` (+ ``add.csv``, ``alt.csv``, ``sdn_comments.csv``) | :mod:`.ofac` |
| ``us_ofac_cons`` | ``cons_prim.csv`` (+ ``cons_add/alt/comments.csv``)        | :mod:`.ofac`  |
| ``un_sc``        | ``consolidated.xml`` or any ``*.xml``                     | :mod:`.un`    |
| ``us_bis_dpl``   | ``dpl.txt``                                               | :mod:`.dpl`   |
| ``us_csl``       | ``consolidated.csv`` or ``csl.csv``                       | :mod:`.csl`   |

The CSL repeats lists that have a dedicated source here (SDN, the non-SDN lists, DPL); its
rows of those lists are skipped (:data:`CSL_SKIPPED_LISTS`) so that every list comes from
one place only — the CSL source holds the BIS Entity List, MEU, Unverified List, State's ISN
and DTC lists, and whatever else only the CSL carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prosper.errors import InputError
from prosper.lists import csl, dpl, un
from prosper.lists.codec import content_version
from prosper.lists.common import Problem, ReadResult, file_sha256
from prosper.lists.ofac import OfacFiles, read_ofac
from prosper.lists.snapshot import FileInfo, SourceInfo
from prosper.model import Entity

LABELS: dict[str, str] = {
    "us_ofac_sdn": "US OFAC Specially Designated Nationals (SDN) List",
    "us_ofac_cons": "US OFAC Consolidated Sanctions List (non-SDN: SSI, NS-MBS, PLC, CMIC, …)",
    "un_sc": "UN Security Council Consolidated List",
    "us_bis_dpl": "US BIS Denied Persons List",
    "us_csl": "US Consolidated Screening List (Entity List, MEU, UVL, ISN, DTC, …)",
}
SOURCE_ORDER = tuple(LABELS)

# CSL lists that come from a dedicated source instead (OFAC files, the DPL file)
CSL_SKIPPED_LISTS = frozenset({"SDN", "DPL", "SSI", "PLC", "CMIC", "NS-MBS"})

# role of each recognised file name, per source
_OFAC_ROLES = {
    "sdn.csv": ("us_ofac_sdn", "primary"),
    "add.csv": ("us_ofac_sdn", "add"),
    "alt.csv": ("us_ofac_sdn", "alt"),
    "sdn_comments.csv": ("us_ofac_sdn", "comments"),
    "cons_prim.csv": ("us_ofac_cons", "primary"),
    "cons_add.csv": ("us_ofac_cons", "add"),
    "cons_alt.csv": ("us_ofac_cons", "alt"),
    "cons_comments.csv": ("us_ofac_cons", "comments"),
    "dpl.txt": ("us_bis_dpl", "primary"),
    "consolidated.csv": ("us_csl", "primary"),
    "csl.csv": ("us_csl", "primary"),
}


def classify_file(name: str) -> tuple[str, str] | None:
    """``(source, role)`` of an official file name, or None when it is not one.

    >>> classify_file("SDN.CSV")
    ('us_ofac_sdn', 'primary')
    >>> classify_file("UN_consolidated.xml")
    ('un_sc', 'primary')
    """
    lower = name.lower()
    if lower in _OFAC_ROLES:
        return _OFAC_ROLES[lower]
    if lower.endswith(".xml"):
        return ("un_sc", "primary")
    return None


def group_files(paths: Iterable[Path]) -> dict[str, dict[str, Path]]:
    """Group official files by source and role; unknown names are ignored.

    Raises:
        InputError: two files claim the same role, or aux files come without their primary file.
    """
    groups: dict[str, dict[str, Path]] = {}
    for path in paths:
        found = classify_file(path.name)
        if found is None:
            continue
        source, role = found
        roles = groups.setdefault(source, {})
        if role in roles:
            raise InputError(f"two files for {source} {role}: {roles[role]} and {path}")
        roles[role] = path
    for source, roles in groups.items():
        if "primary" not in roles:
            names = ", ".join(sorted(p.name for p in roles.values()))
            raise InputError(
                f"{names}: {source} needs its primary file too (sdn.csv / cons_prim.csv)"
            )
    return groups


@dataclass(frozen=True)
class SourceData:
    """One source read from its official files."""

    info: SourceInfo
    entities: tuple[Entity, ...]
    problems: tuple[Problem, ...]


def read_source(source: str, files: Mapping[str, Path]) -> ReadResult:
    """Read one source's official files with the right reader."""
    primary = files["primary"]
    if source in ("us_ofac_sdn", "us_ofac_cons"):
        return read_ofac(
            OfacFiles(primary, files.get("add"), files.get("alt"), files.get("comments")),
            source=source,
            consolidated=source == "us_ofac_cons",
        )
    if source == "un_sc":
        return un.read_un(primary)
    if source == "us_bis_dpl":
        return dpl.read_dpl(primary)
    if source == "us_csl":
        return csl.read_csl(primary, skip_lists=CSL_SKIPPED_LISTS)
    raise InputError(f"unknown source {source!r}")  # pragma: no cover - classify_file guards


def guess_published(source: str, files: Mapping[str, Path], entities: tuple[Entity, ...]) -> str:
    """The publication date the files themselves state, else the primary file's mtime date.

    UN files carry ``dateGenerated``; the DPL's newest ``Last_Update`` and the CSL's newest
    ``start_date`` date those files; OFAC's legacy CSVs state no date.
    """
    today = date.today().isoformat()
    found: str | None = None
    if source == "un_sc":
        found = un.published_date(files["primary"])
    elif source == "us_bis_dpl":
        found = dpl.latest_update(entities)
    elif source == "us_csl":
        starts = [
            e.policy.start_date
            for e in entities
            if e.policy is not None
            and e.policy.start_date is not None
            and e.policy.start_date <= today
        ]
        found = max(starts) if starts else None
    if found is None:
        found = date.fromtimestamp(files["primary"].stat().st_mtime).isoformat()
    return found


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
        files: the official files by role (``primary``, ``add``, ``alt``, ``comments``).
        origin: ``embedded`` or ``installed``.
        published: the publication date; guessed from the files when None.
        provenance: text per file name saying where the file came from.
    """
    entities, problems = read_source(source, files)
    if published is None:
        published = guess_published(source, files, entities)
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
        label=LABELS[source],
        published=published,
        version=content_version(source, entities),
        entity_count=len(entities),
        name_count=name_count(entities),
        origin=origin,
        files=infos,
    )
    return SourceData(info, entities, problems)
