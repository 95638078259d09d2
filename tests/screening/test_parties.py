"""Party screening findings.

Strong SDN → prohibited, EL → licence with the row's policy, anything weaker → review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pytest

from prosper.model import (
    Alias,
    Entity,
    EntityType,
    Hit,
    ListPolicy,
    Party,
    PartyRole,
    ReviewPolicy,
    Transaction,
    Verdict,
)
from prosper.screening.parties import (
    evaluate_parties,
    hit_finding,
    load_screening_policy,
    party_finding,
    transaction_ties,
)

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


# --------------------------------------------------------------------------- issue 12: new lists


@pytest.mark.parametrize(
    ("list_code", "source", "inside", "rule_id"),
    [
        ("EU", "eu_fsf", frozenset({"DE"}), "eu.cfsp.asset-freeze"),
        ("AU", "au_dfat", frozenset({"AU"}), "au.sanctions.asset-freeze"),
        ("CA", "ca_sema", frozenset({"CA"}), "ca.sema.asset-freeze"),
    ],
)
def test_asset_freeze_is_prohibited_only_under_its_jurisdiction(
    list_code: str, source: str, inside: frozenset[str], rule_id: str
) -> None:
    policy = load_screening_policy()
    hit = _hit(_entity(list_code, source))
    f_in = hit_finding(hit, "parties[1]", ON, policy, inside | {"CN"})
    assert f_in.verdict is Verdict.PROHIBITED
    assert f_in.rule_id == rule_id
    assert f_in.citation
    f_out = hit_finding(hit, "parties[1]", ON, policy, frozenset({"US", "CN"}))
    assert f_out.verdict is Verdict.REVIEW
    assert "binding only on persons under that jurisdiction" in f_out.summary


def test_every_eu_member_state_is_a_tie_and_no_other_country_is() -> None:
    eu = set(load_screening_policy().lists["EU"].jurisdiction)
    assert len(eu) == 27
    assert {"DE", "FR", "IE", "CY", "HR"} <= eu
    assert not {"GB", "CH", "NO", "US"} & eu


def test_transaction_ties_read_origin_destination_exporter_and_the_party() -> None:
    tx = Transaction(
        as_of=ON,
        origin_country="US",
        destination_country="AE",
        parties=(
            Party("Exporter GmbH", PartyRole.EXPORTER, "US", headquarters_country="DE"),
            Party("Consignee", PartyRole.INTERMEDIATE_CONSIGNEE, "NL"),
            Party("End user", PartyRole.END_USER, "AE"),
        ),
    )
    # the exporter's EU headquarters ties the deal to the EU; a consignee's country ties only
    # the dealings with that consignee
    assert transaction_ties(tx, tx.parties[2]) == {"US", "AE", "DE"}
    assert transaction_ties(tx, tx.parties[1]) == {"US", "AE", "DE", "NL"}


def test_eu_listed_end_user_of_a_german_exporter_is_prohibited() -> None:
    tx = Transaction(
        as_of=ON,
        origin_country="DE",
        destination_country="RU",
        parties=(
            Party("Exporter GmbH", PartyRole.EXPORTER, "DE"),
            Party("LISTED CO", PartyRole.END_USER, "RU"),
        ),
    )
    hit = _hit(_entity("EU", "eu_fsf"))
    out = evaluate_parties(tx, lambda p: (hit,) if p.name == "LISTED CO" else (), ["eu_fsf"])
    assert out.results[1].verdict is Verdict.PROHIBITED
    assert "under the EU (DE)" in out.findings[1].summary


def test_meti_end_user_list_is_review_naming_the_concern() -> None:
    entity = Entity(
        id="jp_meti_eul:1",
        source="jp_meti_eul",
        list_code="JP-EUL",
        type=EntityType.ORGANIZATION,
        name="LISTED CO",
        countries=("IR",),
        programs=("大量破壊兵器等の懸念: 生物、化学、ミサイル、核 B,C,M,N",),
    )
    f = hit_finding(_hit(entity), "parties[0]", ON, load_screening_policy())
    assert f.verdict is Verdict.REVIEW
    assert f.rule_id == "jp.meti.end-user-list"
    assert "concern: 大量破壊兵器等の懸念" in f.summary
    assert "Foreign Exchange and Foreign Trade Act" in f.citation


def test_entity_list_finding_names_the_footnote() -> None:
    policy = ListPolicy(
        license_requirement="For all items subject to the EAR (See §§734.9(e)(2) and 744.11)",
        license_policy="Presumption of denial",
        federal_register_notice="90 FR 4621",
        footnotes=("FN4",),
    )
    f = hit_finding(
        _hit(_entity("EL", "us_csl", policy)), "parties[0]", ON, load_screening_policy()
    )
    assert f.review_policy is ReviewPolicy.PRESUMPTION_OF_DENIAL
    assert any(c.startswith("licence requirement: For all items") for c in f.conditions)
    assert any("footnote: FN4" in c for c in f.conditions)


def test_one_party_on_several_lists_is_one_finding_naming_every_list() -> None:
    el = _entity(
        "EL",
        "us_csl",
        ListPolicy(license_requirement="For all items", license_policy="Presumption of denial"),
    )
    cmic = replace(_entity("CMIC", "us_ofac_cons"), id="us_ofac_cons:2")
    merged = replace(_hit(cmic), listings=(_hit(el),))  # the CMIC row scored best
    tx = Transaction(as_of=ON, parties=(Party(name="LISTED CO", country="CN"),))
    out = evaluate_parties(tx, lambda _: (merged,), ["us_csl", "us_ofac_cons"])
    (finding,) = out.findings
    assert finding.verdict is Verdict.LICENSE_REQUIRED  # the most restrictive listing wins
    assert finding.rule_id == "us-ear.744.11.entity-list"
    assert finding.review_policy is ReviewPolicy.PRESUMPTION_OF_DENIAL
    assert "on 2 lists" in finding.summary
    assert "CMIC (us_ofac_cons, us_ofac_cons:2): review" in finding.summary
    assert "EL (us_csl, us_csl:1): license_required" in finding.summary
    assert "15 CFR 744.11" in finding.citation


def test_sdn_listing_beats_an_entity_list_listing_of_the_same_party() -> None:
    el = _hit(_entity("EL", "us_csl", ListPolicy(license_policy="Case-by-case")))
    sdn = _hit(_entity("SDN", "us_ofac_sdn"))
    f = party_finding(replace(el, listings=(sdn,)), "parties[0]", ON, load_screening_policy())
    assert f.verdict is Verdict.PROHIBITED
    assert f.rule_id == "us-ofac.sdn.blocked"


def test_equally_restrictive_listings_are_led_by_the_policy_tables_order() -> None:
    # UN and SDN both prohibit; the table names SDN first, whichever scored first
    un = _hit(replace(_entity("UN", "un_sc"), id="un_sc:KPe.001"))
    sdn = _hit(_entity("SDN", "us_ofac_sdn"))
    f = party_finding(replace(un, listings=(sdn,)), "parties[0]", ON, load_screening_policy())
    assert f.verdict is Verdict.PROHIBITED
    assert f.rule_id == "us-ofac.sdn.blocked"
    assert "UN (un_sc, un_sc:KPe.001): prohibited" in f.summary
    assert "UN Security Council" in f.citation  # every listing's citation is kept


def test_screening_policy_is_read_as_yaml_safe_load_reads_it() -> None:
    """The policy table parsed with libyaml's safe loader (start-up cost) validates to the
    same policy as with ``yaml.safe_load``."""
    from importlib import resources

    import yaml

    from prosper.screening.parties import load_screening_policy
    from prosper.screening.policy import from_validated
    from prosper.screening.policy_schema import validate_policy

    text = resources.files("prosper.rules").joinpath("screening_policy.yaml").read_text("utf-8")
    strict = from_validated(validate_policy(yaml.safe_load(text), "screening_policy.yaml"))
    assert load_screening_policy() == strict
