"""The facts the export-control rules read, computed from a transaction per item and reading.

Subject to the EAR (origin, de minimis, the foreign-direct-product hook), the end user's
country groups and headquarters, the Advanced Computing chart and the Korean listing status:
Python computes these flat facts (documented at the top of ``rules/us_ear.yaml`` and
``rules/kr_fta.yaml``); every legal conclusion is a rule's (:mod:`prosper.controls.licence`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.controls.classify import Classification
from prosper.controls.declared import is_wassenaar_eccn
from prosper.controls.fdp import FdpRequest, fdp_hook, party_footnotes
from prosper.controls.paragraphs import covers, paragraph_of, prose_scope
from prosper.controls.parties import party_facts
from prosper.controls.subject import SubjectRequest, subject_to_ear
from prosper.controls.tables import ExportTables
from prosper.decide import CheckContext
from prosper.model import (
    Item,
    ItemKind,
    Party,
    PartyResult,
    PartyRole,
    Transaction,
)
from prosper.rulebook.tables import CountryGroups

END_USER_ROLES = (PartyRole.END_USER, PartyRole.ULTIMATE_CONSIGNEE)
_FDP_FOOTNOTE = re.compile(r"734\.9\(e\)|EAR\)\s*[14]\s*$")


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """The facts of one item for one regime and reading, and where missing facts come from."""

    facts: dict[str, Any]
    hints: dict[str, tuple[str, ...]]


def _d5_or_macau(groups: CountryGroups, country: str | None, on: date) -> bool | None:
    if country is None:
        return None
    code = groups.ear_country(country)
    return code == "MO" or "D:5" in groups.groups_of(code, on)


def end_user_facts(
    parties: Sequence[Party], t: ExportTables, on: date
) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """``end_user.hq_d5_or_macau`` and ``end_user.tier1`` with hints for missing inputs."""
    users = [(i, p) for i, p in enumerate(parties) if p.role in END_USER_ROLES]
    if not users:
        hint: tuple[str, ...] = ("parties[role=end_user] (with headquarters_country)",)
        return (
            {"end_user.hq_d5_or_macau": None, "end_user.tier1": None},
            {"end_user.hq_d5_or_macau": hint, "end_user.tier1": hint},
        )
    hq_values: list[bool | None] = []
    tier_values: list[bool | None] = []
    lacking: list[str] = []
    for i, p in users:
        hq = _d5_or_macau(t.groups, p.headquarters_country, on)
        parent = _d5_or_macau(t.groups, p.parent_country, on)
        hq_values.append(True if (hq or parent) else hq)
        if p.headquarters_country is None:
            lacking.append(f"parties[{i}].headquarters_country")
        located = None if p.country is None else p.country in t.tier1
        based = None if p.headquarters_country is None else p.headquarters_country in t.tier1
        parent_ok = None if p.parent_country is None else p.parent_country in t.tier1
        checks = [located, based] + ([] if p.parent_country is None else [parent_ok])
        if any(c is False for c in checks):
            tier_values.append(False)
        elif any(c is None for c in checks):
            tier_values.append(None)
            if p.country is None:
                lacking.append(f"parties[{i}].country")
        else:
            tier_values.append(True)
    hq_fact: bool | None
    if any(v is True for v in hq_values):
        hq_fact = True
    elif any(v is None for v in hq_values):
        hq_fact = None
    else:
        hq_fact = False
    tier_fact: bool | None
    if any(v is False for v in tier_values):
        tier_fact = False
    elif any(v is None for v in tier_values):
        tier_fact = None
    else:
        tier_fact = True
    hint = tuple(dict.fromkeys(lacking))
    return (
        {"end_user.hq_d5_or_macau": hq_fact, "end_user.tier1": tier_fact},
        {"end_user.hq_d5_or_macau": hint, "end_user.tier1": hint},
    )


def fdp_entity_hit(parties: Sequence[PartyResult]) -> bool:
    """A party matched an Entity List row whose requirement points to an FDP footnote (1 or 4)."""
    for pr in parties:
        for hit in pr.hits:
            ent = hit.entity
            if not hit.match or ent.list_code != "EL" or ent.policy is None:
                continue
            if _FDP_FOOTNOTE.search((ent.policy.license_requirement or "").strip()):
                return True
    return False


def _prc_advanced_ic(item: Item, t: ExportTables) -> bool:
    text = re.sub(r"\s+", " ", item.description.lower())
    return any(p in text for p in t.gp10_patterns)


def _on_ccl(cls: Classification) -> bool | None:
    if cls.ac_level in ("a", "b", "c", "weights", "tech"):
        return True
    if cls.declared_eccn is not None:
        return cls.declared_eccn.upper() != "EAR99"
    return None


def chart_facts(
    cls: Classification, dest: str | None, t: ExportTables, groups: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Country Chart facts for a declared ECCN (§738.4): columns with an X for the destination.

    Whole-entry columns decide (``item.chart_licence``). A paragraph-specific column, or a prose
    control with a stated scope (worldwide; Macau or D:5), decides too when the declared ECCN
    names a paragraph the control's text reaches (:mod:`prosper.controls.paragraphs`); when the
    text cannot be read or the paragraph is not given, ``item.chart_partial`` / ``item.chart_prose``
    stay true and the rules turn them into ``review``. No declared ECCN, or EAR99, means no
    Country Chart requirement to check.
    """
    declared = cls.declared_eccn
    none: dict[str, Any] = {
        "item.chart_eccn": declared,
        "item.chart_licence": False,
        "item.chart_partial": False,
        "item.chart_prose": False,
        "item.chart_columns": None,
    }
    if declared is None or declared.upper() == "EAR99":
        return none
    base = declared.split(".", 1)[0].upper()
    entry = t.ccl_chart.get(base)
    if entry is None or dest is None:
        return {**none, "item.chart_licence": None}
    paragraph = paragraph_of(declared)
    marks = t.chart_marks.get(dest, frozenset())
    entire = [c for c in entry.get("entire") or () if c in marks]
    decided: list[str] = []
    unresolved: list[str] = []
    for row in entry.get("partial") or ():
        if row["column"] not in marks:
            continue
        reach = covers(row["control"], base, paragraph)
        if reach is True:
            decided.append(f"{row['column']} ({declared})")
        elif reach is None:
            unresolved.append(row["column"])
    prose_open = False
    d5 = dest == "MO" or "D:5" in groups
    for text in entry.get("prose") or ():
        scope = prose_scope(text)
        if scope is None:
            prose_open = True
            continue
        if scope == "macau_d5" and not d5:
            continue
        whole = "applies to entire entry" in text.lower()
        reach = True if whole else covers(text, base, paragraph)
        label = f"{text.split()[0]} ({'worldwide' if scope == 'worldwide' else 'Macau/D:5'})"
        if reach is True:
            decided.append(label)
        elif reach is None:
            unresolved.append(label)
    return {
        "item.chart_eccn": base if not paragraph else declared,
        "item.chart_licence": bool(entire or decided),
        "item.chart_partial": bool(unresolved),
        "item.chart_prose": prose_open,
        "item.chart_columns": ", ".join(entire + decided or unresolved) or None,
    }


def us_facts(
    ctx: CheckContext, index: int, cls: Classification, reading: str, t: ExportTables
) -> ItemFacts:
    """The US-EAR facts of item ``index`` for ``reading`` (see ``rules/us_ear.yaml``)."""
    tx = ctx.tx
    item, on = tx.items[index], tx.as_of
    dest = None if tx.destination_country is None else t.groups.ear_country(tx.destination_country)
    dest_groups = frozenset() if dest is None else t.groups.groups_of(dest, on)
    eu, eu_hints = end_user_facts(tx.parties, t, on)
    d_scope = bool(dest_groups & {"D:1", "D:4", "D:5"}) and not dest_groups & {"A:5", "A:6"}
    hq = eu["end_user.hq_d5_or_macau"]
    in_scope: bool | None
    if d_scope or hq is True:
        in_scope = True
    elif dest is None or hq is None:
        in_scope = None
    else:
        in_scope = False
    subj = subject_to_ear(
        SubjectRequest(
            item=item,
            cls=cls,
            index=index,
            origin_country=tx.origin_country,
            dest_groups=dest_groups,
            in_ac_scope=in_scope,
            reading=reading,
            fdp_entity=fdp_entity_hit(ctx.parties),
            fdp=None
            if item.made_with_us_technology is not True
            else fdp_hook(
                FdpRequest(
                    item=item,
                    index=index,
                    declared_eccn=cls.declared_eccn,
                    destination=dest,
                    dest_groups=dest_groups,
                    end_use_flags=tx.end_use.flags,
                    footnotes=party_footnotes(ctx.parties),
                ),
                t.fdp,
            ),
        ),
        t.thresholds,
    )
    embargo = None if dest is None else t.embargoes.get(dest)
    i = f"items[{index}]"
    facts: dict[str, Any] = {
        "item.kind": item.kind.value,
        "item.subject_to_ear": subj.value,
        "item.subject_basis": subj.basis,
        "item.classification": cls.classification,
        "item.classification_gaps": ", ".join(f"{i}.{m}" for m in cls.missing) or None,
        "item.ac_level": cls.ac_level,
        "item.nac_aca_eligible": cls.nac_aca_eligible if cls.ac_level in ("a", "b") else False,
        "item.tpp": cls.tpp,
        "item.dram_bandwidth_gbps": item.dram_bandwidth_gbps,
        "item.memory_bandwidth_density": item.memory_bandwidth_density,
        "item.prc_advanced_ic": _prc_advanced_ic(item, t),
        "item.on_ccl": _on_ccl(cls),
        "item.unclassified": cls.unclassified,
        "item.declared_eccn": cls.declared_eccn,
        "item.declared_disagrees": cls.disagreement is not None,
        "item.disagreement": cls.disagreement,
        "destination.country": dest,
        "destination.groups": None if dest is None else sorted(dest_groups),
        "destination.part746": None if dest is None else (embargo or {}).get("kind", "none"),
        "destination.part746_section": None if embargo is None else embargo["section"],
        "export.from_us": None if tx.origin_country is None else tx.origin_country == "US",
        "end_use.flags": list(tx.end_use.flags),
        **eu,
        **chart_facts(cls, dest, t, dest_groups),
        **party_facts(ctx.parties, tx, t.policy_text, ctx.affiliates_rule),
    }
    hints: dict[str, tuple[str, ...]] = {
        "item.subject_to_ear": subj.missing,
        "item.ac_level": tuple(f"{i}.{m}" for m in cls.missing),
        "item.nac_aca_eligible": (f"{i}.datacenter",),
        "item.tpp": (f"{i}.performance (or tpp)",),
        "item.dram_bandwidth_gbps": (f"{i}.dram_bandwidth_gbps",),
        "item.memory_bandwidth_density": (f"{i}.memory_bandwidth_density",),
        "item.on_ccl": (f"{i}.eccn",),
        "item.chart_licence": (f"{i}.eccn (an ECCN of the CCL) and destination_country",),
        "destination.country": ("destination_country",),
        "destination.groups": ("destination_country",),
        "destination.part746": ("destination_country",),
        "export.from_us": ("origin_country",),
        **eu_hints,
    }
    return ItemFacts(facts=facts, hints=hints)


def kr_listed(cls: Classification, item: Item, on: date, ai_from: date) -> str | None:
    """Whether the item is on the Korean control list as far as the facts establish it."""
    if is_wassenaar_eccn(cls.declared_eccn):
        return "wassenaar"
    if item.kind is ItemKind.MODEL_WEIGHTS:
        return "model_weights"
    after = on >= ai_from
    if item.kind is ItemKind.HBM:
        return "hbm" if after else "not_listed"
    if cls.ac_level in ("a", "b"):
        return "ai_semiconductor" if after else "not_listed"
    if cls.declared_eccn is not None:
        return "not_listed"
    return None


def kr_facts(tx: Transaction, index: int, cls: Classification, t: ExportTables) -> ItemFacts:
    """The KR-FTA facts of item ``index`` (see ``rules/kr_fta.yaml``)."""
    item = tx.items[index]
    dest = tx.destination_country
    facts: dict[str, Any] = {
        "item.kind": item.kind.value,
        "item.classification": cls.classification or cls.declared_eccn or item.kind.value,
        "item.kr_listed": kr_listed(cls, item, tx.as_of, t.kr_ai_listed_from),
        "destination.country": dest,
        "kr.area": None if dest is None else ("ga" if dest in t.kr_ga else "na"),
        "end_use.flags": list(tx.end_use.flags),
    }
    i = f"items[{index}]"
    hints: dict[str, tuple[str, ...]] = {
        "item.kr_listed": (f"{i}.eccn",),
        "destination.country": ("destination_country",),
        "kr.area": ("destination_country",),
    }
    return ItemFacts(facts=facts, hints=hints)
