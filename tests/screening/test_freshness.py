"""Stale lists are never a clean pass (issue 12 item 7).

tests/conftest.py pins ``PROSPER_LISTS_MAX_AGE_DAYS`` for the other areas' verdict tests; these
tests set their own limits (or the packaged defaults) and test the rule itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from prosper.errors import InputError
from prosper.model import Party, PartyRole, Transaction, Verdict
from prosper.screening.freshness import age_days, merge_limits, stale_sources
from prosper.screening.parties import evaluate_parties, load_screening_policy
from prosper.settings import load_settings

ON = date(2026, 12, 6)


@dataclass(frozen=True)
class Src:
    source: str
    published: str


SOURCES = (
    Src("us_ofac_sdn", "2026-08-20"),
    Src("us_csl", "2026-11-20"),
    Src("jp_meti_eul", "2025-09-29"),
    Src("custom", "unknown"),
)


def test_packaged_defaults_are_30_days_for_sdn_and_the_entity_list() -> None:
    limits = load_screening_policy().freshness.max_age_days
    assert limits["us_ofac_sdn"] == 30
    assert limits["us_csl"] == 30
    assert limits["*"] == 30
    assert limits["jp_meti_eul"] > 365  # METI revises its End User List about once a year


def test_stale_sources_names_each_old_or_undated_list_with_its_age() -> None:
    limits = load_screening_policy().freshness.max_age_days
    stale = stale_sources(SOURCES, ON, limits)
    assert [(s.source, s.age_days, s.max_age_days) for s in stale] == [
        ("us_ofac_sdn", 108, 30),
        ("jp_meti_eul", 433, 400),
        ("custom", None, 30),
    ]
    assert "108 days old on 2026-12-06" in stale[0].message()
    assert "no publication date" in stale[2].message()


def test_age_is_measured_on_the_given_day() -> None:
    limits = {"*": 30}
    assert stale_sources([Src("us_ofac_sdn", "2026-08-20")], date(2026, 9, 19), limits) == ()
    assert len(stale_sources([Src("us_ofac_sdn", "2026-08-20")], date(2026, 9, 20), limits)) == 1
    # a list published after the decision's as_of is not stale for it
    assert stale_sources([Src("us_ofac_sdn", "2026-08-20")], date(2025, 1, 1), limits) == ()
    assert age_days("2026-08-20T10:00:00Z", date(2026, 8, 21)) == 1


def test_setting_overrides_one_source_or_all() -> None:
    defaults = load_screening_policy().freshness.max_age_days
    one = load_settings({"PROSPER_LISTS_MAX_AGE_DAYS": "us_ofac_sdn=7"}).lists_max_age
    assert merge_limits(defaults, one)["us_ofac_sdn"] == 7
    assert merge_limits(defaults, one)["jp_meti_eul"] == defaults["jp_meti_eul"]
    every = load_settings({"PROSPER_LISTS_MAX_AGE_DAYS": "45"}).lists_max_age
    assert merge_limits(defaults, every) == {"*": 45}
    with pytest.raises(InputError) as err:
        load_settings({"PROSPER_LISTS_MAX_AGE_DAYS": "a month"})
    assert err.value.field == "PROSPER_LISTS_MAX_AGE_DAYS"


def _tx() -> Transaction:
    return Transaction(
        as_of=ON,
        origin_country="US",
        destination_country="VN",
        parties=(
            Party("Harborline LLC", PartyRole.EXPORTER, "US"),
            Party("Saigon Lotus Cloud JSC", PartyRole.END_USER, "VN"),
        ),
    )


def test_a_party_without_hits_on_stale_lists_is_review_naming_list_and_age() -> None:
    stale = stale_sources(SOURCES[:2], ON, {"*": 30})
    out = evaluate_parties(_tx(), lambda p: (), ["us_ofac_sdn", "us_csl"], stale=stale)
    assert [f.verdict for f in out.findings] == [Verdict.REVIEW, Verdict.REVIEW]
    f = out.findings[1]
    assert f.rule_id == "lists.screening.stale-list"
    assert "us_ofac_sdn was published 2026-08-20: 108 days old on 2026-12-06" in f.summary
    assert "us_csl" not in f.summary  # 16 days old: fresh
    assert f.citation
    assert [p.verdict for p in out.results] == [Verdict.REVIEW, Verdict.REVIEW]


def test_fresh_lists_keep_the_clean_pass() -> None:
    out = evaluate_parties(_tx(), lambda p: (), ["us_csl"], stale=())
    assert {f.verdict for f in out.findings} == {Verdict.ALLOWED}
    assert {f.rule_id for f in out.findings} == {"lists.screening.no-match"}


def test_engine_screen_and_check_report_stale_lists() -> None:
    """The engine (API, web page) warns in the screening document and reviews the check."""
    from prosper.engine import Engine
    from prosper.model import Entity, EntityType
    from prosper.screening.index import ScreeningIndex
    from prosper.screening.query import Query

    @dataclass(frozen=True)
    class Info:
        source: str
        published: str
        version: str = "sha256:aa"
        origin: str = "embedded"

    @dataclass(frozen=True)
    class Snap:
        sources: tuple[Info, ...]
        entities: tuple[Entity, ...]

        def versions(self) -> dict[str, str]:
            return {s.source: s.version for s in self.sources}

    listed = Entity("us_ofac_sdn:1", "us_ofac_sdn", "SDN", EntityType.PERSON, "KIM, Jong Un")
    snap = Snap((Info("us_ofac_sdn", "2026-08-20"),), (listed,))
    engine = Engine(
        snapshot=snap,  # type: ignore[arg-type]
        index=ScreeningIndex.build(snap.entities),
        threshold=0.8,
        max_age={"*": 30},
    )
    doc = engine.screen(Query("Kim Jong Un"), on=ON)
    assert doc["hits"][0]["entity_id"] == "us_ofac_sdn:1"
    assert doc["warnings"] == [
        "us_ofac_sdn was published 2026-08-20: 108 days old on 2026-12-06 (allowed 30); "
        "refresh it with `prosper lists update`"
    ]
    assert engine.screen(Query("Kim Jong Un"), on=date(2026, 9, 1))["warnings"] == []
    decision = engine.check(_tx())
    assert decision.verdict is Verdict.REVIEW
    assert {f.rule_id for f in decision.findings if f.area == "screening"} == {
        "lists.screening.stale-list"
    }


def test_engine_remembers_stale_lists_per_day_and_limits() -> None:
    """The engine's sources never change: each day's answer is computed once, and another day
    or other limits are asked afresh (a remembered answer must not leak across them)."""
    from prosper.engine import Engine
    from prosper.screening.index import ScreeningIndex

    @dataclass(frozen=True)
    class Info:
        source: str
        published: str

    @dataclass(frozen=True)
    class Snap:
        sources: tuple[Info, ...]

    snap = Snap((Info("us_ofac_sdn", "2026-08-20"), Info("us_csl", "2026-11-20")))
    engine = Engine(
        snapshot=snap,  # type: ignore[arg-type]
        index=ScreeningIndex.build(()),
        threshold=0.8,
        max_age={"*": 30},
    )
    first = engine.stale_lists(ON)
    assert first == stale_sources(snap.sources, ON, {"*": 30})
    assert [s.source for s in first] == ["us_ofac_sdn"]
    assert engine.stale_lists(ON) is first  # remembered
    assert engine.stale_lists(date(2026, 9, 1)) == ()  # another day: asked afresh
    assert [s.source for s in engine.stale_lists(date(2027, 1, 30))] == ["us_ofac_sdn", "us_csl"]
    looser = Engine(
        snapshot=snap,  # type: ignore[arg-type]
        index=engine.index,
        threshold=0.8,
        max_age={"*": 200},
    )
    assert looser.stale_lists(ON) == ()  # limits are part of the answer
    assert engine.stale_lists(ON) is first
