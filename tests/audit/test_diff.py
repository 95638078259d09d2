"""diff_decisions: what `prosper audit replay` reports between a recorded and a fresh decision."""

from __future__ import annotations

import copy
from typing import Any

from prosper.audit import FindingChange, ValueChange, diff_decisions


def finding(rule_id: str, subject: str, verdict: str, **extra: Any) -> dict[str, Any]:
    return {
        "area": "screening",
        "regime": "US-OFAC",
        "rule_id": rule_id,
        "subject": subject,
        "verdict": verdict,
        "summary": f"{rule_id} on {subject}",
        "citation": "31 CFR 501",
        "conditions": [],
        **extra,
    }


OLD: dict[str, Any] = {
    "id": "PO-1",
    "verdict": "review",
    "as_of": "2026-11-27",
    "mode": "enforced",
    "findings": [
        finding("lists.sdn.weak", "parties[1]", "review"),
        finding("us-ear.744.21", "items[0]", "allowed"),
        finding("kr-pipa.28-8", "data_transfers[0]", "allowed_with_conditions"),
    ],
    "versions": {
        "engine": "0.1.0",
        "rulebook": "2026.11.0",
        "rulebook_digest": "sha256:aa",
        "lists": {"us_ofac_sdn": "sha256:s1", "un_sc": "sha256:u1"},
    },
    "audit": {"record_id": 17, "hash": "sha256:ff"},
}


def test_identical_decisions_have_an_empty_diff() -> None:
    new = {k: v for k, v in copy.deepcopy(OLD).items() if k != "audit"}
    diff = diff_decisions(OLD, new)
    assert diff.is_empty
    assert not diff.verdict_changed
    assert not diff.findings_changed
    assert diff.to_dict()["changed"] is False


def test_verdict_findings_and_versions_changes_are_reported() -> None:
    new = copy.deepcopy(OLD)
    del new["audit"]
    new["verdict"] = "prohibited"
    new["findings"][0] = finding(
        "lists.sdn.weak", "parties[1]", "prohibited", summary="strong SDN match"
    )
    del new["findings"][2]
    new["findings"].append(finding("us-dsp.202.401", "data_transfers[0]", "prohibited"))
    new["versions"]["rulebook"] = "2026.12.0"
    new["versions"]["lists"]["us_ofac_sdn"] = "sha256:s2"
    del new["versions"]["lists"]["un_sc"]
    new["versions"]["lists"]["eu_fsf"] = "sha256:e1"

    diff = diff_decisions(OLD, new)

    assert (diff.verdict_before, diff.verdict_after, diff.verdict_changed) == (
        "review",
        "prohibited",
        True,
    )
    assert [f["rule_id"] for f in diff.added] == ["us-dsp.202.401"]
    assert [f["rule_id"] for f in diff.removed] == ["kr-pipa.28-8"]
    assert diff.changed == (
        FindingChange(
            rule_id="lists.sdn.weak",
            subject="parties[1]",
            fields=("summary", "verdict"),
            before=OLD["findings"][0],
            after=new["findings"][0],
        ),
    )
    assert diff.versions_changed == (
        ValueChange("lists.eu_fsf", None, "sha256:e1"),
        ValueChange("lists.un_sc", "sha256:u1", None),
        ValueChange("lists.us_ofac_sdn", "sha256:s1", "sha256:s2"),
        ValueChange("rulebook", "2026.11.0", "2026.12.0"),
    )
    doc = diff.to_dict()
    assert doc["changed"] is True
    assert doc["verdict"] == {"before": "review", "after": "prohibited", "changed": True}
    assert doc["findings"]["changed"][0]["fields"] == ["summary", "verdict"]
    assert {"path": "rulebook", "before": "2026.11.0", "after": "2026.12.0"} in doc["versions"]


def test_findings_are_matched_by_rule_and_subject_not_by_position() -> None:
    new = copy.deepcopy(OLD)
    new["findings"].reverse()
    assert diff_decisions(OLD, new).is_empty


def test_same_rule_on_another_subject_is_an_add_and_a_remove() -> None:
    new = copy.deepcopy(OLD)
    new["findings"][0]["subject"] = "parties[2]"
    diff = diff_decisions(OLD, new)
    assert [f["subject"] for f in diff.added] == ["parties[2]"]
    assert [f["subject"] for f in diff.removed] == ["parties[1]"]
    assert diff.changed == ()


def test_repeated_rule_and_subject_pairs_are_matched_in_order() -> None:
    old = {"verdict": "review", "findings": [finding("r", "s", "review"), finding("r", "s", "x")]}
    new = {"verdict": "review", "findings": [finding("r", "s", "review")]}
    diff = diff_decisions(old, new)
    assert [f["verdict"] for f in diff.removed] == ["x"]
    assert diff.added == ()
    assert diff.changed == ()


def test_missing_parts_are_tolerated() -> None:
    diff = diff_decisions({}, {"verdict": "allowed", "versions": {"engine": "0.2.0"}})
    assert (diff.verdict_before, diff.verdict_after) == (None, "allowed")
    assert diff.versions_changed == (ValueChange("engine", None, "0.2.0"),)
    assert diff.added == ()


def test_a_version_that_becomes_a_mapping_is_reported() -> None:
    diff = diff_decisions({"versions": {"lists": "v1"}}, {"versions": {"lists": {"un_sc": "u"}}})
    assert diff.versions_changed == (
        ValueChange("lists", "v1", None),
        ValueChange("lists.un_sc", None, "u"),
    )
