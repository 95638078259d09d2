"""The reference tables the export assessor reads, built once per rulebook digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.controls.fdp import FdpTables
from prosper.controls.thresholds import Thresholds
from prosper.rulebook import Rulebook
from prosper.rulebook.tables import CountryGroups


@dataclass(frozen=True, slots=True)
class ExportTables:
    """The reference tables the export assessor reads, built once per rulebook digest."""

    groups: CountryGroups
    thresholds: Thresholds
    embargoes: dict[str, dict[str, str]]
    tier1: frozenset[str]
    gp10_patterns: tuple[str, ...]
    kr_ga: frozenset[str]
    kr_ai_listed_from: date
    chart_marks: dict[str, frozenset[str]]
    ccl_chart: dict[str, dict[str, Any]]
    policy_text: dict[str, str]
    fdp: FdpTables

    @classmethod
    def from_rulebook(cls, book: Rulebook) -> ExportTables:
        """Read the tables from ``book`` (cached by digest)."""
        cached = _TABLES.get(book.digest)
        if cached is not None:
            return cached
        built = cls(
            groups=CountryGroups.from_table(book.table("ear_country_groups")),
            thresholds=Thresholds.from_table(book.table("ear_advanced_computing")),
            embargoes={
                str(k): {"kind": str(v["kind"]), "section": str(v["section"])}
                for k, v in book.table("ear_embargoes").data["destinations"].items()
            },
            tier1=frozenset(book.table("ear_ai_diffusion_tier1").data["countries"]),
            gp10_patterns=tuple(str(p) for p in book.table("ear_gp10_prc_ics").data["patterns"]),
            kr_ga=frozenset(book.table("kr_fta_areas").data["ga"]),
            kr_ai_listed_from=date.fromisoformat(
                str(book.table("kr_fta_control_list").data["ai_semiconductors_listed_from"])
            ),
            chart_marks={
                str(k): frozenset(v["marks"])
                for k, v in book.table("ear_country_chart").data["countries"].items()
            },
            ccl_chart={str(k): dict(v) for k, v in book.table("ear_ccl_chart").data.items()},
            policy_text={
                str(k): str(v) for k, v in book.table("ownership_lists").data["policy_text"].items()
            },
            fdp=FdpTables.from_data(book.table("ear_fdp_rules").data),
        )
        _TABLES[book.digest] = built
        return built


_TABLES: dict[str, ExportTables] = {}
