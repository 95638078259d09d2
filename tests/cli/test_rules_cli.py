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
