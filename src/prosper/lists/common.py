"""Shared pieces of the list readers: problems, results, country codes, small text helpers.

Every reader returns a :class:`ReadResult` — the entities it could build and the
:class:`Problem` of each row it had to skip — and raises
:class:`~prosper.errors.ListDataError` when the file as a whole cannot be read (empty, not
the expected format, wrong column count in the header or in most rows).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

from prosper.errors import ListDataError
from prosper.model import Entity


@dataclass(frozen=True, slots=True)
class Problem:
    """A row (or value) a reader skipped or could not fully understand; line 0 is the file."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        if self.line <= 0:  # about the file as a whole
            return f"{self.file}: {self.reason}"
        return f"{self.file}:{self.line}: {self.reason}"


class ReadResult(NamedTuple):
    """What a reader returns: ``entities, problems = read_x(...)``."""

    entities: tuple[Entity, ...]
    problems: tuple[Problem, ...]


OFFICIAL = "official"
DERIVED = "derived"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Facts:
    """What a file says about itself, beside its entities.

    ``published`` is the publication date stated by the data (``YYYY-MM-DD``) or None;
    ``basis`` says where it comes from (e.g. ``dateGenerated``, ``newest DateOfListing``).
    ``status`` is ``official`` (the publisher's own format) or ``derived`` (a third party's
    rendering), and ``lacks`` names the official columns a derived file does not carry.
    ``notes`` are facts about the content worth carrying into the provenance.
    """

    published: str | None
    basis: str
    status: str = OFFICIAL
    lacks: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


GZIP_MAGIC = b"\x1f\x8b"


def plain_name(name: str) -> str:
    """A file name without a trailing ``.gz`` (any list file may come gzip-compressed).

    >>> plain_name("consolidated.csv.gz")
    'consolidated.csv'
    """
    return name[:-3] if name.lower().endswith(".gz") else name


def read_bytes(path: Path) -> bytes:
    """A list file's bytes, gunzipped when the file is gzip-compressed."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListDataError(f"{path}: file not found") from None
    except OSError as exc:
        raise ListDataError(f"{path}: cannot read ({exc.strerror})") from None
    if data[:2] == GZIP_MAGIC:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ListDataError(f"{path.name}: corrupt gzip data ({exc})") from None
    return data


def open_binary(path: Path) -> BinaryIO:
    """The (gunzipped) bytes of a list file as a binary stream."""
    return io.BytesIO(read_bytes(path))


def head_bytes(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` (gunzipped) bytes of a file, for recognising its format; b"" if
    unreadable."""
    try:
        with path.open("rb") as handle:
            start = handle.read(2)
            handle.seek(0)
            if start == GZIP_MAGIC:
                with gzip.open(handle) as inner:
                    return inner.read(size)
            return handle.read(size)
    except (OSError, EOFError, zlib.error):
        return b""


# OFAC / UN / BIS spellings that ISO 3166 (and so pycountry's lookup) does not know.
# Example: OFAC writes "Korea, North" where ISO says "Korea, Democratic People's Republic of".
_COUNTRY_OVERRIDES: dict[str, str | None] = {
    "korea, north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "korea, democratic people's republic of": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "burma": "MM",
    "turkey": "TR",
    "macau": "MO",
    "macao": "MO",
    "laos": "LA",
    "kosovo": "XK",
    "palestinian": "PS",
    "palestinian territories": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "state of palestine": "PS",
    "cote d ivoire": "CI",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "ivory coast": "CI",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "republic of the congo": "CG",
    "iran (islamic republic of)": "IR",
    "syria": "SY",
    "the bahamas": "BS",
    "bahamas, the": "BS",
    "gambia, the": "GM",
    "the gambia": "GM",
    "czechia": "CZ",
    "brunei": "BN",
    "cape verde": "CV",
    "swaziland": "SZ",
    "micronesia, federated states of": "FM",
    "bolivia (plurinational state of)": "BO",
    "venezuela (bolivarian republic of)": "VE",
    "united kingdom of great britain and northern ireland": "GB",
    "uk": "GB",
    "usa": "US",
    "united states of america": "US",
    "region: gaza": "PS",
    "british virgin islands": "VG",
    "virgin islands, british": "VG",
    "netherlands antilles": "AN",
    "soviet union": "SU",
    "yugoslavia": "YU",
    "serbia and montenegro": "CS",
    "czechoslovakia": "CS",
    "vatican city": "VA",
    "holy see": "VA",
    "sint maarten": "SX",
    "curacao": "CW",
    "st. kitts and nevis": "KN",
    "saint kitts and nevis": "KN",
    "st. vincent and the grenadines": "VC",
    "st. lucia": "LC",
    "korea, republic of": "KR",
    "taiwan": "TW",
    "taiwan, province of china": "TW",
    "china, taiwan": "TW",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "china, hong kong": "HK",
    "united republic of tanzania": "TZ",
    "republic of moldova": "MD",
    "lao people's democratic republic": "LA",
    "former yugoslav republic of macedonia": "MK",
    "the former yugoslav republic of macedonia": "MK",
    "macedonia": "MK",
    "north macedonia, the republic of": "MK",
    "man, isle of": "IM",
    "st. kitts & nevis": "KN",
    "china, hong kong special administrative region": "HK",
    "china, macao special administrative region": "MO",
    "northern gaza": "PS",
    "north gaza": "PS",
    "crimea": "UA",
    "northern mali": "ML",
    "unknown": None,
    "undetermined": None,
    "region": None,
}


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO 3166 alpha-2 code of a country name as the lists spell it, or None.

    >>> country_code("Korea, North")
    'KP'
    >>> country_code("Russian Federation")
    'RU'
    """
    if name is None:
        return None
    text = " ".join(name.replace("\u2019", "'").split()).strip(" .,;")
    if not text:
        return None
    key = text.lower()
    if key.startswith("region: "):  # OFAC's "Region: West Bank", "Region: Crimea"
        return country_code(text[8:])
    if key in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[key]
    import pycountry

    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    # historic codes (SU, YU …) and names with a trailing qualifier, e.g. "Iran (Islamic Republic)"
    base = re.sub(r"\s*\(.*?\)\s*", " ", text).strip()
    if base != text:
        return country_code(base)
    return None


def countries_in(text: str | None) -> tuple[str, ...]:
    """Country codes for the last comma-separated part of an address or place, if it is one.

    >>> countries_in("Pyongan-Pukto, North Korea")
    ('KP',)
    """
    if text is None:
        return ()
    whole = country_code(text)
    if whole is not None:
        return (whole,)
    tail = text.rsplit(",", 1)[-1]
    code = country_code(tail)
    if code is None and text.count(",") >= 2:
        # "Korea, North" is itself comma-separated: try the last two parts together
        code = country_code(",".join(text.rsplit(",", 2)[-2:]))
    return () if code is None else (code,)


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Non-empty values in first-seen order without duplicates."""
    seen: dict[str, None] = {}
    for value in values:
        if value is not None and value != "":
            seen.setdefault(value, None)
    return tuple(seen)


def clean(value: str | None) -> str | None:
    """Collapse whitespace; None for empty values and OFAC's null ``-0-``."""
    if value is None:
        return None
    text = " ".join(value.split())
    if text in ("", "-0-"):
        return None
    return text


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_text(path: Path, *, encodings: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")) -> str:
    """A list file's text (gunzipped if need be), trying the encodings in order; rejects
    missing or empty files."""
    data = read_bytes(path)
    # OFAC files end with a DOS end-of-file byte (0x1A) on its own line
    data = data.rstrip(b"\r\n\x1a \t")
    if not data:
        raise ListDataError(f"{path.name}: empty file")
    if b"\x00" in data[:4096]:
        raise ListDataError(f"{path.name}: binary data, not a list file")
    for encoding in encodings:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    raise ListDataError(
        f"{path.name}: cannot decode text"
    )  # pragma: no cover - latin-1 decodes all


def local_name(tag: str) -> str:
    """An XML tag without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1]


def xml_records(
    path: Path, root: str, record: str, what: str
) -> Iterator[tuple[int, ET.Element, dict[str, str]]]:
    """``(line, element, root attributes)`` of each ``record`` element of an XML list file
    whose root element is ``root`` (namespaces ignored), parsed incrementally.

    Raises:
        ListDataError: the file is empty, not XML, or its root is not ``root`` (``what``
            names the expected format in the message).
    """
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    starts: dict[int, int] = {}
    root_attrs: dict[str, str] | None = None
    line_no = 0
    handle = open_binary(path)
    if not handle.read(4096).strip():
        raise ListDataError(f"{path.name}: empty file")
    handle.seek(0)
    try:
        for line_no, line in enumerate(handle, 1):
            parser.feed(line)
            for pair in parser.read_events():
                event, element = cast(tuple[str, ET.Element], pair)
                tag = local_name(element.tag)
                if root_attrs is None:
                    if tag != root:
                        raise ListDataError(f"{path.name}: not {what} (root <{tag}>)")
                    root_attrs = dict(element.attrib)
                if tag != record:
                    continue
                if event == "start":
                    starts[id(element)] = line_no
                    continue
                yield starts.pop(id(element), line_no), element, root_attrs
                element.clear()
        parser.close()
    except ET.ParseError as exc:
        raise ListDataError(f"{path.name}: line {line_no}: not valid XML ({exc})") from None
    if root_attrs is None:
        raise ListDataError(f"{path.name}: empty file")
