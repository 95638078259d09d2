"""The issue-15 golden transactions through ``prosper check --json`` (screening, rules, audit).

One data folder for the module: the screening index is built once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cli.cli_helpers import invoke

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from prosper.service import reset_engines

    folder = tmp_path_factory.mktemp("prosper-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROSPER_DATA_DIR", str(folder))
        mp.delenv("PROSPER_DB_URL", raising=False)
        mp.delenv("PROSPER_AFFILIATES_RULE", raising=False)

        def run(name: str, *extra: str, affiliates: str | None = None) -> dict[str, Any]:
            if affiliates is None:
                mp.delenv("PROSPER_AFFILIATES_RULE", raising=False)
            else:
                mp.setenv("PROSPER_AFFILIATES_RULE", affiliates)
            out = invoke("check", str(EXAMPLES / name), "--json", *extra)
            assert out.code == 0, out.error
            doc: dict[str, Any] = json.loads(out.stdout)
            return doc

        yield run
        reset_engines()


def _by_rule(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule_id"]: f for f in doc["findings"]}


@pytest.mark.slow
def test_malaysian_subsidiary_60_percent_owned_by_an_entity_listed_firm(check: Any) -> None:
    doc = check("export_us_h100_to_malaysia_entity_listed_parent.yaml")
    assert doc["verdict"] == "review"
    found = _by_rule(doc)
    unsettled = found["us-ear.744.11.affiliates.after-stay.unsettled"]
    assert unsettled["subject"] == "items[0]"
    assert "Sophgo Technologies Ltd." in unsettled["summary"]
    assert "presumption_of_denial" in unsettled["summary"]  # what the in-force reading gives
    owner = doc["parties"][1]["owners"][0]
    assert owner["path"] == "parties[1].owners[0]"
    assert "EL" in owner["lists"]
    assert owner["hits"], "the owner's own hits are reported under parties[1].owners[0]"
    (aff,) = [lo for lo in doc["parties"][1]["listed_ownership"] if lo["family"] == "affiliates"]
    assert aff["aggregate_percent"] == 60
    assert doc["versions"]["settings"] == {"affiliates_rule": "unset"}

    doc = check("export_us_h100_to_malaysia_entity_listed_parent.yaml", affiliates="in_force")
    assert doc["verdict"] == "license_required"
    found = _by_rule(doc)
    rule = found["us-ear.744.11.affiliates.after-stay.in-force.denial"]
    assert rule["review_policy"] == "presumption_of_denial"
    assert doc["versions"]["settings"] == {"affiliates_rule": "in_force"}

    doc = check("export_us_h100_to_malaysia_entity_listed_parent.yaml", "--as-of", "2026-03-01")
    assert "us-ear.744.11.affiliates.stayed" in _by_rule(doc)


@pytest.mark.slow
def test_two_level_chain_30_plus_30_from_two_sdn_parties(check: Any) -> None:
    doc = check("export_us_switches_to_hk_sdn_chain.yaml")
    assert doc["verdict"] == "prohibited"
    finding = _by_rule(doc)["us-ofac.50-percent.us-nexus"]
    assert finding["subject"] == "parties[1]"
    assert finding["verdict"] == "prohibited"
    (blocked,) = [lo for lo in doc["parties"][1]["listed_ownership"] if lo["family"] == "blocked"]
    assert (blocked["aggregate_percent"], blocked["indirect_percent"]) == (80, 48)
    paths = {o["path"]: o for o in doc["parties"][1]["owners"]}
    assert "SDN" in paths["parties[1].owners[0].owners[0]"]["lists"]
    assert "SDN" in paths["parties[1].owners[0].owners[1]"]["lists"]
    assert "deemed:blocked" in paths["parties[1].owners[0]"]["lists"]


@pytest.mark.slow
def test_korean_ear99_laptop_to_iran_is_no_longer_allowed(check: Any) -> None:
    doc = check("export_kr_ear99_laptop_to_iran.yaml")
    assert doc["verdict"] == "review"
    found = _by_rule(doc)
    assert found["un-sc.iran.snapback"]["verdict"] == "review"
    assert found["kr-sanctions.iran"]["verdict"] == "review"
    assert found["us-ear.734.3.not-subject"]["verdict"] == "not_subject"
    assert found["kr-fta.19-2.not-listed"]["verdict"] == "allowed"


@pytest.mark.slow
def test_exporter_only_transaction_is_review_naming_the_items(check: Any) -> None:
    doc = check("check_kr_exporter_only_to_china.yaml")
    assert doc["verdict"] == "review"
    finding = _by_rule(doc)["export-kyc.no-items"]
    assert finding["missing_facts"] == ["items"]
