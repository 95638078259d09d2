"""Names prepared on several processes give the index built in one."""

from __future__ import annotations

import pytest
from tests.screening.test_index import ENTITIES

from prosper.screening import parallel_build
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query


def test_parallel_build_is_the_serial_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_build, "MIN_PARALLEL_NAMES", 1)
    serial = ScreeningIndex.build(ENTITIES)
    parallel = parallel_build.build_index(ENTITIES, workers=2)
    assert list(parallel._names) == list(serial._names)
    assert dict(parallel._postings) == dict(serial._postings)
    assert dict(parallel._identifiers) == dict(serial._identifiers)
    for name in ("Kim Jong Un", "Rosoboroneksport", "김정은"):
        assert parallel.screen(Query(name), threshold=0.5) == serial.screen(
            Query(name), threshold=0.5
        )


def test_few_names_build_in_this_process() -> None:
    assert ScreeningIndex.name_jobs(ENTITIES)  # one job per distinct (name, type)
    built = parallel_build.build_index(ENTITIES, workers=2)  # under MIN_PARALLEL_NAMES
    assert built.name_count == ScreeningIndex.build(ENTITIES).name_count


def test_a_process_running_threads_builds_in_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_build, "MIN_PARALLEL_NAMES", 1)
    monkeypatch.setattr(parallel_build.threading, "active_count", lambda: 2)
    forked: list[int] = []
    monkeypatch.setattr(parallel_build.multiprocessing, "get_context", lambda _: forked.append(1))
    built = parallel_build.build_index(ENTITIES, workers=2)
    assert not forked
    assert built.name_count == ScreeningIndex.build(ENTITIES).name_count
