"""The register tokens' keys kept in the case store: read back, invalidated on a change of
the code that derives them and on a row that no longer matches it, filled for a party's new
name; the candidates from stored keys are those from computed ones (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from prosper.cases import token_keys
from prosper.cases.model import RegisteredParty
from prosper.cases.register_index import RegisterIndex, party_keys
from prosper.cases.rescreen import name_floor, register_candidates
from prosper.cases.store import CaseStore
from prosper.cases.tables import token_keys_table
from prosper.model import EntityType

from .helpers import entity

THRESHOLD = 0.8
PARTIES = [
    RegisteredParty(id="P-1", name="Kim Jong Un", type=EntityType.PERSON),
    RegisteredParty(id="P-2", name="Acme Widgets GmbH", countries=("DE",)),
    RegisteredParty(id="P-3", name="Jon Smithe", type=EntityType.PERSON),
    RegisteredParty(id="P-4", name="Korea Mining Development Trading Corporation"),
    *[RegisteredParty(id=f"F-{i:03}", name=f"Filler Trading {i} Company") for i in range(30)],
]
TOUCHED = [
    entity("1", "KIM JONG UN"),
    entity("2", "ACME WIDGETS GMBH"),
    entity("3", "JOHN SMITH"),
    entity("4", "ZOLOTAYA KORONA HOLDINGS"),
]


@pytest.fixture
def store(db_url: str) -> Iterator[CaseStore]:
    with CaseStore.open(db_url) as s:
        s.upsert_parties([(p, party_keys(p)) for p in PARTIES])
        yield s


def _rows(store: CaseStore) -> dict[str, tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(token_keys_table))
        return {r.token: (r.data, r.version) for r in rows}


def _tokens(store: CaseStore) -> list[str]:
    return RegisterIndex(store.name_keys()).tokens()


def test_keys_are_stored_and_read_back(store: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = _tokens(store)
    first = token_keys.load(store.engine, tokens)
    assert set(first) == set(tokens)
    assert all(first[t] == token_keys.token_keys(t) for t in tokens)
    rows = _rows(store)
    assert set(rows) == set(tokens)
    assert {v for _, v in rows.values()} == {token_keys.VERSION}
    # read back: only the spot check's sample is computed again
    computed: list[str] = []
    real = token_keys.token_keys

    def counting(token: str) -> token_keys.TokenKeys:
        computed.append(token)
        return real(token)

    monkeypatch.setattr(token_keys, "token_keys", counting)
    monkeypatch.setattr(token_keys, "SPOT_CHECK", 5)
    again = token_keys.load(store.engine, tokens, token_keys.VERSION)
    assert again == first
    assert len(computed) == 5


def test_a_new_code_version_replaces_every_row(store: CaseStore) -> None:
    tokens = _tokens(store)
    token_keys.load(store.engine, tokens)
    with store.engine.begin() as conn:  # a token no party names any more, old version
        conn.execute(
            sa.insert(token_keys_table),
            [{"token": "zzgone", "data": '["","","zzgone"]', "version": token_keys.VERSION}],
        )
    keys = token_keys.load(store.engine, tokens, version="next-code")
    assert all(keys[t] == token_keys.token_keys(t) for t in tokens)
    rows = _rows(store)
    assert set(rows) == set(tokens)  # the old version's rows are gone, stale token included
    assert {v for _, v in rows.values()} == {"next-code"}


def test_a_row_the_code_no_longer_derives_drops_the_table(store: CaseStore) -> None:
    tokens = _tokens(store)
    token_keys.load(store.engine, tokens)
    wrong = token_keys._encode((("XX", None, "xx"), ("=nothing",)))
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(token_keys_table).where(token_keys_table.c.token == "kim").values(data=wrong)
        )
    assert len(tokens) <= token_keys.SPOT_CHECK  # the sample is every row here
    keys = token_keys.load(store.engine, tokens)
    assert keys["kim"] == token_keys.token_keys("kim")
    assert _rows(store)["kim"][0] == token_keys._encode(token_keys.token_keys("kim"))


def test_a_renamed_party_gets_its_new_tokens_keys_and_candidates(store: CaseStore) -> None:
    floor = name_floor(THRESHOLD)

    def keys_of(tokens: list[str]) -> dict[str, token_keys.TokenKeys]:
        return token_keys.load(store.engine, tokens)

    before = register_candidates(list(store.name_keys()), TOUCHED, floor, 1, keys_of)
    assert "F-007" not in before
    renamed = RegisteredParty(id="F-007", name="Zolotaya Korona Holding")
    store.upsert_parties([(renamed, party_keys(renamed))])
    rows = list(store.name_keys())
    after = register_candidates(rows, TOUCHED, floor, 1, keys_of)
    assert after["F-007"] == {TOUCHED[3].id}
    assert {"zolotaya", "korona"} <= set(_rows(store))
    # the stored keys give what computing them gives, on one process and on two
    assert after == register_candidates(rows, TOUCHED, floor, 1)
    assert register_candidates(rows, TOUCHED, floor, 2, keys_of) == after
