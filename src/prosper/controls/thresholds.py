"""The advanced-computing thresholds, read from the rulebook table ``ear_advanced_computing``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.rulebook.grammar import Table


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The numbers of the ``ear_advanced_computing`` table."""

    ic_from: date
    a1_tpp: float
    a2_tpp: float
    a2_pd: float
    b1_tpp: tuple[float, float]
    b1_pd: tuple[float, float]
    b2_tpp: float
    b2_pd: tuple[float, float]
    datacenter_note_tpp: float
    hbm_from: date
    hbm_density_gt: float
    weights_from: date
    weights_ops_gte: float
    z_eccns: frozenset[str]
    ac_tech_eccns: frozenset[str]
    de_minimis_percent: float
    de_minimis_e_percent: float
    citations: dict[str, str]

    @classmethod
    def from_table(cls, table: Table) -> Thresholds:
        """Read the thresholds from the rulebook table ``ear_advanced_computing``."""
        d: dict[str, Any] = table.data
        ic, hbm, w, dm = d["ic"], d["hbm"], d["weights"], d["de_minimis"]

        def day(v: Any) -> date:
            return v if isinstance(v, date) else date.fromisoformat(str(v))

        def pair(v: Any) -> tuple[float, float]:
            return (float(v[0]), float(v[1]))

        return cls(
            ic_from=day(ic["effective_from"]),
            a1_tpp=float(ic["a1_tpp"]),
            a2_tpp=float(ic["a2_tpp"]),
            a2_pd=float(ic["a2_pd"]),
            b1_tpp=pair(ic["b1_tpp"]),
            b1_pd=pair(ic["b1_pd"]),
            b2_tpp=float(ic["b2_tpp"]),
            b2_pd=pair(ic["b2_pd"]),
            datacenter_note_tpp=float(ic["datacenter_note_tpp"]),
            hbm_from=day(hbm["effective_from"]),
            hbm_density_gt=float(hbm["memory_bandwidth_density_gt"]),
            weights_from=day(w["effective_from"]),
            weights_ops_gte=float(w["training_ops_gte"]),
            z_eccns=frozenset(str(e) for e in d["z_paragraph_eccns"]),
            ac_tech_eccns=frozenset(str(e) for e in d["ac_software_technology_eccns"]),
            de_minimis_percent=float(dm["default_percent"]),
            de_minimis_e_percent=float(dm["e1_e2_percent"]),
            citations={
                "ic": str(ic["citation"]),
                "hbm": str(hbm["citation"]),
                "weights": str(w["citation"]),
                "de_minimis": str(dm["citation"]),
            },
        )
