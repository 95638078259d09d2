"""List entities: one normalised, frozen shape for every official list reader.

An :class:`Entity` is one entry of one list (OFAC, UN, the CSL, the EU, DFAT, SEMA, METI …) with
its aliases, identifiers, addresses and the export-control facts of its row. The types are
re-exported by :mod:`prosper.model`, where the rest of the domain model lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntityType(StrEnum):
    """What a list entry (or a screened party) is."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


# --------------------------------------------------------------------------- list entities


@dataclass(frozen=True, slots=True)
class Alias:
    """Another name of a list entity.

    ``strong`` is False for the weak / low-quality aliases the lists flag (OFAC's
    ``a.k.a. 'X'`` in single quotes, UN alias quality ``Low``); they are screened but can only
    ever produce ``review``. ``kind`` is ``aka``, ``fka``, ``nka`` or ``original_script``.
    """

    name: str
    strong: bool = True
    kind: str = "aka"


@dataclass(frozen=True, slots=True)
class Identifier:
    """A document or registration number (passport, national ID, IMO number, tax ID …)."""

    type: str
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as the list gives it; ``country`` is ISO alpha-2 when known."""

    text: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ListPolicy:
    """Export-control facts an Entity List / MEU / DPL row carries.

    ``license_policy`` is the row's licence review policy as the list words it;
    ``footnotes`` are the Entity List footnote designations the row states (``FN1``, ``FN3``,
    ``FN4``, ``FN5``: the foreign direct product rules of EAR §734.9(e)(1), (g), (e)(2), (e)(3)).
    """

    license_requirement: str | None = None
    license_policy: str | None = None
    federal_register_notice: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    standard_order: str | None = None
    footnotes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """One entry of one official list, normalised.

    ``id`` is ``<source>:<native id>`` and stable across snapshots of the same source.
    ``list_code`` names the list inside the source (``SDN``, ``EL``, ``MEU``, ``UVL``, ``DPL``,
    ``UN``, ``SSI`` …) — the CSL mixes many lists in one file.
    """

    id: str
    source: str
    list_code: str
    type: EntityType
    name: str
    aliases: tuple[Alias, ...] = ()
    countries: tuple[str, ...] = ()
    dates_of_birth: tuple[str, ...] = ()
    places_of_birth: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    programs: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    gender: str | None = None
    title: str | None = None
    remarks: str | None = None
    linked_to: tuple[str, ...] = ()
    policy: ListPolicy | None = None
    listed_on: str | None = None

    def all_names(self) -> tuple[tuple[str, bool], ...]:
        """The primary name and every alias as ``(name, strong)`` pairs."""
        return ((self.name, True), *((a.name, a.strong) for a in self.aliases))
