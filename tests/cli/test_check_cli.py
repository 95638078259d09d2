"""`prosper check`: decisions, audit records, --fail-on, and every error path (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_helpers import invoke

from prosper.service import reset_engines
from prosper.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transactions"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kr_to_vn_rngd.yaml"
GOLDEN = yaml.safe_load((FIXTURES / "party_golden.yaml").read_text())
BAD = yaml.safe_load((FIXTURES / "bad_inputs.yaml").read_text())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One data folder for the module, so the engine and its index are built once."""
    folder = tmp_path_factory.mktemp("prosper-check")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROSPER_DATA_DIR", str(folder))
        mp.delenv("PROSPER_DB_URL", raising=False)
        mp.setenv("PROSPER_ACTOR", "test-officer")
        yield folder
    reset_engines()


def _write(folder: Path, doc: Any, name: str = "tx.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _check_json(*args: str) -> dict[str, Any]:
    out = invoke("check", *args, "--json")
    assert out.code == 0, out.error
    doc: dict[str, Any] = json.loads(out.stdout)
    return doc


def test_contract_example_is_decided_and_recorded(data_dir: Path) -> None:
    doc = _check_json(str(EXAMPLE), "--as-of", "2026-11-27")
    assert doc["id"] == "PO-2026-0142"
    assert doc["as_of"] == "2026-11-27"
    assert doc["mode"] == "enforced"
    assert doc["verdict"] in {"license_required", "review", "prohibited"}
    assert {f["area"] for f in doc["findings"]} >= {"screening", "data_transfer"}
    assert [p["role"] for p in doc["parties"]] == ["exporter", "end_user"]
    assert doc["items"][0]["index"] == 0
    assert doc["data_transfers"][0]["index"] == 0
    versions = doc["versions"]
    assert versions["rulebook_digest"].startswith("sha256:")
    assert set(versions["lists"]) >= {"us_ofac_sdn", "un_sc", "us_csl", "us_bis_dpl"}
    assert doc["audit"]["record_id"] >= 1
    assert doc["audit"]["hash"].startswith("sha256:")
    shown = json.loads(invoke("audit", "show", str(doc["audit"]["record_id"]), "--json").stdout)
    # the OS login is the actor; PROSPER_ACTOR is only a claim recorded beside it
    assert shown["actor"] == load_settings().actor != "test-officer"
    assert shown["versions"]["claimed_actor"] == "test-officer"
    assert shown["output"]["verdict"] == doc["verdict"]
    assert shown["input"]["as_of"] == "2026-11-27"


@pytest.mark.parametrize("case", GOLDEN, ids=[c["case"] for c in GOLDEN])
def test_party_screening_golden(data_dir: Path, case: dict[str, Any]) -> None:
    path = _write(data_dir, {"as_of": "2026-11-27", "parties": [case["party"]]})
    doc = _check_json(str(path))
    party_findings = [f for f in doc["findings"] if f["subject"] == "parties[0]"]
    worst = doc["parties"][0]["verdict"]
    assert worst == case["verdict"], party_findings
    assert any(
        f["rule_id"] == case["rule_id"] and f["verdict"] == case["verdict"] for f in party_findings
    ), party_findings
    if "review_policy" in case:
        assert any(f["review_policy"] == case["review_policy"] for f in party_findings)
    if case["verdict"] != "allowed":
        assert doc["parties"][0]["hits"], "a flagged party shows the hits behind it"


def test_human_output_names_verdict_and_citation(data_dir: Path) -> None:
    party = GOLDEN[0]["party"]
    out = invoke("check", str(_write(data_dir, {"parties": [party]})))
    assert out.code == 0
    assert "verdict: prohibited" in out.stdout
    assert "31 CFR" in out.stdout
    assert "audit record" in out.stdout


def test_fail_on_exits_3_when_reached(data_dir: Path) -> None:
    path = _write(data_dir, {"parties": [GOLDEN[0]["party"]]})
    assert invoke("check", str(path), "--fail-on", "prohibited").code == 3
    assert invoke("check", str(path), "--fail-on", "review").code == 3
    # a party alone is thin input (no items, no end user): review, so --fail-on review is reached
    thin = _write(data_dir, {"parties": [GOLDEN[-1]["party"]]}, "thin.yaml")
    assert invoke("check", str(thin), "--fail-on", "review").code == 3
    clean = EXAMPLE.parent / "export_us_open_weights_to_india.yaml"  # verdict: allowed
    assert invoke("check", str(clean), "--fail-on", "review").code == 0


def test_literal_mode_is_stated(data_dir: Path) -> None:
    doc = _check_json(str(EXAMPLE), "--mode", "literal")
    assert doc["mode"] == "literal"


def test_every_check_is_in_a_verifying_audit_log(data_dir: Path) -> None:
    before = json.loads(invoke("audit", "list", "--json", "--limit", "1000").stdout)["records"]
    doc = _check_json(str(EXAMPLE))
    after = json.loads(invoke("audit", "list", "--json", "--limit", "1000").stdout)["records"]
    assert len(after) == len(before) + 1
    assert after[0]["id"] == doc["audit"]["record_id"]
    assert invoke("audit", "verify").code == 0


@pytest.mark.parametrize("case", BAD, ids=[c["case"] for c in BAD])
def test_bad_transaction_exits_2_naming_the_field(data_dir: Path, case: dict[str, Any]) -> None:
    out = invoke("check", str(_write(data_dir, case["doc"], "bad.yaml")))
    assert out.code == 2
    assert out.error.startswith(case["field"] + ":"), out.error


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--as-of", "27/11/2026"], "--as-of"),
        (["--mode", "creative"], "--mode"),
        (["--fail-on", "forbidden"], "--fail-on"),
    ],
)
def test_bad_options_exit_2(data_dir: Path, args: list[str], field: str) -> None:
    out = invoke("check", str(EXAMPLE), *args)
    assert out.code == 2
    assert out.error.startswith(field), out.error


def test_missing_and_unreadable_files_exit_2(data_dir: Path) -> None:
    missing = invoke("check", str(data_dir / "nope.yaml"))
    assert missing.code == 2
    assert "no such file" in missing.error
    broken = data_dir / "broken.yaml"
    broken.write_text("parties: [name: {", encoding="utf-8")
    assert invoke("check", str(broken)).code == 2
    wrong = data_dir / "tx.txt"
    wrong.write_text("x", encoding="utf-8")
    assert invoke("check", str(wrong)).code == 2


# ------------------------------------------------------------ one reader, one validator (issue 13)


def _raw(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_yaml_no_stays_norway(data_dir: Path) -> None:
    """YAML 1.1 read ``NO`` as false; the 1.2 core schema keeps the country code."""
    path = _raw(data_dir, "norway.yaml", "as_of: 2026-11-27\ndestination_country: NO\n")
    doc = _check_json(str(path))
    shown = json.loads(invoke("audit", "show", str(doc["audit"]["record_id"]), "--json").stdout)
    assert shown["input"]["destination_country"] == "NO"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("items: [{description: chip, kind: integrated_circuit, tpp: yes}]\n", "items[0].tpp"),
        ("items: [{description: c, kind: hbm, die_area_mm2: true}]\n", "items[0].die_area_mm2"),
        ("as_of: 2026-02-30\n", "as_of"),
        ("as_of: 0\n", "as_of"),
        ("parties: [{name: Kim, dob: 1984-02-30}]\n", "parties[0].dob"),
        (
            "items: [{description: c, kind: hbm, quantity: 1" + "0" * 4300 + "}]\n",
            "items[0].quantity",
        ),
        ("parties: " + "[" * 500 + "]" * 500 + "\n", "TRANSACTION"),
        ("a: &a [x]\nb: *a\n", "TRANSACTION"),
        ("destination_country: NO\ndestination_country: KP\n", "TRANSACTION"),
    ],
)
def test_bad_yaml_text_exits_2_naming_the_field(data_dir: Path, text: str, field: str) -> None:
    out = invoke("check", str(_raw(data_dir, "bad.yaml", text)))
    assert out.code == 2
    assert out.error.startswith(field + ":"), out.error
    assert "\n" not in out.error.strip()


def test_non_utf8_file_names_its_encoding(data_dir: Path) -> None:
    body = "as_of: 2026-11-27\nparties: [{name: 삼성전자 주식회사, country: KR}]\n".encode("cp949")
    path = _raw(data_dir, "cp949.yaml", body)
    out = invoke("check", str(path))
    assert out.code == 2
    assert out.error.startswith("TRANSACTION: not UTF-8")
    assert "cp949" in out.error
    doc = _check_json(str(path), "--encoding", "cp949")
    assert doc["parties"][0]["name"] == "삼성전자 주식회사"


def test_party_limit_is_a_setting(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROSPER_MAX_PARTIES", "2")
    path = _write(data_dir, {"parties": [{"name": f"P{i}"} for i in range(3)]}, "many.yaml")
    out = invoke("check", str(path))
    assert out.code == 2
    assert out.error.startswith("parties: 3 entries; at most 2"), out.error
    monkeypatch.setenv("PROSPER_MAX_PARTIES", "lots")
    assert invoke("check", str(path)).error.startswith("PROSPER_MAX_PARTIES:")


def test_as_of_option_is_a_real_date(data_dir: Path) -> None:
    for bad in ("2026-02-30", "0", "20261127"):
        out = invoke("check", str(EXAMPLE), "--as-of", bad)
        assert out.code == 2
        assert out.error.startswith("--as-of:"), out.error
