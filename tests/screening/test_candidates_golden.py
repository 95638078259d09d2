"""Candidate retrieval on the full embedded lists: the candidates of the 600 bench queries are
those of the golden file (written by ``bench/golden_candidates.py`` with the tree before the
retrieval changes), in the same order, first and from the keys and groups kept across queries.

A retrieval change meant to be speed-only must leave this file unchanged; a change of the
candidates (a new key kind, a weight) rewrites it and says so.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from prosper.lists import load_snapshot
from prosper.model import EntityType
from prosper.names.normalize import prepare_name
from prosper.names.readings import name_readings
from prosper.screening.cache import get_index
from prosper.screening.index import ScreeningIndex

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "candidates_600.csv"


def candidate_digest(index: ScreeningIndex, name: str, kind: str, sources: str) -> tuple[int, str]:
    """How many candidates the readings of ``name`` retrieve (twice each: first, then from what
    the index keeps) and a digest of them as (entity id, listed name) in order; raises if the
    second answer differs from the first."""
    type_ = EntityType(kind) if kind else None
    wanted = frozenset(sources.split(";")) if sources else frozenset()
    digest = hashlib.sha256()
    count = 0
    for reading in name_readings(name):
        form = prepare_name(reading, type_)
        if not form.tokens:
            continue
        found = index._candidates(form, wanted)
        if index._candidates(form, wanted) != found:
            raise AssertionError(f"{name!r}: a second retrieval answered otherwise")
        for n_idx in found:
            e_idx, _, listed = index._names[n_idx]
            digest.update(f"{index.entities[e_idx].id}\t{listed.original}\n".encode())
        digest.update(b"--\n")
        count += len(found)
    return count, digest.hexdigest()[:24]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> ScreeningIndex:
    return get_index(load_snapshot(), tmp_path_factory.mktemp("cache"))


def test_the_bench_queries_retrieve_the_golden_candidates(index: ScreeningIndex) -> None:
    with GOLDEN.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 600
    differing = []
    for row in rows:
        count, digest = candidate_digest(index, row["query"], row["type"], row["sources"])
        if (count, digest) != (int(row["count"]), row["digest"]):
            differing.append(row["query"])
    assert differing == []
    assert sum(int(row["count"]) for row in rows) > 10_000  # the file is not empty of names


def test_a_changed_candidate_list_changes_the_digest(index: ScreeningIndex) -> None:
    # the fault the golden file guards against: another order or another name is seen
    count, digest = candidate_digest(index, "MNDEZ VARGAS Jose de Jesus", "", "")
    assert count >= 2
    form = prepare_name("MNDEZ VARGAS Jose de Jesus")
    found = index._candidates(form, frozenset())
    swapped = [found[1], found[0], *found[2:]]
    other = hashlib.sha256()
    for n_idx in swapped:
        e_idx, _, listed = index._names[n_idx]
        other.update(f"{index.entities[e_idx].id}\t{listed.original}\n".encode())
    other.update(b"--\n")
    assert other.hexdigest()[:24] != digest
