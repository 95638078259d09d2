"""The entity type of a list name that comes without one (the DPL, some CSL rows, own lists).

A name is an organisation's when it has a single word (a brand), a trade word of
:data:`_ORG_WORDS` or a legal form that rigour's org-type table knows; otherwise a person's.
"""

from __future__ import annotations

import re

from prosper.model import EntityType

# Words that mark a name as an organisation's when a list does not say (the DPL has no type
# column). Legal forms (LTD, LLC, GMBH …) come from rigour's org-type table; these are the
# trade words the DPL's company names use, e.g. "BELAVIA BELARUSIAN AIRLINES".
_ORG_WORDS = frozenset(
    [
        "academy",
        "aerospace",
        "ag",
        "agency",
        "air",
        "aircraft",
        "airline",
        "airlines",
        "airways",
        "army",
        "associates",
        "aviation",
        "bank",
        "brigade",
        "bureau",
        "bv",
        "center",
        "centre",
        "cjsc",
        "co",
        "college",
        "com",
        "commercial",
        "commercio",
        "committee",
        "communications",
        "company",
        "computers",
        "construction",
        "consulting",
        "corp",
        "corporation",
        "corps",
        "council",
        "department",
        "development",
        "drones",
        "electronic",
        "electronics",
        "energy",
        "engineering",
        "enterprise",
        "enterprises",
        "equipment",
        "establishment",
        "export",
        "exporters",
        "exports",
        "factory",
        "federal",
        "firm",
        "force",
        "forces",
        "foundation",
        "freight",
        "front",
        "fzc",
        "fzco",
        "fze",
        "gas",
        "gmbh",
        "government",
        "group",
        "guard",
        "hardware",
        "holding",
        "holdings",
        "hospital",
        "import",
        "importers",
        "imports",
        "industrial",
        "industries",
        "industry",
        "institute",
        "institution",
        "instruments",
        "international",
        "jsc",
        "lab",
        "laboratories",
        "laboratory",
        "labs",
        "llp",
        "logistics",
        "ltda",
        "machinery",
        "manufacturing",
        "maritime",
        "media",
        "metals",
        "military",
        "ministry",
        "movement",
        "navy",
        "net",
        "network",
        "nv",
        "oao",
        "oil",
        "ojsc",
        "ooo",
        "optics",
        "organisation",
        "organization",
        "pao",
        "partners",
        "party",
        "petroleum",
        "photonics",
        "plant",
        "plc",
        "police",
        "power",
        "precision",
        "pte",
        "pvt",
        "research",
        "sa",
        "school",
        "security",
        "service",
        "services",
        "shipping",
        "shop",
        "solutions",
        "sons",
        "spa",
        "srl",
        "supply",
        "systems",
        "tech",
        "technik",
        "technologies",
        "technology",
        "telecom",
        "trade",
        "trading",
        "transport",
        "university",
        "vertriebs",
        "works",
        "zao",
    ]
)
# rigour reads a generational suffix ("KIM SONG II") as an org type; these are not
_NOT_ORG_TYPES = frozenset({"ii", "iii", "iv", "jr", "sr"})


def guess_entity_type(name: str) -> EntityType:
    """PERSON or ORGANIZATION for a list name that comes without a type.

    >>> guess_entity_type("AARON ABRAHAM VILLA")
    <EntityType.PERSON: 'person'>
    >>> guess_entity_type("BELAVIA BELARUSIAN AIRLINES")
    <EntityType.ORGANIZATION: 'organization'>
    """
    from rigour.names import extract_org_types

    tokens = re.findall(r"[a-z0-9]+", name.lower())
    # a person on a list has at least two names; one-word names are brands ("Narinco")
    if len(tokens) < 2 or set(tokens) & _ORG_WORDS:
        return EntityType.ORGANIZATION
    for _, form in extract_org_types(name):
        if form.lower() not in _NOT_ORG_TYPES:
            return EntityType.ORGANIZATION
    return EntityType.PERSON
