"""Where ``prosper lists update`` (no ``--from``) downloads each source: the official URLs.

Built in, overridable in settings (``PROSPER_LISTS_MIRROR``: a base URL serving every file under
its name, e.g. an in-house mirror; ``PROSPER_LISTS_URLS``: a JSON file
``{"sdn.csv": "https://…", "dpl.txt": {"url": "https://…", "sha256": "…"}}``).

A file is fetched only if a reader of this installation recognises its name as the source it
belongs to (:func:`prosper.lists.sources.classify_file`); a source without a reader yet is
listed by :func:`plan_official` as skipped, never guessed at.

URLs as published by the list owners (checked against the data-format pages the folder
``SOURCES.md`` of the shared list data cites, and OpenSanctions' crawler configurations):
OFAC's Sanctions List Service exports, trade.gov's CSL, the UN Security Council's consolidated
XML, BIS's Denied Persons List, the EU Financial Sanctions Files XML (its public token), DFAT's
consolidated xlsx and Global Affairs Canada's SEMA XML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prosper.errors import InputError
from prosper.lists.download import Fetch
from prosper.lists.sources import classify_file

_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"


@dataclass(frozen=True)
class OfficialFile:
    """One official file: its source, the name it is saved (and read) under, its URL."""

    source: str
    name: str
    url: str


# In order of preference within a source: the first name a reader recognises is used (the
# CSL's JSON rendering when a JSON reader is installed, else its CSV).
OFFICIAL_FILES: tuple[OfficialFile, ...] = (
    OfficialFile("us_ofac_sdn", "sdn.csv", f"{_OFAC}/SDN.CSV"),
    OfficialFile("us_ofac_sdn", "add.csv", f"{_OFAC}/ADD.CSV"),
    OfficialFile("us_ofac_sdn", "alt.csv", f"{_OFAC}/ALT.CSV"),
    OfficialFile("us_ofac_sdn", "sdn_comments.csv", f"{_OFAC}/SDN_COMMENTS.CSV"),
    OfficialFile("us_ofac_cons", "cons_prim.csv", f"{_OFAC}/CONS_PRIM.CSV"),
    OfficialFile("us_ofac_cons", "cons_add.csv", f"{_OFAC}/CONS_ADD.CSV"),
    OfficialFile("us_ofac_cons", "cons_alt.csv", f"{_OFAC}/CONS_ALT.CSV"),
    OfficialFile("us_ofac_cons", "cons_comments.csv", f"{_OFAC}/CONS_COMMENTS.CSV"),
    OfficialFile(
        "un_sc", "consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
    ),
    OfficialFile("us_bis_dpl", "dpl.txt", "https://www.bis.doc.gov/dpl/dpl.txt"),
    OfficialFile(
        "us_csl",
        "consolidated.json",
        "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json",
    ),
    OfficialFile(
        "us_csl",
        "consolidated.csv",
        "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
    ),
    OfficialFile(
        "eu_fsf",
        "xmlFullSanctionsList_1_1.xml",
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
        "?token=dG9rZW4tMjAxNw",
    ),
    OfficialFile(
        "au_dfat",
        "regulation8_consolidated.xlsx",
        "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",
    ),
    OfficialFile(
        "ca_sema",
        "sema-lmes.xml",
        "https://www.international.gc.ca/world-monde/assets/office_docs/"
        "international_relations-relations_internationales/sanctions/sema-lmes.xml",
    ),
)


# OFAC's CSV exports state no date; the XML rendering of the same publication does, in its
# first lines: <publshInformation><Publish_Date>07/29/2026</Publish_Date><Record_Count>19181
# (sic: OFAC's element name). An update reads that header and uses the date only if the record
# count equals the entities read from the CSVs — the same publication.
DATED_BY: dict[str, tuple[str, str]] = {
    "us_ofac_sdn": ("SDN.XML", f"{_OFAC}/SDN.XML"),
    "us_ofac_cons": ("CONSOLIDATED.XML", f"{_OFAC}/CONSOLIDATED.XML"),
}
_PUBLISH_DATE = re.compile(rb"<Publish_Date>\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*</Publish_Date>")
_RECORD_COUNT = re.compile(rb"<Record_Count>\s*(\d+)\s*</Record_Count>")
# bytes of the XML header read (the header is in the first few hundred)
HEADER_BYTES = 4096


@dataclass(frozen=True)
class Plan:
    """What a no-argument update fetches, and which known sources it cannot read yet."""

    fetches: tuple[tuple[str, Fetch], ...]  # (source, file)
    skipped: tuple[str, ...]
    dated_by: tuple[tuple[str, Fetch], ...] = ()  # (source, the header that dates it)


def publication_header(head: bytes) -> tuple[str, int] | None:
    """``(YYYY-MM-DD, record count)`` from the start of an OFAC XML export, or None.

    >>> publication_header(b"<sdnList><publshInformation><Publish_Date>07/29/2026"
    ...     b"</Publish_Date><Record_Count>19181</Record_Count></publshInformation>")
    ('2026-07-29', 19181)
    """
    when, count = _PUBLISH_DATE.search(head), _RECORD_COUNT.search(head)
    if when is None or count is None:
        return None
    month, day, year = (int(x) for x in when.groups())
    try:
        return date(year, month, day).isoformat(), int(count.group(1))
    except ValueError:
        return None


def read_url_overrides(path: Path | None) -> dict[str, Fetch]:
    """The ``PROSPER_LISTS_URLS`` file: official file name → URL (and optional sha256).

    Raises:
        InputError: the file is missing or not such a JSON object.
    """
    if path is None:
        return {}
    field = "PROSPER_LISTS_URLS"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})", field=field) from None
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc})", field=field) from None
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected an object of file name → URL", field=field)
    out: dict[str, Fetch] = {}
    for name, value in doc.items():
        if isinstance(value, str):
            out[name.lower()] = Fetch(value, name=name)
        elif isinstance(value, dict) and isinstance(value.get("url"), str):
            sha = value.get("sha256")
            out[name.lower()] = Fetch(
                value["url"], name=name, sha256=sha.lower() if isinstance(sha, str) else None
            )
        else:
            raise InputError(f"{path}: {name}: expected a URL or {{url, sha256}}", field=field)
    return out


def _by_content(name: str) -> bool:
    return name.lower().endswith((".xml", ".json"))


def plan_official(mirror: str | None = None, overrides: Mapping[str, Fetch] | None = None) -> Plan:
    """The downloads of a no-argument update, per the readers of this installation."""
    fetches: list[tuple[str, Fetch]] = []
    chosen: dict[str, str] = {}  # source → first recognised primary name (CSL json vs csv)
    known: list[str] = []
    for item in OFFICIAL_FILES:
        if item.source not in known:
            known.append(item.source)
        found = classify_file(item.name)
        # XML and JSON files are told apart by their content once downloaded; by name, a
        # file must at least be one this installation reads
        if found is None or (found[0] != item.source and not _by_content(item.name)):
            continue
        source, role = item.source, found[1]
        if role == "primary":
            if source in chosen:
                continue
            chosen[source] = item.name
        override = (overrides or {}).get(item.name.lower())
        if override is not None:
            fetch = Fetch(override.url, name=item.name, sha256=override.sha256)
        elif mirror:
            fetch = Fetch(f"{mirror.rstrip('/')}/{item.name}", name=item.name)
        else:
            fetch = Fetch(item.url, name=item.name)
        fetches.append((source, fetch))
    skipped = tuple(s for s in known if s not in chosen)
    dated: list[tuple[str, Fetch]] = []
    for source, (name, url) in DATED_BY.items():
        if source not in chosen:
            continue
        override = (overrides or {}).get(name.lower())
        if override is not None:
            dated.append((source, Fetch(override.url, name=name)))
        elif mirror:
            dated.append((source, Fetch(f"{mirror.rstrip('/')}/{name}", name=name)))
        else:
            dated.append((source, Fetch(url, name=name)))
    return Plan(tuple(fetches), skipped, tuple(dated))
