"""A registered party's owners are screened with it; their hits name the owner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from prosper.audit.migrations import SCHEMA_VERSION_TABLE
from prosper.cases.model import RegisteredParty
from prosper.cases.register_index import party_keys
from prosper.cases.rescreen import RescreenContext, rescreen_delta, rescreen_full, screen_parties
from prosper.cases.store import CaseStore
from prosper.lists.delta import diff_snapshots

from .helpers import BASE, engine, entity

OWNED = RegisteredParty(
    id="C-9",
    name="Acme Widgets GmbH",
    countries=("DE",),
    owners=(
        {"name": "Korea Mining Development Trading Corp", "percent": 51, "country": "KP"},
        {"name": "Plain Holdings", "percent": 49, "country": None},
    ),
)
ALSO_LISTED = RegisteredParty(
    id="C-10",
    name="Rosoboronexport",
    owners=({"name": "Rosoboronexport JSC", "percent": 100, "country": "RU"},),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite3'}") as s:
        s.upsert_parties([(p, party_keys(p)) for p in (OWNED, ALSO_LISTED)])
        yield s


def test_an_owner_hit_opens_an_alert_naming_the_owner(store: CaseStore) -> None:
    eng = engine(BASE)
    counts = screen_parties(RescreenContext(store, eng, eng.snapshot.versions(), "t"), [OWNED])
    assert counts.opened == 1
    (alert,) = store.alerts()
    assert alert.party_id == "C-9"
    assert alert.entity_id == BASE[0].id
    assert alert.via == "owners[0] Korea Mining Development Trading Corp (51%)"
    assert alert.to_dict()["via"] == alert.via


def test_the_party_s_own_hit_comes_before_its_owner_s(store: CaseStore) -> None:
    eng = engine(BASE)
    ctx = RescreenContext(store, eng, eng.snapshot.versions(), "t")
    assert rescreen_full(ctx, workers=1)["opened"] == 2
    by_party = {a.party_id: a for a in store.alerts()}
    assert by_party["C-10"].via is None  # Rosoboronexport hits itself; its owner adds nothing
    assert by_party["C-9"].via is not None


def test_a_delta_entity_named_like_an_owner_reaches_the_party(store: CaseStore) -> None:
    old = engine(BASE)
    new = engine([*BASE, entity("7", "PLAIN HOLDINGS", countries=("CN",))], "v2")
    ctx = RescreenContext(store, None, new.snapshot.versions(), "t", threshold=0.8)
    outcome = rescreen_delta(ctx, diff_snapshots(old.snapshot, new.snapshot))
    assert outcome.counts.opened == 1
    (alert,) = store.alerts()
    assert (alert.party_id, alert.via) == ("C-9", "owners[1] Plain Holdings (49%)")


def test_changed_owners_change_the_screened_data() -> None:
    moved = RegisteredParty(id="C-9", name=OWNED.name, countries=("DE",), owners=OWNED.owners[1:])
    assert moved.fingerprint != OWNED.fingerprint
    bare = RegisteredParty(id="C-9", name=OWNED.name, countries=("DE",))
    assert "owners" not in bare.screened_data()  # no owners: the digest it always had


def test_an_older_alert_table_gains_the_owner_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with CaseStore.open(url) as s, s.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE case_alert DROP COLUMN via"))
        conn.execute(
            sa.text(f"DELETE FROM {SCHEMA_VERSION_TABLE} WHERE component = 'cases' AND version = 3")
        )
    with CaseStore.open(url) as s, s.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("case_alert")}
    assert "via" in columns
