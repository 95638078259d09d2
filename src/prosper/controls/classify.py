"""Item parameters → TPP, performance density and the US advanced-computing classification.

Pure functions over :class:`prosper.model.Item`; the thresholds are data in the rulebook table
``ear_advanced_computing`` (with their citation and effective dates), not constants here.

Definitions (15 CFR 774 Supp. 1, 3A090 technical notes, as in the research notes §2.1):

* **TPP** = 2 × MacTOPS × bit length, summed over the processing units. Datasheet TOPS are
  already 2 × MacTOPS, so for a dense peak of ``tops`` at ``bits`` the TPP is ``tops × bits``;
  with several bit lengths the highest TPP counts (600 TOPS at INT8 = 4800 = 300 TFLOPS at 16 bit).
* **Performance density** = TPP ÷ applicable die area (mm² of non-planar logic dies).
* **Datacenter note**: 3A090.a/.b do not apply to items not designed or marketed for datacenters
  whose TPP is below 4800; non-datacenter items at 4800 or more stay eligible for NAC / ACA.
* **4A090** is judged per chip: a computer's fields describe its most capable IC.
* **".z"**: an item declared in 3A001, 4A003, 4A004, 4A005, 5A002, 5A004, 5A992, 5D002 or 5D992
  that meets 3A090/4A090 is that ECCN's ".z" paragraph (same licence scope).
* **3A090.c** (HBM): memory bandwidth density > 2 GB/s/mm². **4E091**: unpublished weights of a
  model trained with ≥ 10^26 operations (AI Diffusion text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from prosper.controls.declared import declared_base, declared_level, disagreement, z_name
from prosper.controls.thresholds import Thresholds
from prosper.model import Item, ItemKind, Performance


@dataclass(frozen=True, slots=True)
class Classification:
    """The US classification of one item, with what is missing to complete it.

    ``ac_level`` is ``a`` / ``b`` (3A090/4A090/.z), ``c`` (HBM), ``weights`` (4E091), ``tech``
    (software/technology for them), ``none``, or None when the facts do not decide it;
    ``missing`` then names the input fields (``die_area_mm2`` …) that would.
    """

    kind: str
    classification: str | None
    ac_level: str | None
    tpp: float | None = None
    performance_density: float | None = None
    datacenter: bool | None = None
    nac_aca_eligible: bool | None = None
    declared_eccn: str | None = None
    disagreement: str | None = None
    published: bool = False
    unclassified: bool = False
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()


def compute_tpp(performance: Sequence[Performance]) -> float | None:
    """Total processing performance: the highest ``tops × bits`` over the dense peaks.

    >>> compute_tpp([Performance(bits=8, tops=1979), Performance(bits=16, tops=989.5)])
    15832.0
    """
    if not performance:
        return None
    return max(float(p.tops) * p.bits for p in performance)


def performance_density(tpp: float | None, die_area_mm2: float | None) -> float | None:
    """TPP ÷ applicable die area (None when either is unknown or the area is not positive)."""
    if tpp is None or die_area_mm2 is None or die_area_mm2 <= 0:
        return None
    return tpp / die_area_mm2


def item_tpp(item: Item) -> float | None:
    """The item's TPP: given directly, or computed from its performance list."""
    return item.tpp if item.tpp is not None else compute_tpp(item.performance)


def paragraph_3a090(
    tpp: float, pd: float | None, datacenter: bool | None, t: Thresholds
) -> tuple[str | None, tuple[str, ...]]:
    """The 3A090 paragraph (``a.1`` … ``b.2``) or None, and the facts still needed.

    Returns ``(None, ())`` when the IC is not 3A090.a/.b and ``(None, (needed, …))`` when the
    facts do not decide it (e.g. no die area for a chip between TPP 1600 and 4800).
    """
    if tpp >= t.a1_tpp:
        return "a.1", ()  # datacenter or not: non-datacenter .a stays eligible for NAC/ACA
    if tpp < t.a2_tpp:
        return None, ()
    if datacenter is False and tpp < t.datacenter_note_tpp:
        return None, ()
    needed = [] if datacenter is not None else ["datacenter"]
    if pd is None:
        return None, ("die_area_mm2", *needed)
    if pd >= t.a2_pd:
        par = "a.2"
    elif t.b1_tpp[0] <= tpp < t.b1_tpp[1] and t.b1_pd[0] <= pd < t.b1_pd[1]:
        par = "b.1"
    elif tpp >= t.b2_tpp and t.b2_pd[0] <= pd < t.b2_pd[1]:
        par = "b.2"
    else:
        return None, ()
    if needed:
        return None, tuple(needed)
    return par, ()


def classify_item(item: Item, on: date, t: Thresholds) -> Classification:
    """Classify ``item`` on ``on`` (thresholds not yet in force are not applied)."""
    kind = item.kind
    declared = item.eccn.strip() if item.eccn else None
    base = declared_base(declared)
    if kind in (ItemKind.INTEGRATED_CIRCUIT, ItemKind.COMPUTER):
        return _classify_chip(item, on, t, declared, base)
    if kind is ItemKind.HBM:
        return _classify_hbm(item, on, t, declared)
    if kind is ItemKind.MODEL_WEIGHTS:
        return _classify_weights(item, on, t, declared)
    if item.published is True and kind in (ItemKind.SOFTWARE, ItemKind.TECHNOLOGY):
        return Classification(
            kind=kind.value,
            classification="published (§734.7)",
            ac_level="none",
            declared_eccn=declared,
            published=True,
            notes=("published software or technology is not subject to the EAR (§734.3(b)(3))",),
        )
    if base is not None and base in t.ac_tech_eccns:
        return Classification(
            kind=kind.value,
            classification=declared,
            ac_level="tech",
            declared_eccn=declared,
            notes=(f"declared {declared}: software/technology for 3A090/4A090 items",),
        )
    if declared is not None:
        return Classification(
            kind=kind.value,
            classification=declared,
            ac_level="none",
            declared_eccn=declared,
            notes=(f"declared {declared}; no advanced-computing parameters to check",),
        )
    return Classification(
        kind=kind.value,
        classification=None,
        ac_level="none",
        unclassified=True,
        missing=("eccn",),
        notes=("no ECCN given and no parameters to classify the item",),
    )


def _classify_chip(
    item: Item, on: date, t: Thresholds, declared: str | None, base: str | None
) -> Classification:
    tpp = item_tpp(item)
    pd = performance_density(tpp, item.die_area_mm2)
    kind = item.kind.value
    computer = item.kind is ItemKind.COMPUTER
    notes: list[str] = []
    if computer:
        notes.append("4A090 is judged per chip: the parameters describe the most capable IC")
    if on < t.ic_from:
        return Classification(
            kind=kind,
            classification=None,
            ac_level=None,
            tpp=tpp,
            performance_density=pd,
            datacenter=item.datacenter,
            declared_eccn=declared,
            notes=(f"as_of {on} is before the TPP/density thresholds ({t.ic_from})",),
            missing=("as_of on or after " + t.ic_from.isoformat(),),
        )
    if tpp is None:
        level = declared_level(declared)
        if level in ("a", "b"):
            # no parameters to check: the exporter's declared classification is the fact we have
            given: bool | None = (
                None
                if level == "a" and item.datacenter is None
                else not (level == "a" and item.datacenter is True)
            )
            return Classification(
                kind=kind,
                classification=declared,
                ac_level=level,
                datacenter=item.datacenter,
                nac_aca_eligible=given,
                declared_eccn=declared,
                notes=(*notes, f"declared {declared} used as given: no TPP to verify it"),
                missing=() if given is not None else ("datacenter",),
            )
        return Classification(
            kind=kind,
            classification=None,
            ac_level=None,
            datacenter=item.datacenter,
            declared_eccn=declared,
            notes=(*notes, "no TPP: give tpp or the dense performance list"),
            missing=("performance (or tpp)",),
        )
    par, needed = paragraph_3a090(tpp, pd, item.datacenter, t)
    citations = (t.citations["ic"],)
    if needed:
        return Classification(
            kind=kind,
            classification=None,
            ac_level=None,
            tpp=tpp,
            performance_density=pd,
            datacenter=item.datacenter,
            declared_eccn=declared,
            notes=(
                *notes,
                f"TPP {tpp:g} is near the density thresholds: needs {', '.join(needed)}",
            ),
            missing=needed,
            citations=citations,
        )
    if par is None:
        name = declared if declared is not None else "not 3A090/4A090"
        if item.datacenter is False and tpp < t.datacenter_note_tpp and tpp >= t.a2_tpp:
            notes.append("excluded by the datacenter note (not datacenter, TPP < 4800)")
        return Classification(
            kind=kind,
            classification=name,
            ac_level="none",
            tpp=tpp,
            performance_density=pd,
            datacenter=item.datacenter,
            declared_eccn=declared,
            disagreement=disagreement(declared, None),
            notes=tuple(notes),
            citations=citations,
        )
    level = par[0]
    if base is not None and base in t.z_eccns:
        name = z_name(base, level)
        notes.append(f"declared {declared} meets 3A090.{level}: the '.z' paragraph applies")
    elif computer:
        name = f"4A090.{level}"
    else:
        name = f"3A090.{par}"
    datacenter_a = level == "a" and item.datacenter is True
    eligible: bool | None = not datacenter_a
    if level == "a" and item.datacenter is None:
        eligible = None
        notes.append("datacenter design/marketing unknown: NAC/ACA eligibility undecided")
    if level == "a" and item.datacenter is False:
        notes.append("not designed or marketed for datacenters: NAC/ACA eligible")
    return Classification(
        kind=kind,
        classification=name,
        ac_level=level,
        tpp=tpp,
        performance_density=pd,
        datacenter=item.datacenter,
        nac_aca_eligible=eligible,
        declared_eccn=declared,
        disagreement=disagreement(declared, name),
        notes=tuple(notes),
        missing=() if eligible is not None else ("datacenter",),
        citations=citations,
    )


def _classify_hbm(item: Item, on: date, t: Thresholds, declared: str | None) -> Classification:
    mbd = item.memory_bandwidth_density
    cit = (t.citations["hbm"],)
    if on < t.hbm_from:
        return Classification(
            kind="hbm",
            classification=declared or "not 3A090.c (before 2024-12-02)",
            ac_level="none",
            declared_eccn=declared,
            notes=(f"3A090.c applies from {t.hbm_from}",),
            citations=cit,
        )
    if mbd is None and declared_level(declared) == "c":
        return Classification(
            kind="hbm",
            classification=declared,
            ac_level="c",
            declared_eccn=declared,
            notes=(f"declared {declared} used as given: no bandwidth density to verify it",),
            citations=cit,
        )
    if mbd is None:
        return Classification(
            kind="hbm",
            classification=None,
            ac_level=None,
            declared_eccn=declared,
            notes=("HBM without its memory bandwidth density cannot be classified",),
            missing=("memory_bandwidth_density",),
            citations=cit,
        )
    if mbd > t.hbm_density_gt:
        name = "3A090.c"
        return Classification(
            kind="hbm",
            classification=name,
            ac_level="c",
            declared_eccn=declared,
            disagreement=disagreement(declared, name),
            notes=(f"memory bandwidth density {mbd:g} GB/s/mm² > {t.hbm_density_gt:g}",),
            citations=cit,
        )
    return Classification(
        kind="hbm",
        classification=declared or "not 3A090.c",
        ac_level="none",
        declared_eccn=declared,
        disagreement=disagreement(declared, None),
        notes=(f"memory bandwidth density {mbd:g} GB/s/mm² ≤ {t.hbm_density_gt:g}",),
        citations=cit,
    )


def _classify_weights(item: Item, on: date, t: Thresholds, declared: str | None) -> Classification:
    cit = (t.citations["weights"],)
    if item.published is True:
        return Classification(
            kind="model_weights",
            classification="published (§734.7)",
            ac_level="none",
            declared_eccn=declared,
            published=True,
            notes=("published weights are not subject to the EAR and excluded from 4E091",),
            citations=cit,
        )
    if on < t.weights_from:
        return Classification(
            kind="model_weights",
            classification=declared or "no model-weights ECCN before 2025-01-13",
            ac_level="none",
            declared_eccn=declared,
            notes=(f"4E091 exists from {t.weights_from}",),
            citations=cit,
        )
    missing = []
    if item.training_ops is None:
        missing.append("training_ops")
    if item.published is None:
        missing.append("published")
    if item.training_ops is not None and item.training_ops < t.weights_ops_gte:
        return Classification(
            kind="model_weights",
            classification=declared or "not 4E091 (training operations below 10^26)",
            ac_level="none",
            declared_eccn=declared,
            notes=(f"training operations {item.training_ops:.3g} < {t.weights_ops_gte:.0e}",),
            citations=cit,
        )
    if missing and declared_level(declared) == "weights":
        return Classification(
            kind="model_weights",
            classification=declared,
            ac_level="weights",
            declared_eccn=declared,
            notes=(f"declared {declared} used as given: training operations not given",),
            citations=cit,
        )
    if missing:
        return Classification(
            kind="model_weights",
            classification=None,
            ac_level=None,
            declared_eccn=declared,
            notes=("4E091 needs the training operations and whether the weights are published",),
            missing=tuple(missing),
            citations=cit,
        )
    return Classification(
        kind="model_weights",
        classification="4E091",
        ac_level="weights",
        declared_eccn=declared,
        disagreement=disagreement(declared, "4E091"),
        notes=(f"training operations {item.training_ops:.3g} ≥ 10^26, unpublished",),
        citations=cit,
    )
