"""`prosper check` on data transfers: bad input exits 2 naming the field; a real decision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROSPER_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "prosper", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    ("transfer", "field"),
    [
        (
            '{"from_country": "KR", "to_country": "US", "categories": ["astrology"]}',
            "data_transfers[0].categories[0]",
        ),
        (
            '{"from_country": "KR", "to_country": "US", "categories": ["health"],'
            ' "subjects_count": -1}',
            "data_transfers[0].subjects_count",
        ),
        (
            '{"from_country": "KR", "to_country": "XY", "categories": ["health"]}',
            "data_transfers[0].to_country",
        ),
        (
            '{"from_country": "DE", "to_country": "IN", "categories": ["contact"],'
            ' "access": "teleport"}',
            "data_transfers[0].access",
        ),
        (
            '{"from_country": "DE", "to_country": "IN", "categories": ["contact"],'
            ' "onward": [{"country": "XY"}]}',
            "data_transfers[0].onward[0].country",
        ),
    ],
)
def test_bad_transfer_exits_2_naming_the_field(tmp_path: Path, transfer: str, field: str) -> None:
    path = tmp_path / "tx.json"
    path.write_text(f'{{"data_transfers": [{transfer}]}}', encoding="utf-8")
    out = run(tmp_path, "check", str(path), "--json")
    assert out.returncode == 2, out.stderr
    assert field in out.stderr
    assert out.stdout == ""


@pytest.mark.slow
def test_check_json_decides_a_transfer_example(tmp_path: Path) -> None:
    example = REPO / "examples" / "transfer_us_location_to_foreign_vendor.yaml"
    out = run(tmp_path, "check", str(example), "--json", "--fail-on", "prohibited")
    assert out.returncode == 3, out.stderr
    doc = json.loads(out.stdout)
    assert doc["verdict"] == "prohibited"
    (block,) = doc["data_transfers"]
    dets = {d["regime"]: d for d in block["determinations"]}
    assert dets["US-DSP"]["verdict"] == "prohibited"
    assert dets["US-DSP"]["rule_ids"] == ["us-dsp.401.no-cisa"]
    assert dets["US-PADFA"]["verdict"] == "not_subject"
    dsp = [f for f in doc["findings"] if f["area"] == "data_transfer" and f["regime"] == "US-DSP"]
    assert dsp[0]["subject"] == "data_transfers[0]"
    assert "202.401" in dsp[0]["citation"]
    assert doc["versions"]["rulebook_digest"].startswith("sha256:")
