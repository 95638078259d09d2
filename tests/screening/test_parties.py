"""Party screening findings.

Strong SDN → prohibited, EL → licence with the row's policy, anything weaker → review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from prosper.model import (
    Alias,
    Entity,
    EntityType,
    Hit,
    ListPolicy,
    Party,
    ReviewPolicy,
    Transaction,
    Verdict,
)
from prosper.screening.parties import evaluate_parties, hit_finding, load_screening_policy

ON = date(2026, 11, 27)


def _entity(list_code: str, source: str, policy: ListPolicy | None = None) -> Entity:
    return Entity(
        id=f"{source}:1",
        source=source,
        list_code=list_code,
        type=EntityType.ORGANIZATION,
        name="LISTED CO",
        aliases=(Alias("LC", strong=False),),
        countries=("CN",),
        policy=policy,
    )


def _hit(entity: Entity, *, strong_alias: bool = True, qualifier: bool = True) -> Hit:
    return Hit(
        entity=entity,
        matched_name=entity.name,
        score=0.95,
        match=True,
        strong_alias=strong_alias,
        qualifier_agrees=qualifier,
    )


@pytest.mark.parametrize(
    ("list_code", "source", "verdict", "rule_id"),
    [
        ("SDN", "us_ofac_sdn", Verdict.PROHIBITED, "us-ofac.sdn.blocked"),
        ("UN", "un_sc", Verdict.PROHIBITED, "un-sc.consolidated.sanctions"),
        ("DPL", "us_bis_dpl", Verdict.PROHIBITED, "us-ear.736.2.b4.denied-person"),
        ("EL", "us_csl", Verdict.LICENSE_REQUIRED, "us-ear.744.11.entity-list"),
        ("MEU", "us_csl", Verdict.LICENSE_REQUIRED, "us-ear.744.21.meu-list"),
        ("UVL", "us_csl", Verdict.REVIEW, "us-ear.744.15.unverified-list"),
        ("SSI", "us_ofac_cons", Verdict.REVIEW, "lists.restricted-party.other"),
    ],
)
def test_strong_hit_verdict_per_list(
    list_code: str, source: str, verdict: Verdict, rule_id: str
) -> None:
    f = hit_finding(_hit(_entity(list_code, source)), "parties[0]", ON, load_screening_policy())
    assert f.verdict is verdict
    assert f.rule_id == rule_id
    assert f.citation


@pytest.mark.parametrize(
    ("strong_alias", "qualifier"), [(False, True), (True, False), (False, False)]
)
def test_weaker_hits_are_review(strong_alias: bool, qualifier: bool) -> None:
    hit = _hit(_entity("SDN", "us_ofac_sdn"), strong_alias=strong_alias, qualifier=qualifier)
    f = hit_finding(hit, "parties[0]", ON, load_screening_policy())
    assert f.verdict is Verdict.REVIEW
    assert "possible match" in f.summary


def test_entity_list_carries_the_rows_policy() -> None:
    policy = ListPolicy(
        license_requirement="For all items subject to the EAR.",
        license_policy="Presumption of denial.",
        federal_register_notice="85 FR 36719",
    )
    f = hit_finding(
        _hit(_entity("EL", "us_csl", policy)), "parties[0]", ON, load_screening_policy()
    )
    assert f.verdict is Verdict.LICENSE_REQUIRED
    assert f.review_policy is ReviewPolicy.PRESUMPTION_OF_DENIAL
    assert any("85 FR 36719" in c for c in f.conditions)


def test_expired_denial_order_is_review() -> None:
    policy = ListPolicy(end_date="2020-01-01")
    f = hit_finding(
        _hit(_entity("DPL", "us_bis_dpl", policy)), "parties[0]", ON, load_screening_policy()
    )
    assert f.verdict is Verdict.REVIEW
    assert "expired on 2020-01-01" in f.summary


def test_clean_party_gets_an_explicit_allowed_finding() -> None:
    tx = Transaction(as_of=ON, parties=(Party(name="Samsung Electronics", country="KR"),))

    def screen(_: Party) -> Sequence[Hit]:
        return ()

    out = evaluate_parties(tx, screen, ["us_ofac_sdn", "un_sc"])
    assert out.results[0].verdict is Verdict.ALLOWED
    assert out.findings[0].rule_id == "lists.screening.no-match"
    assert "us_ofac_sdn, un_sc" in out.findings[0].summary


def test_party_verdict_is_its_most_restrictive_hit() -> None:
    tx = Transaction(as_of=ON, parties=(Party(name="X", country="CN"),))
    hits = (_hit(_entity("SSI", "us_ofac_cons")), _hit(_entity("SDN", "us_ofac_sdn")))
    out = evaluate_parties(tx, lambda _: hits, ["us_ofac_sdn"])
    assert out.results[0].verdict is Verdict.PROHIBITED
    assert [f.verdict for f in out.findings] == [Verdict.REVIEW, Verdict.PROHIBITED]
