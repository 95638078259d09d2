"""The transfer test (issue 19): the who-exports-to-whom facts, validated and computed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from prosper.errors import InputError
from prosper.model import DataTransfer, OnwardTransfer, Transaction
from prosper.rulebook import Rulebook
from prosper.schema import parse_transaction
from prosper.transfers import assess_one, compute_facts

AS_OF = date(2026, 11, 27)


def _doc(**extra: Any) -> dict[str, Any]:
    transfer = {"from_country": "DE", "to_country": "IN", "categories": ["contact"], **extra}
    return {"as_of": "2026-11-27", "data_transfers": [transfer]}


def test_the_new_facts_are_parsed() -> None:
    tx = parse_transaction(
        _doc(
            collection="direct_from_subjects",
            same_entity=False,
            access="remote",
            exporter_role="controller",
            importer_role="processor",
            onward=[{"country": "us", "name": "Cloud LLC", "role": "processor"}],
        )
    )
    dt = tx.data_transfers[0]
    assert (dt.collection, dt.same_entity, dt.access) == ("direct_from_subjects", False, "remote")
    assert (dt.exporter_role, dt.importer_role) == ("controller", "processor")
    assert dt.onward == (OnwardTransfer(country="US", name="Cloud LLC", role="processor"),)


def test_absent_facts_stay_absent() -> None:
    dt = parse_transaction(_doc()).data_transfers[0]
    assert (dt.collection, dt.same_entity, dt.access, dt.exporter_role, dt.onward) == (
        None,
        None,
        None,
        None,
        (),
    )


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"collection": "scraped"}, "data_transfers[0].collection"),
        ({"access": "teleport"}, "data_transfers[0].access"),
        ({"importer_role": "owner"}, "data_transfers[0].importer_role"),
        ({"exporter_role": "joint"}, "data_transfers[0].exporter_role"),
        ({"same_entity": "perhaps"}, "data_transfers[0].same_entity"),
        ({"onward": [{"country": "XX"}]}, "data_transfers[0].onward[0].country"),
        ({"onward": [{"country": "US", "via": "ship"}]}, "data_transfers[0].onward[0].via"),
        ({"onward": ["US"]}, "data_transfers[0].onward[0]"),
    ],
)
def test_bad_values_name_the_field(extra: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_transaction(_doc(**extra))
    assert err.value.field == field


def _facts(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"from_country": "KR", "to_country": "US", "categories": ("contact",)}
    base.update(kw)
    return compute_facts(Transaction(as_of=AS_OF, data_transfers=(DataTransfer(**base),)), 0)


def test_defaults_keep_the_earlier_reading() -> None:
    facts = _facts()
    assert facts["collection"] == "unspecified"
    assert facts["access"] == "unspecified"
    assert facts["importer_role"] == "unspecified"
    assert facts["same_entity"] is None  # unknown, so a rule that needs it can name it
    assert facts["onward_countries"] == ()


@pytest.mark.parametrize(
    ("role", "purpose", "kind"),
    [
        ("controller", "storage", "provision"),
        ("controller", "hosting", "provision"),
        ("processor", "storage", "storage"),
        ("processor", "model_training", "entrustment"),
        (None, "hosting", "entrustment"),
    ],
)
def test_importer_role_decides_pipa_kind(role: str | None, purpose: str, kind: str) -> None:
    assert _facts(importer_role=role, purpose=purpose)["kr_transfer_kind"] == kind


def test_onward_facts_per_regime() -> None:
    back_home = (OnwardTransfer(country="FR"), OnwardTransfer(country="KR"))
    facts = _facts(onward=back_home)
    assert facts["onward_countries"] == ("FR", "KR")
    assert facts["eu_onward_third_country"] is True  # KR is a third country for the EU
    assert facts["kr_onward_abroad"] is True
    assert _facts(onward=(OnwardTransfer(country="FR"),))["eu_onward_third_country"] is False
    assert _facts(onward=(OnwardTransfer(country="KR"),))["kr_onward_abroad"] is False


def test_a_missing_fact_is_named(rulebook: Rulebook) -> None:
    tx = parse_transaction(_doc(access="remote", safeguards=["scc"]))
    eu = next(d for d in assess_one(tx, 0, rulebook) if d.regime == "EU-GDPR")
    assert eu.verdict.value == "review"
    assert eu.missing_facts == ("data_transfers[0].same_entity",)
    assert "Provide: data_transfers[0].same_entity" in eu.conditions


def test_not_a_transfer_names_the_remaining_duties(rulebook: Rulebook) -> None:
    tx = parse_transaction(
        {
            "as_of": "2026-11-27",
            "data_transfers": [
                {
                    "from_country": "IT",
                    "to_country": "SG",
                    "categories": ["contact"],
                    "collection": "direct_from_subjects",
                }
            ],
        }
    )
    eu = next(d for d in assess_one(tx, 0, rulebook) if d.regime == "EU-GDPR")
    assert eu.verdict.value == "not_subject"
    assert "Art. 3(2)" in eu.summary
    assert any("Art. 27" in c for c in eu.conditions)
    # without the fact the same movement is judged a transfer with no mechanism, as before
    plain = parse_transaction(_doc(from_country="IT", to_country="SG"))
    before = next(d for d in assess_one(plain, 0, rulebook) if d.regime == "EU-GDPR")
    assert before.verdict.value == "prohibited"
