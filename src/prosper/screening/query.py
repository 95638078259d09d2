"""What to screen: the query and the normalisation of its qualifiers (gender, identifiers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prosper.model import EntityType, Identifier

_ID_CHARS = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True, slots=True)
class Query:
    """What to screen: a name and optional qualifiers.

    Attributes:
        name: The name, any script.
        type: What the party is, when known.
        countries: ISO alpha-2 codes of the party's countries (nationality, location).
        dob: Date of birth, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        identifiers: Typed document numbers (:class:`~prosper.model.Identifier`: ``passport``,
            ``national_id``, ``tax_id``, ``registration``, ``lei``, ``imo``, ``swift`` … with an
            optional issuing country), or ``TYPE:VALUE[:CC]`` text (:func:`parse_identifier`).
            An identifier only lifts a name that already matches; it never creates a match.
        sources: Only screen these sources (``us_ofac_sdn``, ``un_sc`` …); all when empty.
        gender: ``male`` or ``female`` for a person, when known; compared with the gender
            the UN list and OFAC Remarks give (a mismatch lowers the score).
    """

    name: str
    type: EntityType | None = None
    countries: tuple[str, ...] = ()
    dob: str | None = None
    identifiers: tuple[Identifier | str, ...] = ()
    sources: tuple[str, ...] = ()
    gender: str | None = None


GENDERS = ("male", "female")
_GENDER_ALIASES = {"m": "male", "f": "female", "man": "male", "woman": "female"}


def normalize_gender(value: str | None) -> str | None:
    """``male`` / ``female`` (also ``M``/``F``, any case), None when empty or unknown.

    >>> normalize_gender("F"), normalize_gender("Male"), normalize_gender("")
    ('female', 'male', None)
    """
    if value is None:
        return None
    text = value.strip().lower()
    text = _GENDER_ALIASES.get(text, text)
    return text if text in GENDERS else None


def normalize_identifier(value: str) -> str:
    """Upper-case letters and digits only: ``"PD 0123-45"`` → ``"PD012345"``."""
    return _ID_CHARS.sub("", value.upper())


# --------------------------------------------------------------------------- typed identifiers

ID_TYPES = (
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "lei",
    "imo",
    "swift",
    "call_sign",
    "crypto",
    "phone",
    "other",
)
# A list's own reference numbers (UN ``KPi.033``, EU ``EU.123.45``) identify the listing, not
# the party: a customer never holds one, so they are never compared with a query's numbers.
LIST_REFERENCE = "list_reference"
# Types that may carry the same number: many countries number a person's national ID and tax
# file alike (Italian codice fiscale, Korean RRN), and a company's registration is its tax
# number in others (Russian INN/OGRN usage); ``other`` (a list's generic "Identification
# Number") may be any document of a person or company. Everything else agrees only with itself.
_COMPATIBLE: dict[str, frozenset[str]] = {
    "national_id": frozenset({"tax_id", "other"}),
    "tax_id": frozenset({"national_id", "registration", "other"}),
    "registration": frozenset({"tax_id", "other"}),
    "passport": frozenset({"other"}),
    "other": frozenset({"passport", "national_id", "tax_id", "registration"}),
}
# How list publishers word the types (lower case, first match wins).
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("reference number", LIST_REFERENCE),
    ("digital currency", "crypto"),
    ("passport", "passport"),
    ("passeport", "passport"),
    ("pasaporte", "passport"),
    ("imo", "imo"),
    ("swift", "swift"),
    ("bic", "swift"),
    ("legal entity", "lei"),
    ("lei", "lei"),
    ("call sign", "call_sign"),
    ("phone", "phone"),
    ("tax", "tax_id"),
    ("fiscal", "tax_id"),
    ("inn", "tax_id"),
    ("registration", "registration"),
    ("company number", "registration"),
    ("ogrn", "registration"),
    ("national", "national_id"),
    ("identity", "national_id"),
    ("ssn", "national_id"),
    ("social security", "national_id"),
)
_ALIASES = {
    "id": "national_id",
    "nid": "national_id",
    "national": "national_id",
    "tin": "tax_id",
    "tax": "tax_id",
    "vat": "tax_id",
    "reg": "registration",
    "company": "registration",
    "bic": "swift",
    "imo_number": "imo",
}


def canonical_id_type(raw: str) -> str:
    """One of :data:`ID_TYPES` (or :data:`LIST_REFERENCE`) for a type as a list or a user
    words it.

    >>> canonical_id_type("Passport (diplomatic passport)"), canonical_id_type("Tax ID No.")
    ('passport', 'tax_id')
    >>> canonical_id_type("UN Reference Number"), canonical_id_type("IMO Number")
    ('list_reference', 'imo')
    """
    text = raw.strip().lower().replace("-", "_")
    if text in ID_TYPES:
        return text
    if text in _ALIASES:
        return _ALIASES[text]
    words = text.replace("_", " ")
    padded = f" {re.sub(r'[^a-z]+', ' ', words)} "
    for needle, kind in _TYPE_WORDS:
        if (f" {needle} " in padded) if len(needle) <= 4 else (needle in words):
            return kind
    return "other"


def parse_identifier(text: str) -> Identifier:
    """``TYPE:VALUE[:CC]`` → a typed :class:`~prosper.model.Identifier` (type one of
    :data:`ID_TYPES`, ``CC`` an ISO alpha-2 issuing country). A bare value is ``other``.

    Raises:
        ValueError: an unknown type or an empty value.

    >>> parse_identifier("passport:PD 123456:kp")
    Identifier(type='passport', value='PD 123456', country='KP')
    """
    parts = [p.strip() for p in text.split(":")]
    if len(parts) == 1:
        kind, value, country = "other", parts[0], None
    elif len(parts) in (2, 3):
        kind = parts[0].lower().replace("-", "_")
        kind = _ALIASES.get(kind, kind)
        value = parts[1]
        country = parts[2].upper() if len(parts) == 3 and parts[2] else None
        if kind not in ID_TYPES:
            raise ValueError(f"unknown identifier type {parts[0]!r} (one of {', '.join(ID_TYPES)})")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"not an ISO alpha-2 country code: {parts[2]!r}")
    else:
        raise ValueError(f"expected TYPE:VALUE[:CC], got {text!r}")
    if not normalize_identifier(value):
        raise ValueError(f"empty identifier value in {text!r}")
    return Identifier(kind, value, country)


def query_identifiers(query: Query) -> tuple[Identifier, ...]:
    """The query's identifiers, typed (text parsed with :func:`parse_identifier`; unparsable
    text is kept as an ``other`` number)."""
    out: list[Identifier] = []
    for ident in query.identifiers:
        if isinstance(ident, Identifier):
            out.append(Identifier(canonical_id_type(ident.type), ident.value, ident.country))
            continue
        try:
            out.append(parse_identifier(ident))
        except ValueError:
            out.append(Identifier("other", ident, None))
    return tuple(out)


def types_compatible(a: str, b: str) -> bool:
    """Can identifiers of canonical types ``a`` and ``b`` carry the same number?"""
    if LIST_REFERENCE in (a, b):
        return False
    return a == b or b in _COMPATIBLE.get(a, frozenset())


def identifier_agrees(mine: Identifier, listed: Identifier) -> bool:
    """The same document: compatible type, same number (letters and digits, any case) and,
    where both give an issuing country, the same country. ``mine`` is canonical already.

    >>> listed = Identifier("Passport", "pd123456", "KP")
    >>> identifier_agrees(Identifier("passport", "PD-123456"), listed)
    True
    >>> identifier_agrees(Identifier("imo", "9123456"), Identifier("Passport", "9123456"))
    False
    """
    if not types_compatible(mine.type, canonical_id_type(listed.type)):
        return False
    value = normalize_identifier(mine.value)
    if len(value) < 4 or value != normalize_identifier(listed.value):
        return False
    both = bool(mine.country and listed.country)
    return not both or (mine.country or "").upper() == (listed.country or "").upper()
