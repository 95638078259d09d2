"""Properties of evaluation over the real US-EAR rules with random facts.

* Missing facts never silently drop a rule: a rule that applied with a fact known either still
  applies the same way or becomes an undecided ``review`` naming facts (Kleene monotonicity).
* Fully known facts never give undecided matches.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.rulebook import load_rulebook

BOOK = load_rulebook()
GROUPS = st.sampled_from(
    [
        ["A:1", "A:2", "A:3", "A:4", "A:5", "B"],
        ["D:1", "D:3", "D:4", "D:5"],
        ["D:1", "D:3"],
        ["B", "D:3", "D:4"],
        ["A:5", "B"],
        ["B"],
        ["D:2", "D:3", "D:5", "E:2"],
    ]
)
FACTS = st.fixed_dictionaries(
    {
        "item.kind": st.sampled_from(["integrated_circuit", "computer", "hbm", "model_weights"]),
        "item.subject_to_ear": st.booleans(),
        "item.ac_level": st.sampled_from(["a", "b", "c", "weights", "tech", "none"]),
        "item.nac_aca_eligible": st.booleans(),
        "item.tpp": st.floats(min_value=0, max_value=60000, allow_nan=False),
        "item.dram_bandwidth_gbps": st.floats(min_value=0, max_value=10000, allow_nan=False),
        "item.prc_advanced_ic": st.booleans(),
        "item.on_ccl": st.booleans(),
        "item.unclassified": st.booleans(),
        "item.declared_disagrees": st.booleans(),
        "item.chart_licence": st.booleans(),
        "item.chart_partial": st.booleans(),
        "item.chart_prose": st.booleans(),
        "destination.country": st.sampled_from(["JP", "CN", "VN", "SA", "AE", "MY", "MO", "CU"]),
        "destination.groups": GROUPS,
        "destination.part746": st.sampled_from(
            ["none", "comprehensive", "syria", "russia_belarus"]
        ),
        "export.from_us": st.booleans(),
        "end_use.flags": st.lists(
            st.sampled_from(["supercomputer", "military_end_use", "wmd", "military_intelligence"]),
            max_size=2,
        ),
        "end_user.hq_d5_or_macau": st.booleans(),
        "end_user.tier1": st.booleans(),
    }
)
DATES = st.sampled_from([date(2025, 6, 1), date(2026, 2, 1), date(2026, 11, 27)])
READINGS = st.sampled_from(["enforced", "literal"])


@settings(max_examples=150, deadline=None)
@given(FACTS, DATES, READINGS, st.data())
def test_missing_fact_never_silently_drops_a_rule(
    facts: dict[str, Any], on: date, reading: str, data: st.DataObject
) -> None:
    full = {m.rule.id: m for m in BOOK.evaluate("US-EAR", facts, on, reading)}
    assert not any(m.undecided for m in full.values())
    gone = data.draw(st.sampled_from(sorted(facts)))
    partial = {**facts, gone: None}
    after = {m.rule.id: m for m in BOOK.evaluate("US-EAR", partial, on, reading)}
    for rid, m in full.items():
        if m.rule.on_unknown == "skip":
            continue
        assert rid in after, f"{rid} dropped when {gone} is missing"
        again = after[rid]
        if again.undecided:
            assert again.verdict.value == "review"
            assert gone in again.missing_facts
        else:
            assert again.verdict == m.verdict
