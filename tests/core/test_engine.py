"""The engine's memo of party screenings: same hits as screening afresh, bounded, per engine."""

from __future__ import annotations

from datetime import date

from tests.cases.helpers import BASE, engine

from prosper.engine import PARTY_LIMIT, ScreenMemo
from prosper.model import EntityType, Party, PartyRole, Transaction
from prosper.screening.query import Query


def _party(name: str, country: str = "KP") -> Party:
    return Party(role=PartyRole.END_USER, name=name, country=country, type=EntityType.ORGANIZATION)


def test_a_remembered_party_gets_the_hits_of_a_fresh_screening() -> None:
    eng = engine(BASE)
    party = _party("Korea Mining Development Trading Corp")
    first = eng.screen_party(party)
    assert first
    assert len(eng.memo) == 1
    again = eng.screen_party(party)
    assert again == first
    fresh = engine(BASE)  # a new engine (a list update) starts with an empty memo
    assert len(fresh.memo) == 0
    assert fresh.screen_party(party) == first
    query = Query(name=party.name, type=party.type, countries=("KP",))
    assert eng.memo.get(query) == eng.screen_hits(query, limit=PARTY_LIMIT)


def test_qualifiers_are_part_of_the_key() -> None:
    eng = engine(BASE)
    eng.screen_party(_party("Korea Mining Development Trading Corp", "KP"))
    eng.screen_party(_party("Korea Mining Development Trading Corp", "CN"))
    assert len(eng.memo) == 2


def test_the_memo_is_bounded_least_recently_used_first() -> None:
    memo = ScreenMemo(size=2)
    a, b, c = (Query(name=n) for n in ("a", "b", "c"))
    memo.put(a, ())
    memo.put(b, ())
    assert memo.get(a) == ()  # a is now the most recently used
    memo.put(c, ())
    assert len(memo) == 2
    assert memo.get(b) is None
    assert memo.get(a) == ()


def test_a_check_decided_twice_is_the_same_decision() -> None:
    eng = engine(BASE)
    tx = Transaction(
        as_of=date(2026, 11, 27),
        origin_country="KR",
        destination_country="VN",
        parties=(_party("Korea Mining Development Trading Corp"), _party("Acme Widgets", "DE")),
    )
    assert eng.check(tx) == eng.check(tx)
