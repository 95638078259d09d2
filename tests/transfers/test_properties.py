"""Properties of the transfer rules over random transfers (hypothesis).

* Completeness: on a date when every regime is in force, each regime has at least one matching
  rule for any valid transfer — the engine never falls back to "no rule decided".
* Monotonicity: declaring one more safeguard never makes a regime's verdict more restrictive.
* The default reading of the transfer test: leaving ``collection`` out is the same as declaring
  ``from_exporter``, and ``same_entity: false`` the same as leaving it out unless the access is
  remote (where the engine asks who accesses).
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prosper.model import DataTransfer, OnwardTransfer, Ownership, Recipient, Transaction
from prosper.rulebook import Rulebook
from prosper.transfers import CATEGORIES, REGIMES, SAFEGUARDS, assess_one

AS_OF = date(2026, 11, 27)
COUNTRIES = ["KR", "US", "CN", "HK", "VE", "DE", "FR", "JP", "GB", "SG", "IN", "CA", "BR", "MY"]
PURPOSES = [
    None,
    "storage",
    "processing_for_contract",
    "analytics",
    "model_training",
    "research",
    "sale",
    "model_weights",
    "payroll",
    "regulatory_approval",
    "clinical_investigation",
]
TYPES = [None, "vendor", "employment", "investment", "data_brokerage", "intra_group"]
TOKENS = [*SAFEGUARDS, "subjects_state:TX", "subjects_state:FL", "subjects_state:NY"]

recipients = st.builds(
    Recipient,
    name=st.sampled_from([None, "R One", "R Two"]),
    country=st.sampled_from([None, *COUNTRIES]),
    ownership=st.lists(
        st.builds(
            Ownership,
            country=st.sampled_from(COUNTRIES),
            percent=st.sampled_from([10.0, 20.0, 50.0, 100.0]),
        ),
        max_size=2,
    ).map(tuple),
    certifications=st.lists(st.sampled_from(["dpf", "cbpr", "isms_p"]), max_size=2).map(tuple),
)

transfers = st.builds(
    DataTransfer,
    from_country=st.sampled_from(COUNTRIES),
    to_country=st.sampled_from(COUNTRIES),
    categories=st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True).map(
        tuple
    ),
    subjects_country=st.sampled_from([None, *COUNTRIES]),
    subjects_count=st.sampled_from([None, 0, 50, 101, 1001, 10001, 200000]),
    anonymised=st.booleans(),
    pseudonymised=st.booleans(),
    purpose=st.sampled_from(PURPOSES),
    transaction_type=st.sampled_from(TYPES),
    sector=st.sampled_from([None, "finance", "health", "public"]),
    recipient=st.one_of(st.none(), recipients),
    safeguards=st.lists(st.sampled_from(TOKENS), max_size=3, unique=True).map(tuple),
    # the transfer test (who exports to whom), each optional
    collection=st.sampled_from([None, "direct_from_subjects", "from_exporter"]),
    same_entity=st.sampled_from([None, True, False]),
    access=st.sampled_from([None, "remote", "copy"]),
    exporter_role=st.sampled_from([None, "controller", "processor"]),
    importer_role=st.sampled_from([None, "controller", "processor"]),
    onward=st.lists(
        st.builds(
            OnwardTransfer,
            country=st.sampled_from(COUNTRIES),
            role=st.sampled_from([None, "controller", "processor"]),
        ),
        max_size=2,
    ).map(tuple),
)

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _verdicts(dt: DataTransfer, book: Rulebook) -> dict[str, tuple[str, tuple[str, ...]]]:
    tx = Transaction(as_of=AS_OF, data_transfers=(dt,))
    return {d.regime: (d.verdict.value, d.rule_ids) for d in assess_one(tx, 0, book)}


@FAST
@given(dt=transfers)
def test_every_regime_decides(dt: DataTransfer, rulebook: Rulebook) -> None:
    dets = _verdicts(dt, rulebook)
    assert set(dets) == set(REGIMES)
    undecided = [r for r, (_, ids) in dets.items() if not ids]
    assert undecided == [], dt


SEVERITY = {
    "prohibited": 5,
    "license_required": 4,
    "review": 3,
    "allowed_with_conditions": 2,
    "allowed": 1,
    "not_subject": 0,
}


@FAST
@given(dt=transfers, extra=st.sampled_from(list(SAFEGUARDS)))
def test_a_safeguard_never_makes_it_worse(dt: DataTransfer, extra: str, rulebook: Rulebook) -> None:
    if extra in dt.safeguards:
        return
    before = _verdicts(dt, rulebook)
    more = DataTransfer(
        **{**{f: getattr(dt, f) for f in dt.__slots__}, "safeguards": (*dt.safeguards, extra)}
    )
    after = _verdicts(more, rulebook)
    worse = {
        r: (before[r][0], after[r][0])
        for r in REGIMES
        if SEVERITY[after[r][0]] > SEVERITY[before[r][0]]
    }
    assert worse == {}, (dt, extra)


def _with(dt: DataTransfer, **changes: object) -> DataTransfer:
    return DataTransfer(**{**{f: getattr(dt, f) for f in dt.__slots__}, **changes})


@FAST
@given(dt=transfers)
def test_absent_collection_reads_as_from_exporter(dt: DataTransfer, rulebook: Rulebook) -> None:
    if dt.collection == "direct_from_subjects":
        return
    absent = _verdicts(_with(dt, collection=None), rulebook)
    declared = _verdicts(_with(dt, collection="from_exporter"), rulebook)
    assert absent == declared, dt


@FAST
@given(dt=transfers)
def test_absent_same_entity_reads_as_another_party(dt: DataTransfer, rulebook: Rulebook) -> None:
    if dt.access == "remote":
        return
    absent = _verdicts(_with(dt, same_entity=None), rulebook)
    declared = _verdicts(_with(dt, same_entity=False), rulebook)
    assert absent == declared, dt
