"""Parse the free-text ``Remarks`` field of OFAC's legacy CSV files.

OFAC packs most facts about an entry into one semicolon-separated string, e.g.::

    DOB 18 Jun 1964; POB Kaesong, DPRK; Passport 381420754 issued 07 Dec 2011
    expires 07 Dec 2016; a.k.a. 'KOMID'; Linked To: NATIONAL DEFENSE COMMISSION.

Each clause is classified by its leading words (an ``alt.`` prefix only says "another
value of the same kind"). Clauses nothing here recognises stay in the entity's ``remarks``
text, which always holds the full original string. OFAC publishes no grammar for this
field (``dat_spec.txt`` calls it free text), so this parser is written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prosper.lists.common import countries_in, country_code
from prosper.model import Alias, Identifier

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}

# "Passport 381420754 (Korea, North) issued 07 Dec 2011 expires 07 Dec 2016"
# "Tax ID No. 7744001497 (Russia)", "Vessel Registration Identification IMO 7406784",
# "Digital Currency Address - XBT 1Kuf2...", "Unified Social Credit Code (USCC) 9113... (China)"
_ID_TYPE = re.compile(
    r"^(?P<type>(?=[A-Z0-9])(?:[\w.'/&()-]*\s)*"
    r"(?:No\.|Number \(also called L/N or S/N or F/N\)|Number(?: \([A-Z]+\))?|#|ID"
    r"|Code \(USCC\)|Identification IMO|IMO|SWIFT/BIC|MMSI"
    r"|Passport|Email Address|Website|Digital Currency Address - [A-Za-z0-9]+|Call Sign"
    r"|Matricula Mercantil No|License|BIK \(RU\)|D\.N\.I\.|Telephone|Fax"
    r"))"
    r"\s+(?P<rest>\S.*)$"
)
_ID_TAIL = re.compile(r"\s+(?:issued|expires)\b.*$")
_ID_COUNTRY = re.compile(r"\s*\((?P<country>[^()]+)\)\s*$")
_ALIAS = re.compile(r"^(?P<kind>[afn])\.k\.a\.,?\s+(?P<name>.+)$")


@dataclass(slots=True)
class ParsedRemarks:
    """The facts recovered from one Remarks string."""

    dates_of_birth: list[str] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    gender: str | None = None


def normalise_date(text: str) -> list[str]:
    """OFAC date text as ISO dates, partial where the list is partial.

    >>> normalise_date("10 Dec 1948")
    ['1948-12-10']
    >>> normalise_date("circa 1947")
    ['1947']
    >>> normalise_date("1960 to 1962")
    ['1960', '1961', '1962']
    """
    value = text.strip().rstrip(".")
    value = re.sub(r"^(?:circa|approximately|about)\s+", "", value, flags=re.IGNORECASE)
    span = re.fullmatch(r"(\d{4})\s*(?:to|-)\s*(\d{4})", value)
    if span:
        start, end = int(span.group(1)), int(span.group(2))
        if 0 <= end - start <= 15:
            return [str(year) for year in range(start, end + 1)]
    parts = value.split()
    try:
        if len(parts) == 3 and parts[1][:3].lower() in _MONTHS:
            day, month, year = int(parts[0]), _MONTHS[parts[1][:3].lower()], int(parts[2])
            return [f"{year:04d}-{month:02d}-{day:02d}"]
        if len(parts) == 2 and parts[0][:3].lower() in _MONTHS:
            return [f"{int(parts[1]):04d}-{_MONTHS[parts[0][:3].lower()]:02d}"]
        if len(parts) == 1 and re.fullmatch(r"\d{4}", parts[0]):
            return [parts[0]]
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
        if iso:
            return [value]
    except ValueError:
        pass
    return [text.strip()] if text.strip() else []


def split_clauses(remarks: str) -> list[str]:
    """The ``; ``-separated clauses of a Remarks string without the final full stop."""
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    return [c.strip() for c in text.split(";") if c.strip()]


def _parse_alias(kind: str, name: str) -> Alias | None:
    name = name.strip().rstrip(".").strip()
    strong = True
    if len(name) >= 2 and name[0] == "'" and name[-1] == "'":
        name, strong = name[1:-1].strip(), False
    elif name.startswith("'"):
        name, strong = name.strip("'").strip(), False
    if not name:
        return None
    return Alias(name=name, strong=strong, kind=f"{kind}ka")


def parse_identifier(clause: str) -> Identifier | None:
    """An identifier clause as :class:`Identifier`, or None when the clause is not one.

    >>> parse_identifier("Passport 645110057 (Korea, North) expires 08 Jul 2020")
    Identifier(type='Passport', value='645110057', country='KP')
    """
    match = _ID_TYPE.match(clause)
    if match is None:
        return None
    id_type, rest = match.group("type"), match.group("rest")
    rest = _ID_TAIL.sub("", rest)
    country = None
    tail = _ID_COUNTRY.search(rest)
    if tail is not None:
        maybe = country_code(tail.group("country"))
        if maybe is not None:
            country = maybe
            rest = rest[: tail.start()]
    value = rest.strip().rstrip(",")
    if not value:
        return None
    return Identifier(type=id_type, value=value, country=country)


def parse_remarks(remarks: str | None) -> ParsedRemarks:
    """Split an OFAC Remarks string into DOBs, POBs, countries, identifiers, aliases, links."""
    parsed = ParsedRemarks()
    if remarks is None:
        return parsed
    for clause in split_clauses(remarks):
        body = clause[5:].strip() if clause.startswith("alt. ") else clause
        alias = _ALIAS.match(body)
        if alias is not None:
            found = _parse_alias(alias.group("kind"), alias.group("name"))
            if found is not None:
                parsed.aliases.append(found)
        elif body.startswith("Linked To:"):
            target = body[len("Linked To:") :].strip()
            if target:
                parsed.linked_to.append(target)
        elif body.startswith("DOB "):
            parsed.dates_of_birth.extend(normalise_date(body[4:]))
        elif body.startswith("POB "):
            place = body[4:].strip()
            parsed.places_of_birth.append(place)
            parsed.countries.extend(countries_in(place))
        elif body.startswith(("nationality ", "citizen ", "Nationality of Registration ")):
            code = country_code(body.split(" ", 1)[1] if not body.startswith("Nat") else body[27:])
            if code is not None:
                parsed.countries.append(code)
        elif body.startswith("Gender "):
            parsed.gender = body[7:].strip().lower() or None
        else:
            ident = parse_identifier(body)
            if ident is not None:
                parsed.identifiers.append(ident)
    return parsed
