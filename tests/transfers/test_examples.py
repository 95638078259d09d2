"""The examples/transfer_*.yaml transactions decide as docs/data_transfers.md explains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prosper.decide import CheckContext
from prosper.model import Verdict
from prosper.rulebook import Rulebook, load_rulebook
from prosper.schema import parse_transaction
from prosper.transfers import assess_transfers

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# example -> per transfer: (overall verdict, {regime: (verdict, a rule id it must carry)})
EXPECTED: dict[str, list[tuple[str, dict[str, tuple[str, str]]]]] = {
    "transfer_kr_customers_to_us_cloud.yaml": [
        (
            "allowed_with_conditions",
            {"KR-PIPA": ("allowed_with_conditions", "kr-pipa.28-8.1.3.entrustment-disclosed")},
        ),
        ("prohibited", {"KR-PIPA": ("prohibited", "kr-pipa.28-8.1.3.provision-not-covered")}),
    ],
    "transfer_us_location_to_foreign_vendor.yaml": [
        (
            "prohibited",
            {
                "US-DSP": ("prohibited", "us-dsp.401.no-cisa"),
                "US-PADFA": ("not_subject", "us-padfa.scope.not-data-broker"),
            },
        ),
    ],
    "transfer_eu_to_korean_ai_startup.yaml": [
        (
            "allowed_with_conditions",
            {"EU-GDPR": ("allowed_with_conditions", "eu-gdpr.45.korea-adequacy")},
        ),
        (
            "allowed_with_conditions",
            {
                "EU-GDPR": ("allowed_with_conditions", "eu-gdpr.45.dpf"),
                "KR-PIPA": ("allowed_with_conditions", "kr-pipa.28-8.1.3.entrustment-disclosed"),
            },
        ),
    ],
    "transfer_kr_hospital_emr.yaml": [
        ("prohibited", {"KR-SECTOR": ("prohibited", "kr-sector.medical.emr-offshore")}),
        ("not_subject", {"KR-PIPA": ("not_subject", "kr-pipa.58-2.anonymised")}),
    ],
    "transfer_kr_bank_credit_info.yaml": [
        ("review", {"KR-SECTOR": ("review", "kr-sector.finance.offshore-systems")}),
        (
            "allowed_with_conditions",
            {"KR-SECTOR": ("allowed_with_conditions", "kr-sector.finance.sandbox")},
        ),
    ],
    "transfer_us_broker_health_to_korea.yaml": [
        (
            "allowed_with_conditions",
            {
                "US-DSP": ("allowed_with_conditions", "us-dsp.302.brokerage-foreign-person"),
                "US-PADFA": ("allowed", "us-padfa.9901.not-controlled"),
            },
        ),
        (
            "prohibited",
            {
                "US-DSP": ("prohibited", "us-dsp.302.brokerage-no-clause"),
                "US-PADFA": ("prohibited", "us-padfa.9901.foreign-adversary-controlled"),
            },
        ),
    ],
    "transfer_texas_ehr_offshore.yaml": [
        ("prohibited", {"US-STATE": ("prohibited", "us-state.tx.sb1188")}),
        (
            "allowed_with_conditions",
            {"US-STATE": ("allowed_with_conditions", "us-state.us-storage")},
        ),
    ],
    "transfer_missing_facts.yaml": [
        ("review", {"US-DSP": ("review", "us-dsp.missing.ownership")}),
        ("review", {"US-DSP": ("review", "us-dsp.missing.subjects-count")}),
    ],
    "transfer_jp_to_kr_consent.yaml": [
        ("allowed_with_conditions", {"JP-APPI": ("allowed_with_conditions", "jp-appi.28.consent")}),
        ("prohibited", {"JP-APPI": ("prohibited", "jp-appi.28.no-basis")}),
    ],
    # the transfer test (issue 19): who exports to whom
    "transfer_sg_webshop_direct_collection.yaml": [
        ("not_subject", {"EU-GDPR": ("not_subject", "eu-gdpr.scope.direct-collection")}),
    ],
    "transfer_eu_remote_access_support.yaml": [
        ("allowed_with_conditions", {"EU-GDPR": ("allowed_with_conditions", "eu-gdpr.46.scc")}),
    ],
    "transfer_eu_travelling_employee.yaml": [
        ("not_subject", {"EU-GDPR": ("not_subject", "eu-gdpr.scope.same-entity")}),
    ],
    "transfer_eu_processor_returns_to_controller.yaml": [
        ("allowed_with_conditions", {"EU-GDPR": ("allowed_with_conditions", "eu-gdpr.46.scc")}),
    ],
    "transfer_eu_onward_kr_to_us.yaml": [
        (
            "allowed_with_conditions",
            {
                "EU-GDPR": ("allowed_with_conditions", "eu-gdpr.44.onward"),
                "KR-PIPA": ("not_subject", "kr-pipa.scope.no-korean-data"),
            },
        ),
        ("prohibited", {"EU-GDPR": ("prohibited", "eu-gdpr.44.no-mechanism")}),
    ],
}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def _blocks(name: str, book: Rulebook) -> tuple[dict[str, Any], ...]:
    tx = parse_transaction(yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8")))
    return assess_transfers(CheckContext(tx=tx, mode="enforced", rulebook=book)).data_transfers


def test_every_transfer_example_is_tested() -> None:
    on_disk = {p.name for p in EXAMPLES.glob("transfer_*.yaml")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 6


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name: str, book: Rulebook) -> None:
    blocks = _blocks(name, book)
    assert len(blocks) == len(EXPECTED[name])
    for block, (overall, regimes) in zip(blocks, EXPECTED[name], strict=True):
        assert block["verdict"] == overall, (name, block["index"])
        dets = {d["regime"]: d for d in block["determinations"]}
        for regime, (verdict, rule_id) in regimes.items():
            assert dets[regime]["verdict"] == verdict, (name, block["index"], regime)
            assert rule_id in dets[regime]["rule_ids"], (name, block["index"], regime)


def test_missing_facts_are_named(book: Rulebook) -> None:
    blocks = _blocks("transfer_missing_facts.yaml", book)
    dsp = [next(d for d in b["determinations"] if d["regime"] == "US-DSP") for b in blocks]
    assert dsp[0]["missing_facts"] == ["data_transfers[0].recipient.ownership"]
    assert dsp[1]["missing_facts"] == ["data_transfers[1].subjects_count"]


@pytest.mark.slow
def test_examples_through_the_engine(data_dir: Path) -> None:
    """The full check (screening + items + transfers + decide) on every transfer example."""
    from prosper.service import evaluate, reset_engines

    reset_engines()
    try:
        for name, expected in sorted(EXPECTED.items()):
            raw = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
            doc = evaluate(raw)
            blocks = doc["data_transfers"]
            assert [b["verdict"] for b in blocks] == [v for v, _ in expected], name
            transfer_findings = [f for f in doc["findings"] if f["area"] == "data_transfer"]
            assert len(transfer_findings) == 7 * len(blocks), name
            # no party of these fictional examples is on a list; the overall verdict is the
            # transfers' combined with the parties' screening (allowed, or review while a list
            # snapshot is out of date)
            assert all(p["hits"] == [] for p in doc["parties"]), name
            worst = Verdict.most_restrictive(f["verdict"] for f in doc["findings"])
            assert doc["verdict"] == worst.value, name
            others = [f["verdict"] for f in doc["findings"] if f["area"] != "data_transfer"]
            transfers = Verdict.most_restrictive(b["verdict"] for b in blocks)
            assert Verdict.most_restrictive([transfers, *others]) == worst, name
    finally:
        reset_engines()
