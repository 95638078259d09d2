"""Licence determination for the items of a transaction (US EAR and Korean FTA), both readings.

:func:`assess_items` is the assessor ``prosper check`` runs for ``items``: it classifies each
item (:mod:`prosper.classify`), computes the flat facts the rules read (documented at the top
of ``rules/us_ear.yaml`` and ``rules/kr_fta.yaml``), evaluates the rulebook for the *enforced*
and the *literal* reading on ``as_of`` and turns the matches into findings and per-item
determination blocks. Python computes facts; every legal conclusion comes from a rule with its
id and citation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from prosper.classify import Classification, Thresholds, classify_item, is_wassenaar_eccn
from prosper.decide import Assessment, CheckContext
from prosper.export_tables import ExportTables
from prosper.model import (
    Finding,
    Item,
    ItemKind,
    Party,
    PartyResult,
    PartyRole,
    ReviewPolicy,
    Transaction,
    Verdict,
)
from prosper.rulebook import READINGS, Rulebook, RuleMatch, load_rulebook, strictest_policy
from prosper.rulebook.tables import CountryGroups

END_USER_ROLES = (PartyRole.END_USER, PartyRole.ULTIMATE_CONSIGNEE)
_FDP_FOOTNOTE = re.compile(r"734\.9\(e\)|EAR\)\s*[14]\s*$")


# --------------------------------------------------------------------------- facts


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


@dataclass(frozen=True, slots=True)
class SubjectTo:
    """Whether an item is subject to the EAR, why, and which inputs would decide it."""

    value: bool | None
    basis: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    """Inputs of :func:`subject_to_ear`."""

    item: Item
    cls: Classification
    index: int
    origin_country: str | None
    dest_groups: frozenset[str]
    in_ac_scope: bool | None
    reading: str
    fdp_entity: bool


def subject_to_ear(req: SubjectRequest, t: Thresholds) -> SubjectTo:
    """US origin, de minimis US content and the foreign-direct-product hook (§§734.3, .4, .9).

    ``not_subject`` (False) only when the facts clearly say so; None otherwise.
    """
    item, cls, i = req.item, req.cls, req.index
    if cls.published:
        return SubjectTo(False, "published (§734.3(b)(3), §734.7)")
    if req.origin_country == "US":
        return SubjectTo(True, "the item is exported from the United States (§734.3(a)(1))")
    if item.us_origin is True:
        return SubjectTo(True, "US-origin item (§734.3(a)(2))")
    embargoed = bool(req.dest_groups & {"E:1", "E:2"})
    level = t.de_minimis_e_percent if embargoed else t.de_minimis_percent
    content = item.us_content_percent
    if content is not None and content > level:
        return SubjectTo(
            True, f"controlled US content {content:g} % is above the {level:g} % de minimis level"
        )
    missing = [
        f"items[{i}].{name}"
        for name, value in (
            ("us_origin", item.us_origin),
            ("us_content_percent", content),
            ("made_with_us_technology", item.made_with_us_technology),
        )
        if value is None
    ]
    if item.made_with_us_technology is True:
        if req.fdp_entity:
            return SubjectTo(
                True,
                "foreign direct product of US technology and a party is an Entity List "
                "footnote 1/4 entity (§734.9(e))",
            )
        if cls.ac_level in ("a", "b"):
            if req.reading == "literal":
                return SubjectTo(
                    True, "advanced-computing FDP rule §734.9(h) (worldwide in the codified text)"
                )
            if req.in_ac_scope is True:
                return SubjectTo(
                    True,
                    "advanced-computing FDP rule §734.9(h): destination or end user in scope "
                    "(Macau/D:5, D:1/D:4 outside A:5/A:6, or Macau/D:5-headquartered end user)",
                )
            return SubjectTo(
                None,
                "made with US technology: the enforced destination scope of §734.9(h) is not "
                "verified [K ⚠]",
                (*missing, "§734.9(h) destination scope (enforced posture)"),
            )
        return SubjectTo(
            None,
            "made with US technology: the foreign-direct-product rules (§734.9) for this item "
            "are not modelled",
            (*missing, f"items[{i}] FDP analysis (§734.9)"),
        )
    if item.us_origin is False and content is not None and item.made_with_us_technology is False:
        return SubjectTo(
            False,
            f"foreign-made, US content {content:g} % ≤ {level:g} % de minimis, "
            "no foreign-direct-product hook",
        )
    return SubjectTo(None, "US origin, US content or the FDP hook is not given", tuple(missing))


def _prc_advanced_ic(item: Item, t: ExportTables) -> bool:
    text = re.sub(r"\s+", " ", item.description.lower())
    return any(p in text for p in t.gp10_patterns)


def _on_ccl(cls: Classification) -> bool | None:
    if cls.ac_level in ("a", "b", "c", "weights", "tech"):
        return True
    if cls.declared_eccn is not None:
        return cls.declared_eccn.upper() != "EAR99"
    return None


def chart_facts(cls: Classification, dest: str | None, t: ExportTables) -> dict[str, Any]:
    """Country Chart facts for a declared ECCN (§738.4): columns with an X for the destination.

    Whole-entry columns decide (``item.chart_licence``); paragraph-specific columns
    (``item.chart_partial``) and requirements written in prose (``item.chart_prose``) cannot be
    resolved without the paragraph, so rules turn them into ``review``. No declared ECCN, or
    EAR99, means no Country Chart requirement to check.
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
    marks = t.chart_marks.get(dest, frozenset())
    entire = [c for c in entry.get("entire") or () if c in marks]
    partial = [p["column"] for p in entry.get("partial") or () if p["column"] in marks]
    return {
        "item.chart_eccn": base,
        "item.chart_licence": bool(entire),
        "item.chart_partial": bool(partial),
        "item.chart_prose": bool(entry.get("prose")),
        "item.chart_columns": ", ".join(entire or partial) or None,
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
        **chart_facts(cls, dest, t),
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


# --------------------------------------------------------------------------- findings


def _missing_paths(
    match: RuleMatch, hints: Mapping[str, tuple[str, ...]], index: int
) -> tuple[str, ...]:
    out: list[str] = []
    for fact in match.missing_facts:
        mapped = hints.get(fact)
        if mapped:
            out.extend(mapped)
        else:
            out.append(fact.replace("items[]", f"items[{index}]"))
    return tuple(dict.fromkeys(out))


def _area(rule_id: str) -> str:
    return "classification" if ".ccl." in rule_id else "licensing"


def findings_for(
    matches: Sequence[RuleMatch], hints: Mapping[str, tuple[str, ...]], index: int, regime: str
) -> tuple[Finding, ...]:
    """Turn rule matches into findings; reviews missing the same inputs become one finding."""
    findings: list[Finding] = []
    grouped: dict[tuple[str, ...], int] = {}
    for m in matches:
        missing = _missing_paths(m, hints, index)
        if m.verdict is Verdict.REVIEW and missing:
            key = tuple(sorted(missing))
            if key in grouped:
                pos = grouped[key]
                prev = findings[pos]
                findings[pos] = Finding(
                    area=prev.area,
                    regime=prev.regime,
                    verdict=prev.verdict,
                    subject=prev.subject,
                    rule_id=prev.rule_id,
                    citation=prev.citation,
                    summary=f"{prev.summary} (also undecided: {m.rule.id})",
                    conditions=prev.conditions,
                    missing_facts=prev.missing_facts,
                )
                continue
            grouped[key] = len(findings)
        summary = m.summary
        if m.undecided:
            summary = f"{m.rule.title}: cannot be decided without {', '.join(missing)}"
        findings.append(
            Finding(
                area=_area(m.rule.id),
                regime=regime,
                verdict=m.verdict,
                subject=f"items[{index}]",
                rule_id=m.rule.id,
                citation=str(m.rule.citation),
                summary=summary,
                review_policy=m.review_policy,
                conditions=m.conditions,
                missing_facts=missing,
                license_exception=m.license_exception,
            )
        )
    return tuple(findings)


def _coverage_finding(regime: str, index: int, on: date, book: Rulebook) -> Finding:
    first = min((r.effective_from for r in book.rules if r.regime == regime), default=None)
    when = "" if first is None else f"; its {regime} rules start on {first}"
    return Finding(
        area="licensing",
        regime=regime,
        verdict=Verdict.REVIEW,
        subject=f"items[{index}]",
        rule_id=f"{regime.lower()}.rulebook.coverage",
        citation=f"rulebook {book.id} {book.version}",
        summary=f"no {regime} rule applied on {on}: rulebook {book.version} cannot decide{when}",
        missing_facts=(),
    )


@dataclass(frozen=True, slots=True)
class Determination:
    """One regime's determination for one item under one reading."""

    regime: str
    findings: tuple[Finding, ...]
    block: dict[str, Any]


def _block(
    regime: str, findings: Sequence[Finding], classification: str | None, subject: bool | None
) -> dict[str, Any]:
    verdict = Verdict.most_restrictive(f.verdict for f in findings) if findings else Verdict.REVIEW
    top = [f for f in findings if f.verdict is verdict]
    policy: ReviewPolicy | None = None
    if verdict is Verdict.LICENSE_REQUIRED:
        policy = strictest_policy(f.review_policy for f in top)
    exceptions = sorted({f.license_exception for f in top if f.license_exception is not None})
    return {
        "regime": regime,
        "subject_to": subject,
        "classification": classification,
        "verdict": verdict.value,
        "license_exception": ", ".join(exceptions) or None,
        "review_policy": None if policy is None else policy.value,
        "citations": list(dict.fromkeys(f.citation for f in findings)),
        "rule_ids": [f.rule_id for f in findings],
    }


def _regime_findings(
    book: Rulebook, regime: str, facts: ItemFacts, index: int, on: date, reading: str
) -> tuple[Finding, ...]:
    """The findings of ``regime`` for item ``index``; a coverage finding when no rule applied."""
    matches = book.evaluate(regime, facts.facts, on, reading)
    found = findings_for(matches, facts.hints, index, regime)
    return found or (_coverage_finding(regime, index, on, book),)


def determine(
    ctx: CheckContext, book: Rulebook, t: ExportTables, index: int, reading: str
) -> tuple[Classification, tuple[Determination, ...]]:
    """Classify item ``index`` and determine it under US-EAR (and KR-FTA from Korea)."""
    tx = ctx.tx
    cls = classify_item(tx.items[index], tx.as_of, t.thresholds)
    us = us_facts(ctx, index, cls, reading, t)
    found = _regime_findings(book, "US-EAR", us, index, tx.as_of, reading)
    subject_to = us.facts["item.subject_to_ear"]
    out = [Determination("US-EAR", found, _block("US-EAR", found, cls.classification, subject_to))]
    if tx.origin_country == "KR":
        kr = kr_facts(tx, index, cls, t)
        found = _regime_findings(book, "KR-FTA", kr, index, tx.as_of, reading)
        label = kr_label(kr.facts["item.kr_listed"], cls)
        out.append(Determination("KR-FTA", found, _block("KR-FTA", found, label, True)))
    return cls, tuple(out)


def kr_label(listed: str | None, cls: Classification) -> str | None:
    """A person's label for the Korean listing status ``listed`` of an item."""
    labels = {
        "wassenaar": f"strategic item (Wassenaar-numbered {cls.declared_eccn})",
        "ai_semiconductor": "AI semiconductor (Korean item number and parameters unknown)",
        "hbm": "HBM (coverage by the 2025 AI-semiconductor item unknown)",
        "model_weights": "model weights (no Korean control found)",
        "not_listed": "not a strategic item on the facts",
    }
    return None if listed is None else labels[listed]


def rounded(value: float | None, digits: int) -> float | None:
    """``value`` rounded for output (None stays None)."""
    return None if value is None else round(value, digits)


def assess_items(ctx: CheckContext) -> Assessment:
    """The items assessor of ``prosper check``: findings for both readings and item blocks.

    ``ctx.rulebook`` is the loaded :class:`~prosper.rulebook.Rulebook` (the package rulebook is
    loaded when it is None). ``as_of`` selects the rules and tables in force.
    """
    book: Rulebook = ctx.rulebook if ctx.rulebook is not None else load_rulebook()
    t = ExportTables.from_rulebook(book)
    per_reading: dict[str, list[Finding]] = {r: [] for r in READINGS}
    blocks: list[dict[str, Any]] = []
    for index in range(len(ctx.tx.items)):
        for reading in READINGS:
            cls, dets = determine(ctx, book, t, index, reading)
            for d in dets:
                per_reading[reading].extend(d.findings)
            if reading == ctx.mode:
                blocks.append(
                    {
                        "index": index,
                        "tpp": rounded(cls.tpp, 2),
                        "performance_density": rounded(cls.performance_density, 2),
                        "declared_eccn": cls.declared_eccn,
                        "classification_notes": list(cls.notes),
                        "determinations": [d.block for d in dets],
                    }
                )
    enforced = tuple(per_reading["enforced"])
    literal = tuple(per_reading["literal"])
    return Assessment(
        enforced=enforced,
        literal=None if literal == enforced else literal,
        items=tuple(blocks),
    )
