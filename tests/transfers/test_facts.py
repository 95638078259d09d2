"""Facts computed from a data transfer: ownership tests, aggregation, transfer kind, dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from prosper.model import DataTransfer, Ownership, Party, PartyRole, Recipient, Transaction
from prosper.transfers import compute_facts

AS_OF = date(2026, 11, 27)


def _tx(
    *transfers: DataTransfer, parties: tuple[Party, ...] = (), as_of: date = AS_OF
) -> Transaction:
    return Transaction(as_of=as_of, parties=parties, data_transfers=transfers)


def _dt(**kw: Any) -> DataTransfer:
    base: dict[str, Any] = {"from_country": "US", "to_country": "SG", "categories": ("health",)}
    base.update(kw)
    return DataTransfer(**base)


def _owned(*shares: tuple[str, float], country: str = "SG") -> Recipient:
    return Recipient(
        name="R Pte", country=country, ownership=tuple(Ownership(c, p) for c, p in shares)
    )


@pytest.mark.parametrize(
    ("share", "covered"), [(49.9, False), (50.0, True), (60.0, True), (0.0, False)]
)
def test_covered_person_at_fifty_percent(share: float, covered: bool) -> None:
    facts = compute_facts(_tx(_dt(recipient=_owned(("CN", share), ("SG", 100 - share)))), 0)
    assert facts["covered_person"] is covered


def test_covered_person_aggregates_countries_of_concern() -> None:
    # 30 % Russia + 25 % Hong Kong = 55 % held from countries of concern (in aggregate)
    facts = compute_facts(_tx(_dt(recipient=_owned(("RU", 30), ("HK", 25), ("SG", 45)))), 0)
    assert facts["coc_ownership_percent"] == 55
    assert facts["covered_person"] is True


def test_covered_person_unknown_without_ownership() -> None:
    facts = compute_facts(_tx(_dt(recipient=Recipient(name="R Pte", country="SG"))), 0)
    assert facts["covered_person"] is None
    assert facts["padfa_controlled"] is None


def test_located_in_country_of_concern_is_covered() -> None:
    facts = compute_facts(_tx(_dt(to_country="VE", recipient=Recipient(country="VE"))), 0)
    assert facts["covered_person"] is True
    assert facts["padfa_controlled"] is False or facts["padfa_controlled"] is None


def test_headquarters_from_the_matching_party() -> None:
    party = Party(
        name="Lion Data Pte", role=PartyRole.END_USER, country="SG", headquarters_country="CN"
    )
    facts = compute_facts(
        _tx(_dt(recipient=Recipient(name="lion data pte", country="SG")), parties=(party,)), 0
    )
    assert facts["recipient_hq_country"] == "CN"
    assert facts["covered_person"] is True
    assert facts["padfa_controlled"] is True


@pytest.mark.parametrize(("share", "controlled"), [(19.0, False), (20.0, True)])
def test_padfa_twenty_percent(share: float, controlled: bool) -> None:
    facts = compute_facts(_tx(_dt(recipient=_owned(("CN", share), ("SG", 100 - share)))), 0)
    assert facts["padfa_controlled"] is controlled


def test_padfa_counts_hong_kong_as_china_but_not_venezuela() -> None:
    hk = compute_facts(_tx(_dt(recipient=_owned(("HK", 30), ("SG", 70)))), 0)
    ve = compute_facts(_tx(_dt(recipient=_owned(("VE", 60), ("SG", 40)))), 0)
    assert hk["padfa_controlled"] is True
    assert ve["padfa_controlled"] is False
    assert ve["covered_person"] is True  # Venezuela is a DSP country of concern


def test_us_recipient_is_a_us_person() -> None:
    facts = compute_facts(_tx(_dt(to_country="US", recipient=Recipient(country="US"))), 0)
    assert facts["recipient_us_person"] is True
    assert facts["covered_person"] is False


@pytest.mark.parametrize(("count", "bulk"), [(10000, False), (10001, True), (None, None)])
def test_bulk_threshold_is_more_than(count: int | None, bulk: bool | None) -> None:
    facts = compute_facts(_tx(_dt(subjects_count=count)), 0)
    assert facts["dsp_bulk"] is bulk


def test_bulk_aggregates_transfers_to_the_same_recipient() -> None:
    r = Recipient(name="Geo Co", country="CN")
    a = _dt(categories=("precise_geolocation",), subjects_count=600, recipient=r)
    b = _dt(categories=("precise_geolocation",), subjects_count=600, recipient=r)
    other = _dt(
        categories=("precise_geolocation",),
        subjects_count=600,
        recipient=Recipient(name="Other Co", country="CN"),
    )
    assert compute_facts(_tx(a, b), 0)["dsp_count_12m_precise_geolocation"] == 1200
    assert compute_facts(_tx(a, b), 0)["dsp_bulk"] is True
    assert compute_facts(_tx(a, other), 0)["dsp_bulk"] is False


def test_contact_alone_is_not_sensitive_personal_data() -> None:
    facts = compute_facts(_tx(_dt(categories=("contact",), subjects_count=10**6)), 0)
    assert facts["dsp_sensitive"] is False
    combined = compute_facts(_tx(_dt(categories=("contact", "identifiers"))), 0)
    assert combined["dsp_categories"] == ("covered_personal_identifiers",)


def test_category_mapping_emr_and_credit() -> None:
    facts = compute_facts(_tx(_dt(categories=("emr", "credit_info"), subjects_count=5)), 0)
    assert facts["dsp_categories"] == ("financial", "health")


@pytest.mark.parametrize(
    ("purpose", "ttype", "kind"),
    [
        ("storage", "vendor", "storage"),
        ("model_training", "vendor", "entrustment"),
        ("model_training", "intra_group", "provision"),
        ("model_training", None, None),
        ("sale", None, "provision"),
        (None, "data_brokerage", "provision"),
        ("customer_support", None, "entrustment"),
        (None, "intra_group", "provision"),
        (None, None, None),
    ],
)
def test_pipa_transfer_kind(purpose: str | None, ttype: str | None, kind: str | None) -> None:
    dt = _dt(from_country="KR", to_country="US", purpose=purpose, transaction_type=ttype)
    assert compute_facts(_tx(dt), 0)["kr_transfer_kind"] == kind


def test_eu_recognition_is_dated() -> None:
    dt = _dt(from_country="KR", to_country="DE", categories=("contact",))
    assert compute_facts(_tx(dt, as_of=date(2025, 9, 15)), 0)["kr_recognised_destination"] is False
    assert compute_facts(_tx(dt, as_of=date(2025, 9, 16)), 0)["kr_recognised_destination"] is True


def test_recognition_exclusions() -> None:
    dt = _dt(from_country="KR", to_country="FR", categories=("contact", "credit_info"))
    facts = compute_facts(_tx(dt), 0)
    assert facts["kr_recognition_excluded_data"] is True


def test_unknown_safeguards_are_reported_not_counted() -> None:
    dt = _dt(safeguards=("consent_seperate", "subjects_state:TX", "scc"))
    facts = compute_facts(_tx(dt), 0)
    assert facts["unknown_safeguards"] == ("consent_seperate",)
    assert facts["sg_consent_separate"] is False
    assert facts["us_state"] == "TX"


def test_us_person_exporter() -> None:
    dt = _dt(from_country="KR", to_country="CN", subjects_country="US")
    assert compute_facts(_tx(dt), 0)["us_person_exporter"] is None
    us_exporter = Party(name="X Inc", role=PartyRole.EXPORTER, country="US")
    assert compute_facts(_tx(dt, parties=(us_exporter,)), 0)["us_person_exporter"] is True


def test_unknown_us_state_is_not_a_silent_pass() -> None:
    dt = _dt(safeguards=("subjects_state:Texas", "subjects_state:fl"))
    facts = compute_facts(_tx(dt), 0)
    assert facts["us_states"] == ("FL",)
    assert facts["unknown_safeguards"] == ("subjects_state:Texas",)
    only_bad = compute_facts(_tx(_dt(safeguards=("subjects_state:XX",))), 0)
    assert only_bad["us_state"] is None


def test_reference_is_built_once_per_rulebook_digest() -> None:
    """A check reads the transfer reference of its rulebook: built once per content digest
    (the digest covers the table files), a rulebook with other tables gets its own."""
    import dataclasses

    from prosper.rulebook import load_rulebook
    from prosper.transfers.reference import build_reference, reference_from

    book = load_rulebook()
    first = reference_from(book)
    assert reference_from(book) is first
    names = ("us_dsp_reference", "us_padfa_reference", "eu_gdpr_reference", "kr_pipa_reference")
    assert first == build_reference({n: book.table(n).data for n in names})
    dsp = book.table("us_dsp_reference")
    data = {**dsp.data, "covered_person_ownership_percent": {"value": 25}}
    other = dataclasses.replace(
        book,
        digest="sha256:" + "0" * 64,
        tables={**book.tables, "us_dsp_reference": dataclasses.replace(dsp, data=data)},
    )
    assert reference_from(other).covered_person_percent == 25.0
    assert first.covered_person_percent == 50.0
    assert reference_from(book) is first
