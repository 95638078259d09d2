"""What a long-lived process loaded is frozen out of the cyclic garbage collector's passes
(:func:`prosper.heap.freeze_loaded`); the one-shot command line is unchanged."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cases.helpers import BASE, engine, snapshot

import prosper.heap
from prosper import service
from prosper.cases import workers
from prosper.screening import batch
from prosper.settings import Settings


class _Node:
    """An object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: object = None


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _walked(obj: object) -> bool:
    """Whether a full collection would traverse ``obj`` (frozen objects are not listed)."""
    return any(o is obj for o in gc.get_objects())


def _recorder(monkeypatch: pytest.MonkeyPatch, *modules: Any) -> list[int]:
    calls: list[int] = []

    def record() -> int:
        calls.append(1)
        return 0

    for module in modules:
        monkeypatch.setattr(module, "freeze_loaded", record)
    return calls


def test_freeze_loaded_takes_what_is_held_out_of_later_passes() -> None:
    held = [[i] for i in range(1_000)]
    assert _walked(held)
    frozen = prosper.heap.freeze_loaded()
    assert frozen == gc.get_freeze_count() >= len(held)
    assert not _walked(held)
    assert not _walked(held[0])
    assert gc.isenabled()


def test_the_collector_still_collects_cycles_made_after_the_freeze() -> None:
    prosper.heap.freeze_loaded()
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    ref = weakref.ref(a)
    del a, b
    assert gc.collect() >= 2
    assert ref() is None


def test_a_frozen_object_is_still_freed_when_dropped() -> None:
    held = [_Node()]
    ref = weakref.ref(held[0])
    prosper.heap.freeze_loaded()
    held.clear()  # reference counting, not the collector
    assert ref() is None


def test_build_engine_freezes_what_it_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prosper.lists
    import prosper.screening.cache

    built = engine(BASE)
    monkeypatch.setattr(prosper.lists, "load_snapshot", lambda _dir=None: snapshot(BASE))
    monkeypatch.setattr(
        prosper.screening.cache, "get_index", lambda _snap, _cache=None: built.index
    )
    settings = Settings(data_dir=tmp_path, db_url="sqlite://", threshold=0.8, actor="t")
    loaded = service.build_engine(settings)
    assert loaded.index is built.index
    assert gc.get_freeze_count() > 0
    assert not _walked(loaded)
    assert not _walked(loaded.index)
    assert not _walked(loaded.snapshot)


def test_the_server_and_its_workers_get_a_frozen_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _recorder(monkeypatch, prosper.heap)
    small = engine(BASE)
    monkeypatch.setattr(
        service, "build_engine", lambda _s: (prosper.heap.freeze_loaded(), small)[1]
    )
    settings = Settings(data_dir=tmp_path, db_url="sqlite://", threshold=0.8, actor="t")
    try:
        assert service.get_engine(settings) is small
        assert service.get_engine(settings) is small  # reused: loaded and frozen once
    finally:
        service.reset_engines()
    assert calls == [1]


def test_the_one_shot_engine_is_not_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import prosper.screening.cache

    calls = _recorder(monkeypatch, prosper.heap)
    small = engine(BASE)
    monkeypatch.setattr(
        prosper.screening.cache,
        "open_snapshot_index",
        lambda _dir, _cache: (small.snapshot.sources, small.index),
    )
    settings = Settings(data_dir=tmp_path, db_url="sqlite://", threshold=0.8, actor="t")
    try:
        primed = service.prime_cli_engine(settings)
    finally:
        service.reset_engines()
    assert primed.index is small.index
    assert calls == []
    assert gc.get_freeze_count() == 0


def test_forked_batch_workers_inherit_a_frozen_index(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _recorder(monkeypatch, batch)
    index = engine(BASE).index
    rows = [{"name": "ROSOBORONEXPORT"}, {"name": "JOHN SMITH"}]
    one = list(batch.screen_parallel(index, iter(rows), 0.8, workers=1))
    assert calls == []  # in this process: nothing forked
    two = list(batch.screen_parallel(index, iter(rows), 0.8, workers=2, chunk=1))
    assert calls == [1]
    assert one == two


def test_forked_rescreen_workers_inherit_a_frozen_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _recorder(monkeypatch, workers)
    assert workers.fork_map(lambda i: i * i, 3, workers=1) == [0, 1, 4]
    assert calls == []
    assert workers.fork_map(lambda i: i * i, 3, workers=2) == [0, 1, 4]
    assert calls == [1]
    assert list(workers.screen_batches(engine(BASE), [], workers=2)) == []
    assert calls == [1, 1]
