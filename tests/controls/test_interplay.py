"""Party-based requirements apply per item subject to the EAR; exceptions give way to Part 744."""

from __future__ import annotations

from datetime import date
from typing import Any

from prosper.controls.licence import assess_items
from prosper.controls.parties import defer_party_findings
from prosper.decide import CheckContext
from prosper.model import (
    Entity,
    EntityType,
    Finding,
    Hit,
    ListPolicy,
    PartyResult,
    PartyRole,
    Transaction,
    Verdict,
)
from prosper.rulebook import load_rulebook
from prosper.schema import parse_transaction

BOOK = load_rulebook()
ON = date(2026, 11, 27)
EL_ROW = ListPolicy(
    license_requirement=(
        "For all items subject to the EAR (See §§734.9(e)(2) and 744.11 of the EAR)4"
    ),
    license_policy="Presumption of denial",
    footnotes=("FN4",),
)


def _tx(item: dict[str, Any], origin: str = "KR") -> Transaction:
    return parse_transaction(
        {
            "as_of": ON.isoformat(),
            "origin_country": origin,
            "destination_country": "CN",
            "parties": [
                {"role": "exporter", "name": "Exporter", "country": origin},
                {
                    "role": "end_user",
                    "name": "Listed Co",
                    "country": "CN",
                    "headquarters_country": "CN",
                },
            ],
            "items": [item],
        }
    )


def _el_parties() -> tuple[PartyResult, ...]:
    entity = Entity(
        id="us_csl:EL-1",
        source="us_csl",
        list_code="EL",
        type=EntityType.ORGANIZATION,
        name="LISTED CO",
        countries=("CN",),
        policy=EL_ROW,
    )
    hit = Hit(
        entity=entity, matched_name="LISTED CO", score=0.97, match=True, qualifier_agrees=True
    )
    return (
        PartyResult(index=0, role=PartyRole.EXPORTER, name="Exporter", verdict=Verdict.ALLOWED),
        PartyResult(
            index=1,
            role=PartyRole.END_USER,
            name="Listed Co",
            verdict=Verdict.LICENSE_REQUIRED,
            hits=(hit,),
        ),
    )


def _findings(tx: Transaction) -> list[Finding]:
    ctx = CheckContext(tx=tx, mode="enforced", parties=_el_parties(), rulebook=BOOK)
    return list(assess_items(ctx).enforced)


def test_entity_list_requirement_skips_an_item_not_subject_to_the_ear() -> None:
    tx = _tx(
        {
            "description": "Korean-made power supply",
            "kind": "other",
            "eccn": "EAR99",
            "us_origin": False,
            "us_content_percent": 0,
            "made_with_us_technology": False,
        }
    )
    us = [f for f in _findings(tx) if f.regime == "US-EAR"]
    assert [f.rule_id for f in us] == ["us-ear.734.3.not-subject"]
    assert all(f.verdict is not Verdict.LICENSE_REQUIRED for f in us)
    party = Finding(
        area="screening",
        regime="US-EAR",
        verdict=Verdict.LICENSE_REQUIRED,
        subject="parties[1]",
        rule_id="us-ear.744.11.entity-list",
        citation="15 CFR 744.11",
        summary="party on the BIS Entity List",
    )
    (deferred,) = defer_party_findings([party], tx)
    assert deferred.verdict is Verdict.ALLOWED_WITH_CONDITIONS
    assert "decided per item" in deferred.summary
    no_items = Transaction(as_of=ON, parties=tx.parties)
    assert defer_party_findings([party], no_items) == (party,)


def test_entity_list_applies_to_a_us_origin_item_and_withdraws_nac() -> None:
    # A gaming GPU (non-datacenter 3A090.a) to China would go under NAC — not to a listed party.
    tx = _tx(
        {
            "description": "gaming GPU",
            "kind": "integrated_circuit",
            "us_origin": True,
            "performance": [{"bits": 8, "tops": 661}],
            "die_area_mm2": 609,
            "datacenter": False,
        },
        origin="US",
    )
    ids = {f.rule_id: f for f in _findings(tx)}
    assert "us-ear.740.8.nac" not in ids
    el = ids["us-ear.744.11.entity-list.item.denial"]
    assert (el.verdict, el.review_policy and el.review_policy.value) == (
        Verdict.LICENSE_REQUIRED,
        "presumption_of_denial",
    )
    assert "us-ear.740.2.exceptions-withdrawn" in ids
    assert all(f.license_exception is None for f in ids.values())


def test_footnote_4_party_brings_a_foreign_item_made_with_us_technology_in() -> None:
    tx = _tx(
        {
            "description": "Korean AI accelerator",
            "kind": "integrated_circuit",
            "us_origin": False,
            "us_content_percent": 0,
            "made_with_us_technology": True,
            "performance": [{"bits": 8, "tops": 512}],
            "die_area_mm2": 653,
            "datacenter": True,
        }
    )
    ids = {f.rule_id for f in _findings(tx)}
    assert "us-ear.744.11.entity-list.item.denial" in ids


def _chart(eccn: str, dest: str) -> dict[str, Verdict]:
    tx = parse_transaction(
        {
            "as_of": ON.isoformat(),
            "origin_country": "US",
            "destination_country": dest,
            "parties": [
                {"role": "end_user", "name": "E", "country": dest, "headquarters_country": dest}
            ],
            "items": [{"description": "tool", "kind": "other", "eccn": eccn, "us_origin": True}],
        }
    )
    ctx = CheckContext(tx=tx, mode="enforced", rulebook=BOOK)
    return {f.rule_id: f.verdict for f in assess_items(ctx).enforced}


def test_paragraph_specific_control_decides_when_the_paragraph_is_given() -> None:
    # "NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j" and China has an X in NS 2
    assert _chart("3B001.b", "CN") == {"us-ear.738.country-chart": Verdict.LICENSE_REQUIRED}
    # 3B001.f.1 is NS-controlled only to Macau / D:5 (prose scope): China yes, Vietnam no
    assert _chart("3B001.f.1", "CN") == {"us-ear.738.country-chart": Verdict.LICENSE_REQUIRED}
    assert _chart("3B001.f.1", "VN") == {"us-ear.nlr.not-advanced-computing": Verdict.ALLOWED}
    # worldwide prose controls (3B001.c.1.a) reach Japan too
    assert _chart("3B001.c.1.a", "JP") == {"us-ear.738.country-chart": Verdict.LICENSE_REQUIRED}


def test_entry_without_paragraph_asks_for_it_only_when_the_entry_is_split() -> None:
    assert _chart("3B001", "CN") == {"us-ear.738.country-chart-partial": Verdict.REVIEW}
    # NS 2 applies to the entire 3A001 entry: no paragraph needed
    assert _chart("3A001", "CN") == {"us-ear.738.country-chart": Verdict.LICENSE_REQUIRED}


def _fdp(
    eccns: list[str], dest: str, parties: tuple[PartyResult, ...] = (), eccn: str = "5A991"
) -> list[Finding]:
    tx = parse_transaction(
        {
            "as_of": ON.isoformat(),
            "origin_country": "KR",
            "destination_country": dest,
            "parties": [
                {"role": "exporter", "name": "Exporter", "country": "KR"},
                {"role": "end_user", "name": "E", "country": dest, "headquarters_country": dest},
            ],
            "items": [
                {
                    "description": "Korean network processor",
                    "kind": "other",
                    "eccn": eccn,
                    "us_origin": False,
                    "us_content_percent": 0,
                    "made_with_us_technology": True,
                    "us_technology_eccns": eccns,
                }
            ],
        }
    )
    ctx = CheckContext(tx=tx, mode="enforced", parties=parties, rulebook=BOOK)
    return [f for f in assess_items(ctx).enforced if f.regime == "US-EAR"]


def test_fdp_asks_which_us_technology_when_not_given() -> None:
    # 5A002.a has an X for China in NS 1: whether the item is subject to the EAR decides
    (finding,) = [f for f in _fdp([], "CN", eccn="5A002.a") if f.missing_facts]
    assert any("us_technology_eccns" in m for m in finding.missing_facts)


def test_fdp_decides_not_subject_when_no_rule_reaches_the_destination() -> None:
    ids = {f.rule_id: f for f in _fdp(["3D991"], "JP")}
    assert "us-ear.734.3.not-subject" in ids
    assert "no §734.9 rule reaches it" in ids["us-ear.734.3.not-subject"].summary


def test_fdp_russia_rule_makes_a_direct_product_subject() -> None:
    ids = {f.rule_id for f in _fdp(["3E991"], "RU")}
    assert "us-ear.746.8.russia-belarus" in ids


def test_fdp_footnote_4_party_with_product_scope() -> None:
    ids = {f.rule_id for f in _fdp(["5E002"], "CN", _el_parties())}
    assert "us-ear.744.11.entity-list.item.denial" in ids


def test_fdp_ns_rule_names_the_written_assurance() -> None:
    findings = _fdp(["3E001"], "CN", eccn="5A002.a")
    named = [m for f in findings for m in f.missing_facts]
    assert any("written assurance" in m for m in named)
