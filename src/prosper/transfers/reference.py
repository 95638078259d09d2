"""The legal sets and figures the data-transfer facts are computed from.

They live in the rulebook's reference tables (``src/prosper/rules/*.reference.yaml``, listed in
the manifest): DSP countries of concern, the 50 % covered-person test and the bulk thresholds;
PADFA's foreign adversaries and the 20 % control test; the EU/EEA members; the PIPC's
equivalence recognitions and designated certifications. :func:`reference_from` reads them
from a loaded :class:`~prosper.rulebook.Rulebook`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from prosper.packagedata import read_text


@dataclass(frozen=True, slots=True)
class CountrySet:
    """A dated set of country codes from a reference file, with its citation."""

    values: frozenset[str]
    citation: str
    effective_from: date

    def contains(self, code: str | None, as_of: date) -> bool:
        """True when ``code`` is in the set and the set is in force on ``as_of``."""
        return code is not None and as_of >= self.effective_from and code in self.values


@dataclass(frozen=True, slots=True)
class Recognition:
    """A PIPC equivalence recognition (PIPA 28-8(1)5): where, from when, what it excludes."""

    name: str
    countries: frozenset[str]
    effective_from: date
    excluded_categories: frozenset[str]


@dataclass(frozen=True, slots=True)
class Reference:
    """The legal sets and figures the facts are computed from."""

    countries_of_concern: CountrySet
    covered_person_percent: float
    bulk_more_than: Mapping[str, int]
    dsp_effective_from: date
    foreign_adversaries: CountrySet
    adversary_aliases: Mapping[str, str]
    padfa_control_percent: float
    eu_eea: CountrySet
    dsp_category_of: Mapping[str, str] = field(default_factory=dict)
    kr_recognitions: tuple[Recognition, ...] = ()
    kr_designated_certifications: frozenset[str] = frozenset()


REFERENCE_TABLES = (
    "us_dsp_reference",
    "us_padfa_reference",
    "eu_gdpr_reference",
    "kr_pipa_reference",
)


def _read_package_table(name: str) -> Any:
    file = name.removesuffix("_reference") + ".reference.yaml"
    import yaml  # here: a decision that reads the rulebook's own tables parses no YAML

    text = read_text("prosper.rules", file)
    return yaml.safe_load(text)["data"]


def _country_set(row: Mapping[str, Any]) -> CountrySet:
    return CountrySet(
        values=frozenset(str(v) for v in row["values"]),
        citation=str(row["citation"]),
        effective_from=_as_date(row["effective_from"]),
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def build_reference(tables: Mapping[str, Any]) -> Reference:
    """Build the :class:`Reference` from the ``data`` of the three reference tables."""
    dsp = tables["us_dsp_reference"]
    padfa = tables["us_padfa_reference"]
    eu = tables["eu_gdpr_reference"]
    kr = tables["kr_pipa_reference"]
    fa = padfa["foreign_adversary_countries"]
    eu_eea = _country_set(eu["eu_eea"])
    named = {"eu_eea": eu_eea.values}
    recognitions = tuple(
        Recognition(
            name=str(r["name"]),
            countries=named.get(str(r["countries"]), frozenset(str(c) for c in r["countries"]))
            if isinstance(r["countries"], str)
            else frozenset(str(c) for c in r["countries"]),
            effective_from=_as_date(r["effective_from"]),
            excluded_categories=frozenset(str(c) for c in r.get("excluded_categories", [])),
        )
        for r in kr["equivalence_recognitions"]
    )
    return Reference(
        countries_of_concern=_country_set(dsp["countries_of_concern"]),
        covered_person_percent=float(dsp["covered_person_ownership_percent"]["value"]),
        bulk_more_than={str(k): int(v) for k, v in dsp["bulk_thresholds"]["more_than"].items()},
        dsp_effective_from=_as_date(dsp["bulk_thresholds"]["effective_from"]),
        foreign_adversaries=_country_set(fa),
        adversary_aliases={str(k): str(v) for k, v in fa.get("treat_as_part_of", {}).items()},
        padfa_control_percent=float(padfa["controlled_ownership_percent"]["value"]),
        eu_eea=eu_eea,
        dsp_category_of={str(k): str(v) for k, v in dsp["category_of"]["map"].items()},
        kr_recognitions=recognitions,
        kr_designated_certifications=frozenset(str(c) for c in kr["designated_certifications"]),
    )


def reference_from(rulebook: Any) -> Reference:
    """The :class:`Reference` of a loaded rulebook (its tables), or the packaged one if None.

    Built once per rulebook content digest (the digest covers the table files' bytes, so one
    digest is one set of tables), as :meth:`prosper.controls.tables.ExportTables.from_rulebook`
    does: a check worker otherwise rebuilt it for every data transfer check (issue 16).
    """
    if rulebook is None:
        return load_reference()
    digest = rulebook.digest
    found = _REFERENCES.get(digest)
    if found is None:
        found = build_reference({name: rulebook.table(name).data for name in REFERENCE_TABLES})
        if len(_REFERENCES) < 64:  # a few rulebooks per process; bounded all the same
            _REFERENCES[digest] = found
    return found


_REFERENCES: dict[str, Reference] = {}


@cache
def load_reference() -> Reference:
    """The reference data of the packaged ``*.reference.yaml`` files (cached)."""
    return build_reference({name: _read_package_table(name) for name in REFERENCE_TABLES})
