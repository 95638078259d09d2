"""The items assessor's facts: dates select Country Groups, subject-to-EAR, headquarters, FDP."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from prosper.controls.classify import classify_item
from prosper.controls.facts import end_user_facts, fdp_entity_hit
from prosper.controls.licence import assess_items
from prosper.controls.subject import SubjectRequest, subject_to_ear
from prosper.controls.tables import ExportTables
from prosper.controls.thresholds import Thresholds
from prosper.decide import CheckContext
from prosper.model import (
    Entity,
    EntityType,
    Hit,
    Item,
    ItemKind,
    ListPolicy,
    Party,
    PartyResult,
    PartyRole,
    Performance,
    Transaction,
    Verdict,
)
from prosper.rulebook import load_rulebook

BOOK = load_rulebook()
T = ExportTables.from_rulebook(BOOK)
H100 = Item(
    description="H100 SXM",
    kind=ItemKind.INTEGRATED_CIRCUIT,
    us_origin=True,
    performance=(Performance(8, 1979),),
    die_area_mm2=814,
    datacenter=True,
    dram_bandwidth_gbps=3350,
)


def tx(dest: str, on: date, **kw: Any) -> Transaction:
    parties = kw.pop(
        "parties",
        (Party(name="Buyer", role=PartyRole.END_USER, country=dest, headquarters_country=dest),),
    )
    return Transaction(
        as_of=on,
        origin_country=kw.pop("origin", "US"),
        destination_country=dest,
        parties=parties,
        items=(kw.pop("item", H100),),
        **kw,
    )


def verdicts(t: Transaction) -> tuple[str, str, set[str]]:
    a = assess_items(CheckContext(tx=t, mode="enforced", rulebook=BOOK))
    lit = a.literal if a.literal is not None else a.enforced
    return (
        Verdict.most_restrictive(f.verdict for f in a.enforced).value,
        Verdict.most_restrictive(f.verdict for f in lit).value,
        {f.rule_id for f in a.enforced},
    )


def test_as_of_selects_the_uae_country_groups() -> None:
    before = verdicts(tx("AE", date(2026, 6, 1)))
    after = verdicts(tx("AE", date(2026, 11, 27)))
    assert before[0] == "license_required"
    assert "us-ear.742.6.a6.iii.d1-d4" in before[2]
    assert after[0] == "review"
    assert "us-ear.742.6.uae-a-unsettled" in after[2]
    assert after[1] == "license_required"


def test_as_of_selects_the_china_track() -> None:
    cn = (Party(name="B", role=PartyRole.END_USER, country="CN", headquarters_country="CN"),)
    assert "us-ear.742.6.b10.d5-macau.2023" in verdicts(tx("CN", date(2025, 6, 1), parties=cn))[2]
    assert (
        "us-ear.742.6.b10.china-case-by-case" in verdicts(tx("CN", date(2026, 2, 1), parties=cn))[2]
    )


def test_date_before_every_rule_is_stated_as_review() -> None:
    enforced, _, rules = verdicts(tx("VN", date(2020, 1, 1)))
    assert enforced == "review"
    assert rules == {"us-ear.rulebook.coverage"}


def test_hong_kong_is_treated_as_china() -> None:
    hk = (Party(name="B", role=PartyRole.END_USER, country="HK", headquarters_country="HK"),)
    item = replace(H100, performance=(Performance(8, 4500),), dram_bandwidth_gbps=8000)
    _, _, rules = verdicts(tx("HK", date(2026, 11, 27), parties=hk, item=item))
    assert "us-ear.742.6.b10.d5-macau" in rules


def test_headquarters_facts() -> None:
    on = date(2026, 11, 27)
    facts, hints = end_user_facts(
        (
            Party(
                name="A",
                role=PartyRole.END_USER,
                country="MY",
                headquarters_country="MY",
                parent_country="CN",
            ),
        ),
        T,
        on,
    )
    assert facts["end_user.hq_d5_or_macau"] is True
    facts, hints = end_user_facts((Party(name="A", role=PartyRole.END_USER, country="MY"),), T, on)
    assert facts["end_user.hq_d5_or_macau"] is None
    assert hints["end_user.hq_d5_or_macau"] == ("parties[0].headquarters_country",)
    facts, _ = end_user_facts(
        (Party(name="A", role=PartyRole.END_USER, country="MO", headquarters_country="MO"),), T, on
    )
    assert facts["end_user.hq_d5_or_macau"] is True  # Macau is named with D:5
    facts, hints = end_user_facts((), T, on)
    assert facts["end_user.hq_d5_or_macau"] is None
    assert "end_user" in hints["end_user.hq_d5_or_macau"][0]


def test_missing_headquarters_gives_review_naming_it() -> None:
    party = (Party(name="A", role=PartyRole.END_USER, country="MY"),)
    a = assess_items(
        CheckContext(tx=tx("MY", date(2026, 11, 27), parties=party), mode="enforced", rulebook=BOOK)
    )
    named = {m for f in a.enforced for m in f.missing_facts}
    assert "parties[0].headquarters_country" in named
    assert Verdict.most_restrictive(f.verdict for f in a.enforced) is Verdict.REVIEW


def _subject(item: Item, **kw: Any) -> Any:
    th: Thresholds = T.thresholds
    on = date(2026, 11, 27)
    req = SubjectRequest(
        item=item,
        cls=classify_item(item, on, th),
        index=0,
        origin_country=kw.get("origin", "KR"),
        dest_groups=frozenset(kw.get("groups", ())),
        in_ac_scope=kw.get("scope"),
        reading=kw.get("reading", "enforced"),
        fdp_entity=kw.get("fdp", False),
    )
    return subject_to_ear(req, th)


def test_subject_to_ear() -> None:
    foreign = replace(H100, us_origin=False, us_content_percent=0, made_with_us_technology=False)
    assert _subject(foreign).value is False
    assert _subject(H100).value is True
    assert _subject(foreign, origin="US").value is True
    content = replace(foreign, us_content_percent=26)
    assert _subject(content).value is True
    assert _subject(replace(foreign, us_content_percent=25)).value is False
    # 10 % de minimis for E:1 / E:2 destinations
    assert _subject(replace(foreign, us_content_percent=11), groups={"E:1"}).value is True
    unknown = replace(foreign, us_content_percent=None)
    got = _subject(unknown)
    assert got.value is None
    assert got.missing == ("items[0].us_content_percent",)
    fdp = replace(foreign, made_with_us_technology=True)
    assert _subject(fdp, scope=True).value is True
    assert _subject(fdp, scope=False).value is None
    assert _subject(fdp, scope=False, reading="literal").value is True
    assert _subject(fdp, fdp=True).value is True


def test_entity_list_footnote_hook() -> None:
    ent = Entity(
        id="csl:1",
        source="us_trade_csl",
        list_code="EL",
        type=EntityType.ORGANIZATION,
        name="X",
        policy=ListPolicy(
            license_requirement="For all items subject to the EAR. (See §§ 734.9(e) and 744.11 "
            "of the EAR)4",
            license_policy="Presumption of denial.",
        ),
    )
    hit = Hit(entity=ent, matched_name="X", score=0.99, match=True)
    pr = PartyResult(
        index=1, role=PartyRole.END_USER, name="X", verdict=Verdict.LICENSE_REQUIRED, hits=(hit,)
    )
    assert fdp_entity_hit((pr,))
    assert not fdp_entity_hit((replace(pr, hits=(replace(hit, match=False),)),))
