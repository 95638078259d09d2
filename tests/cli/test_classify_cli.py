"""`prosper classify` and bad input to `prosper check` (exit 2 naming the field)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import Outcome, invoke

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> Outcome:
    return invoke(*args)


def test_classify_json(tmp_path: Path) -> None:
    item = tmp_path / "h100.yaml"
    item.write_text(
        "description: H100 SXM\nkind: integrated_circuit\neccn: 5A992.c\n"
        "performance: [{bits: 8, tops: 1979}]\ndie_area_mm2: 814\ndatacenter: true\n"
        "us_origin: true\n",
        encoding="utf-8",
    )
    out = run("classify", str(item), "--json", "--as-of", "2026-11-27")
    assert out.code == 0, out.error
    doc = json.loads(out.stdout)
    assert doc["tpp"] == 15832
    assert doc["performance_density"] == pytest.approx(19.45)
    assert doc["classification"] == "5A992.z.1"
    assert doc["subject_to_ear"]["value"] is True
    assert doc["rulebook"]["digest"].startswith("sha256:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"description": "x", "kind": "integrated_circuit", "tpp": -5}', "tpp"),
        ('{"description": "x", "kind": "gpu"}', "kind"),
        ('{"description": "x", "kind": "hbm", "colour": "red"}', "colour"),
    ],
)
def test_classify_bad_item_exits_2_naming_field(tmp_path: Path, body: str, field: str) -> None:
    path = tmp_path / "item.json"
    path.write_text(body, encoding="utf-8")
    out = run("classify", str(path))
    assert out.code == 2
    assert field in out.error


TX = """
as_of: {as_of}
origin_country: US
destination_country: {dest}
parties: [{{role: end_user, name: Buyer Ltd, country: VN, headquarters_country: VN}}]
items:
  - {{description: chip, kind: {kind}, tpp: {tpp}, die_area_mm2: 800, datacenter: true}}
"""


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"tpp": -1}, "items[0].tpp"),
        ({"dest": "XX"}, "destination_country"),
        ({"kind": "gpu"}, "items[0].kind"),
        ({"as_of": "next-tuesday"}, "as_of"),
    ],
)
def test_check_rejects_bad_input(
    tmp_path: Path, values: dict[str, object], field: str, data_dir: Path
) -> None:
    fields: dict[str, object] = {
        "as_of": "2026-11-27",
        "dest": "VN",
        "kind": "integrated_circuit",
        "tpp": 4800,
    }
    fields.update(values)
    path = tmp_path / "tx.yaml"
    path.write_text(TX.format(**fields), encoding="utf-8")
    out = run("check", str(path), "--json")
    assert out.code == 2, out.stdout + out.error
    assert field in out.error


@pytest.mark.slow
def test_check_bad_input_exit_code_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "tx.yaml"
    path.write_text(
        TX.format(as_of="2026-11-27", dest="VN", kind="integrated_circuit", tpp=-1),
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "prosper", "check", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert out.returncode == 2
    assert "items[0].tpp" in out.stderr
    assert out.stdout == ""
