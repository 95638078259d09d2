"""Owner chains: screened like parties, listed ownership direct, multiplied and aggregated.

A fake screening function stands in for the index: an owner whose name is in ``LISTED`` is a
strong hit on that list, one in ``WEAK`` a weak (possible) hit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from prosper.errors import InputError
from prosper.model import (
    Entity,
    EntityType,
    Hit,
    ListPolicy,
    Party,
    PartyResult,
    PartyRole,
    Transaction,
    Verdict,
)
from prosper.rulebook import load_rulebook
from prosper.schema import parse_transaction
from prosper.screening.ownership import assess_ownership, us_nexus

ON = date(2026, 11, 27)
BOOK = load_rulebook()
DENIAL = ListPolicy(license_policy="Presumption of denial")
LISTED = {"X": "SDN", "Y": "SDN", "EL CO": "EL", "MEU CO": "MEU", "UN CO": "UN"}
WEAK = {"MAYBE CO": "SDN"}


def _hit(name: str, code: str, *, strong: bool) -> Hit:
    entity = Entity(
        id=f"src:{name}",
        source="src",
        list_code=code,
        type=EntityType.ORGANIZATION,
        name=name,
        countries=("CN",),
        policy=DENIAL if code in ("EL", "MEU") else None,
    )
    return Hit(entity=entity, matched_name=name, score=0.95, match=True, qualifier_agrees=strong)


def screen(party: Party) -> Sequence[Hit]:
    if party.name in LISTED:
        return (_hit(party.name, LISTED[party.name], strong=True),)
    if party.name in WEAK:
        return (_hit(party.name, WEAK[party.name], strong=False),)
    return ()


def _tx(owners: list[dict[str, object]], **extra: object) -> Transaction:
    raw = {
        "as_of": ON.isoformat(),
        "origin_country": "US",
        "parties": [
            {"role": "exporter", "name": "US Exporter", "country": "US"},
            {"role": "end_user", "name": "Target", "country": "MY", "owners": owners},
        ],
        **extra,
    }
    return parse_transaction(raw)


def _assess(tx: Transaction):  # type: ignore[no-untyped-def]
    results = tuple(
        PartyResult(index=i, role=p.role, name=p.name, verdict=Verdict.ALLOWED)
        for i, p in enumerate(tx.parties)
    )
    return assess_ownership(tx, results, screen, BOOK)


def _family(outcome, family: str):  # type: ignore[no-untyped-def]
    (target,) = [r for r in outcome.results if r.index == 1]
    return {lo.family: lo for lo in target.listed_ownership}.get(family)


def test_faq401_example_1_chain_through_a_blocked_entity() -> None:
    # X owns 50 % of A, A owns 50 % of the target: the target is blocked.
    tx = _tx([{"name": "A", "percent": 50, "owners": [{"name": "X", "percent": 50}]}])
    out = _assess(tx)
    blocked = _family(out, "blocked")
    assert blocked.aggregate_percent == 50
    assert blocked.indirect_percent == 25  # X's share multiplied along the chain
    rule_ids = {f.rule_id for f in out.findings}
    assert rule_ids == {"us-ofac.50-percent.us-nexus"}
    (finding,) = out.findings
    assert finding.verdict is Verdict.PROHIBITED
    assert finding.subject == "parties[1]"
    owners = {o.path: o for o in out.results[1].owners}
    assert owners["parties[1].owners[0]"].lists == ("deemed:affiliates", "deemed:blocked")
    assert owners["parties[1].owners[0].owners[0]"].indirect_percent == 25


def test_two_sdn_owners_of_30_percent_each_through_a_holding() -> None:
    # The golden example's shape: a holding 30 % + 30 % owned by two SDN parties holds 80 %.
    tx = _tx(
        [
            {
                "name": "HOLDING",
                "percent": 80,
                "owners": [{"name": "X", "percent": 30}, {"name": "Y", "percent": 30}],
            }
        ]
    )
    blocked = _family(_assess(tx), "blocked")
    assert blocked.aggregate_percent == 80
    assert blocked.indirect_percent == 48  # below 50 when multiplied — aggregation decides
    assert any("HOLDING (counted as listed: 60 %" in o for o in blocked.owners)


def test_direct_shares_add_up_in_aggregate() -> None:
    tx = _tx([{"name": "X", "percent": 25}, {"name": "Y", "percent": 25}])
    assert _family(_assess(tx), "blocked").aggregate_percent == 50


def test_owner_below_50_is_named_never_silent() -> None:
    tx = _tx([{"name": "X", "percent": 49}, {"name": "Other", "percent": 51}])
    out = _assess(tx)
    (finding,) = out.findings
    assert finding.rule_id == "us-ofac.50-percent.below"
    assert finding.verdict is Verdict.REVIEW
    assert "X (SDN; 49 % direct" in finding.summary


def test_listed_owner_under_an_unlisted_minority_holder_is_reported_not_aggregated() -> None:
    # X holds 40 % of A (A not blocked), A holds 100 % of the target: not blocked, but named.
    tx = _tx([{"name": "A", "percent": 100, "owners": [{"name": "X", "percent": 40}]}])
    out = _assess(tx)
    blocked = _family(out, "blocked")
    assert blocked.aggregate_percent == 0
    assert blocked.indirect_percent == 40
    assert {f.rule_id for f in out.findings} == {"us-ofac.50-percent.below"}


def test_entity_list_owner_counts_for_the_affiliates_family_only() -> None:
    tx = _tx([{"name": "EL CO", "percent": 60, "country": "CN"}])
    out = _assess(tx)
    assert _family(out, "blocked") is None
    aff = _family(out, "affiliates")
    assert aff.aggregate_percent == 60
    assert aff.review_policy is not None
    assert aff.review_policy.value == "presumption_of_denial"
    assert out.findings == ()  # the Affiliates rule is applied per item by the controls


def test_weak_owner_hit_is_review_at_the_owners_path() -> None:
    tx = _tx([{"name": "A", "percent": 100, "owners": [{"name": "MAYBE CO", "percent": 10}]}])
    out = _assess(tx)
    (finding,) = out.findings
    assert finding.subject == "parties[1].owners[0].owners[0]"
    assert finding.verdict is Verdict.REVIEW
    assert "possible match" in finding.summary
    assert out.results[1].verdict is Verdict.REVIEW


def test_no_us_nexus_gives_review_not_prohibited() -> None:
    raw_owners = [{"name": "X", "percent": 60}]
    tx = parse_transaction(
        {
            "as_of": ON.isoformat(),
            "origin_country": "KR",
            "parties": [
                {"role": "exporter", "name": "KR Exporter", "country": "KR"},
                {"role": "end_user", "name": "Target", "country": "MY", "owners": raw_owners},
            ],
        }
    )
    assert us_nexus(tx) is False
    (finding,) = _assess(tx).findings
    assert (finding.rule_id, finding.verdict) == ("us-ofac.50-percent.no-us-nexus", Verdict.REVIEW)


def test_unknown_nexus_asks_for_origin_and_exporter() -> None:
    tx = parse_transaction(
        {
            "as_of": ON.isoformat(),
            "parties": [
                {"role": "end_user", "name": "T", "owners": [{"name": "X", "percent": 60}]}
            ],
        }
    )
    assert us_nexus(tx) is None
    (finding,) = _assess(tx).findings
    assert finding.verdict is Verdict.REVIEW
    assert finding.missing_facts == ("origin_country, parties[role=exporter].country",)


def test_party_without_owners_is_unchanged() -> None:
    tx = parse_transaction({"as_of": ON.isoformat(), "parties": [{"name": "Solo"}]})
    results = (PartyResult(index=0, role=PartyRole.END_USER, name="Solo", verdict=Verdict.ALLOWED),)
    out = assess_ownership(tx, results, screen, BOOK)
    assert out.results == results
    assert out.findings == ()


def test_recipient_owners_are_parsed() -> None:
    tx = parse_transaction(
        {
            "as_of": ON.isoformat(),
            "data_transfers": [
                {
                    "from_country": "KR",
                    "to_country": "US",
                    "categories": ["contact"],
                    "recipient": {"name": "R", "owners": [{"name": "P", "percent": 100}]},
                }
            ],
        }
    )
    recipient = tx.data_transfers[0].recipient
    assert recipient is not None
    assert recipient.owners[0].name == "P"


@pytest.mark.parametrize(
    ("owners", "field"),
    [
        ([{"name": "A", "percent": 60}, {"name": "B", "percent": 50}], "parties[0].owners"),
        ([{"name": "A", "percent": 0}], "parties[0].owners[0].percent"),
        (
            [{"name": "A", "percent": 10, "owners": [{"name": "B"}]}],
            "parties[0].owners[0].owners[0].percent",
        ),
        ([{"name": "A", "percent": 10, "share": 3}], "parties[0].owners[0].share"),
    ],
)
def test_bad_owners_name_the_field(owners: list[dict[str, object]], field: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_transaction({"parties": [{"name": "T", "owners": owners}]})
    assert exc.value.field == field


def test_data_transfer_recipient_owners_are_screened() -> None:
    tx = parse_transaction(
        {
            "as_of": ON.isoformat(),
            "origin_country": "KR",
            "parties": [{"role": "exporter", "name": "KR Co", "country": "KR"}],
            "data_transfers": [
                {
                    "from_country": "KR",
                    "to_country": "SG",
                    "categories": ["contact"],
                    "recipient": {"name": "R", "owners": [{"name": "X", "percent": 70}]},
                }
            ],
        }
    )
    out = _assess(tx)
    (finding,) = out.findings
    assert finding.subject == "data_transfers[0].recipient"
    assert finding.rule_id == "us-ofac.50-percent.no-us-nexus"


def test_owner_on_a_list_outside_the_families_is_a_red_flag() -> None:
    tx = _tx([{"name": "UN CO", "percent": 20}])
    (finding,) = _assess(tx).findings
    assert finding.rule_id == "export-kyc.listed-owner-other-list"
    assert finding.verdict is Verdict.REVIEW
    assert "UN CO (UN; parties[1].owners[0])" in finding.summary
