"""`prosper rules show|check|test`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import Outcome, invoke

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> Outcome:
    return invoke("rules", *args)


@pytest.mark.slow
def test_rules_check_exit_code_in_a_real_process() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "prosper", "rules", "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok: ")


def test_rules_check_json() -> None:
    out = run("check", "--json")
    assert out.code == 0, out.error
    doc = json.loads(out.stdout)
    assert doc["valid"] is True
    assert doc["digest"].startswith("sha256:")
    assert "us_ear.yaml" in doc["rule_files"]
    assert "ear_country_groups" in doc["tables"]


def test_rules_test_passes() -> None:
    out = run("test", "--json")
    assert out.code == 0, out.stdout
    doc = json.loads(out.stdout)
    assert doc["failed"] == []
    assert doc["passed"] == doc["runs"] > 0


def test_rules_show_on_date_and_regime() -> None:
    out = run("show", "--on", "2026-01-14", "--regime", "US-EAR", "--json")
    assert out.code == 0, out.error
    ids = {r["id"] for r in json.loads(out.stdout)["rules"]}
    assert "us-ear.742.6.b10.d5-macau.2023" in ids
    assert "us-ear.742.6.b10.china-case-by-case" not in ids
    later = json.loads(run("show", "--on", "2026-11-27", "--regime", "US-EAR", "--json").stdout)
    later_ids = {r["id"] for r in later["rules"]}
    assert "us-ear.742.6.b10.china-case-by-case" in later_ids
    assert "us-ear.742.6.b10.d5-macau.2023" not in later_ids


def test_rules_show_bad_input() -> None:
    assert run("show", "--on", "2026-13-01").code == 2
    assert run("show", "--regime", "XX").code == 2


RULE = """
rules:
  - id: t.embargo
    title: Embargo
    regime: US-EAR
    citation: {source: 15 CFR, section: "746", url: "https://www.ecfr.gov/"}
    effective_from: 2024-01-01
    status: enforced
    when: {fact: destination.country, in: [CU, IR]}
    then: {verdict: prohibited}
    rationale: test
"""


def _rulebook(tmp_path: Path, expected_verdict: str, rule: str = RULE) -> Path:
    (tmp_path / "t.yaml").write_text(rule, encoding="utf-8")
    (tmp_path / "t.cases.yaml").write_text(
        "cases:\n  - id: c1\n    regime: US-EAR\n    as_of: 2026-01-01\n"
        "    facts: {destination.country: CU}\n"
        f"    expect: {{rules: [t.embargo], verdict: {expected_verdict}}}\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("id: t\nversion: 2026.1.0\nrule_files: [t.yaml]\n", encoding="utf-8")
    return manifest


def test_rules_test_fails_on_a_failing_case(tmp_path: Path) -> None:
    good = run("test", "--manifest", str(_rulebook(tmp_path, "prohibited")))
    assert good.code == 0, good.stdout
    bad = run("test", "--manifest", str(_rulebook(tmp_path, "allowed")))
    assert bad.code == 1
    assert "FAIL t.cases.yaml c1" in bad.stdout


def test_rules_check_reports_a_grammar_error(tmp_path: Path) -> None:
    broken = RULE.replace("effective_from: 2024-01-01", "effective_from: 2024-02-30")
    out = run("check", "--manifest", str(_rulebook(tmp_path, "prohibited", broken)))
    assert out.code == 2
    assert "t.yaml: rule t.embargo" in out.error
    assert "effective_from" in out.error
    assert run("check", "--manifest", str(tmp_path / "nope.yaml")).code == 2
