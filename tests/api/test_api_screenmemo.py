"""The memo of recent screening results: same engine, day and request → the same document."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from prosper.api.backend import CoreBackend
from prosper.api.screenmemo import ScreenResultMemo
from prosper.settings import Settings


class CountingEngine:
    """Screens by echoing the query; counts its calls."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.calls = 0

    def screen(self, query: Any, *, threshold: float | None, limit: int) -> dict[str, Any]:
        self.calls += 1
        return {"query": {"name": query.name}, "threshold": threshold, "tag": self.tag, "n": limit}


class Day:
    def __init__(self) -> None:
        self.today = date(2026, 12, 7)

    def __call__(self) -> date:
        return self.today


def test_a_result_is_kept_per_engine_and_day() -> None:
    day = Day()
    memo = ScreenResultMemo(today=day)
    first, second = object(), object()
    memo.put(first, ("a", None, 10), {"r": 1})
    assert memo.get(first, ("a", None, 10)) == {"r": 1}
    assert memo.get(first, ("a", 0.9, 10)) is None  # another threshold
    assert memo.get(first, ("a", None, 5)) is None  # another limit
    assert memo.get(second, ("a", None, 10)) is None  # a swapped-in engine starts empty
    assert len(memo) == 0
    memo.put(second, ("a", None, 10), {"r": 2})
    day.today = date(2026, 12, 8)  # a list may turn stale overnight: the warnings change
    assert memo.get(second, ("a", None, 10)) is None


def test_the_memo_stays_bounded_least_recent_first() -> None:
    memo = ScreenResultMemo(size=2)
    engine = object()
    memo.put(engine, "a", {"r": "a"})
    memo.put(engine, "b", {"r": "b"})
    assert memo.get(engine, "a") == {"r": "a"}  # a is now the most recent
    memo.put(engine, "c", {"r": "c"})
    assert memo.get(engine, "b") is None
    assert memo.get(engine, "a") == {"r": "a"}
    assert memo.get(engine, "c") == {"r": "c"}
    assert len(memo) == 2


def test_size_zero_keeps_nothing() -> None:
    memo = ScreenResultMemo(size=0)
    engine = object()
    memo.put(engine, "a", {"r": "a"})
    assert memo.get(engine, "a") is None


@pytest.fixture
def backend(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[CoreBackend, list[Any]]:
    db = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    settings = Settings(data_dir=tmp_path, db_url=db, threshold=0.8, actor="t")
    core = CoreBackend(settings, check_workers=0)
    engines = [CountingEngine("one")]
    monkeypatch.setattr(core, "_engine", lambda: engines[-1])
    return core, engines


def test_the_backend_screens_a_repeated_query_once(
    backend: tuple[CoreBackend, list[Any]],
) -> None:
    core, engines = backend
    query = {"name": "Mahan Air", "countries": ["ir"]}
    first = core.screen(query, threshold=None, limit=10)
    again = core.screen(dict(query), threshold=None, limit=10)
    assert again == first
    assert engines[0].calls == 1
    core.screen({**query, "countries": ["IR"]}, threshold=None, limit=10)  # the same Query
    assert engines[0].calls == 1
    core.screen({**query, "dob": "1970"}, threshold=None, limit=10)  # another qualifier
    core.screen(query, threshold=0.5, limit=10)
    core.screen(query, threshold=None, limit=3)
    assert engines[0].calls == 4


def test_a_swapped_engine_screens_again(backend: tuple[CoreBackend, list[Any]]) -> None:
    core, engines = backend
    query = {"name": "Mahan Air"}
    assert core.screen(query, threshold=None, limit=10)["tag"] == "one"
    engines.append(CountingEngine("two"))  # a list update swapped a new engine in
    assert core.screen(query, threshold=None, limit=10)["tag"] == "two"
    assert engines[1].calls == 1
