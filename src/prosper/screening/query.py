"""What to screen: the query and the normalisation of its qualifiers (gender, identifiers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prosper.model import EntityType

_ID_CHARS = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True, slots=True)
class Query:
    """What to screen: a name and optional qualifiers.

    Attributes:
        name: The name, any script.
        type: What the party is, when known.
        countries: ISO alpha-2 codes of the party's countries (nationality, location).
        dob: Date of birth, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        identifiers: Passport, registration or other document numbers.
        sources: Only screen these sources (``us_ofac_sdn``, ``un_sc`` …); all when empty.
        gender: ``male`` or ``female`` for a person, when known; compared with the gender
            the UN list and OFAC Remarks give (a mismatch lowers the score).
    """

    name: str
    type: EntityType | None = None
    countries: tuple[str, ...] = ()
    dob: str | None = None
    identifiers: tuple[str, ...] = ()
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
