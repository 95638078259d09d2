"""Typed, dated views over the reference tables shipped with the rulebook.

The tables themselves are YAML data with a provenance block (``rules/tables/``); these
helpers answer the questions rules need, for a given date:

    >>> groups = CountryGroups.from_table(load_rulebook().table("ear_country_groups"))
    >>> sorted(groups.groups_of("AE", date(2026, 6, 1)))   # before the July 2026 UAE rule
    ['B', 'D:3', 'D:4']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.errors import RulebookError
from prosper.rulebook.grammar import Table


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RulebookError(f"not a date {value!r}", field=where) from None


@dataclass(frozen=True, slots=True)
class GroupChange:
    """A dated change of one country's Country Group membership."""

    country: str
    effective: date
    add: frozenset[str]
    remove: frozenset[str]
    citation: str
    unconfirmed_until: date | None = None


@dataclass(frozen=True, slots=True)
class CountryGroups:
    """EAR Country Groups by date: a snapshot plus dated changes before and after it.

    Membership on a date ``d`` is the snapshot with every change effective after the snapshot
    and on or before ``d`` applied, and every change effective after ``d`` but on or before the
    snapshot undone.
    """

    snapshot_date: date
    members: dict[str, frozenset[str]]  # country -> groups in the snapshot
    same_as: dict[str, str]
    changes: tuple[GroupChange, ...]
    names: dict[str, str]

    @classmethod
    def from_table(cls, table: Table) -> CountryGroups:
        """Build from the ``ear_country_groups`` table."""
        data = table.data
        members: dict[str, set[str]] = {}
        for group, countries in data["groups"].items():
            for code in countries:
                members.setdefault(str(code), set()).add(str(group))
        changes = tuple(
            GroupChange(
                country=str(c["country"]),
                effective=_date(c["effective"], table.file),
                add=frozenset(c.get("add", ())),
                remove=frozenset(c.get("remove", ())),
                citation=str(c.get("citation", "")),
                unconfirmed_until=(
                    None
                    if c.get("unconfirmed_until") is None
                    else _date(c["unconfirmed_until"], table.file)
                ),
            )
            for c in data.get("changes", ())
        )
        return cls(
            snapshot_date=_date(data["snapshot_date"], table.file),
            members={k: frozenset(v) for k, v in members.items()},
            same_as={str(k): str(v) for k, v in (data.get("same_as") or {}).items()},
            changes=changes,
            names={str(k): str(v) for k, v in (data.get("names") or {}).items()},
        )

    def ear_country(self, country: str) -> str:
        """The EAR destination a country code stands for (``HK`` is treated as ``CN``)."""
        return self.same_as.get(country, country)

    def groups_of(self, country: str, on: date) -> frozenset[str]:
        """The Country Groups of ``country`` in force on ``on``."""
        code = self.ear_country(country)
        groups = set(self.members.get(code, frozenset()))
        for ch in self.changes:
            if ch.country != code:
                continue
            if self.snapshot_date < ch.effective <= on:
                groups = (groups - ch.remove) | ch.add
            elif on < ch.effective <= self.snapshot_date:
                groups = (groups - ch.add) | ch.remove
        return frozenset(groups)

    def unconfirmed(self, country: str, on: date) -> GroupChange | None:
        """A change for ``country`` whose effective date is still unconfirmed on ``on``."""
        code = self.ear_country(country)
        for ch in self.changes:
            if (
                ch.country == code
                and ch.unconfirmed_until is not None
                and ch.effective <= on < ch.unconfirmed_until
            ):
                return ch
        return None

    def countries_in(self, group: str, on: date) -> frozenset[str]:
        """Every country in ``group`` on ``on``."""
        return frozenset(c for c in self.members if group in self.groups_of(c, on))
