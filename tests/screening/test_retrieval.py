"""Candidate retrieval budgets: fixed on lists the size of the embedded ones, growing beyond."""

from __future__ import annotations

from prosper.names.normalize import prepare_name
from prosper.screening import retrieval
from prosper.screening.retrieval import budgets, candidates, name_keys


def test_budgets_are_the_fixed_ones_up_to_the_reference_size() -> None:
    fixed = (retrieval.MAX_POSTINGS, retrieval.MAX_WEAK_POSTINGS, retrieval.CANDIDATES)
    for total in (1, 25_000, 98_956, retrieval.REFERENCE_NAMES):
        assert budgets(total) == fixed


def test_budgets_grow_with_the_list() -> None:
    most, weak, scored = budgets(2_000_000)
    assert most == 20_000  # 1 % of the names
    assert weak == 4_000
    assert scored == round(retrieval.CANDIDATES * (20**0.5))
    assert budgets(200_000) < budgets(2_000_000)


def _postings(common: int, total: int) -> dict[str, list[int]]:
    """``common`` names holding every key of "Muhammad Hasan", then one name holding the keys
    of "Muhammad Hasan Ali" (the one looked for), of ``total`` names."""
    target = prepare_name("Muhammad Hasan Ali")
    common_keys = name_keys(prepare_name("Muhammad Hasan"))
    postings: dict[str, list[int]] = {k: list(range(common)) for k in common_keys}
    for key in name_keys(target):
        postings.setdefault(key, []).append(total - 1)
    return postings


def test_a_common_key_still_retrieves_on_a_large_list() -> None:
    query = prepare_name("Muhammad Hasan Alli")  # a typo: only the common words are exact
    # 5,000 "Muhammad Hasan" among 1,000,000 names: 0.5 %, under the share of a large list
    postings = _postings(5_000, 1_000_000)
    found = candidates(query, postings, 1_000_000)
    assert 999_999 in found
    assert len(found) > 1  # the common names retrieve too
    # the same 5,000 among 100,000 names (a list the size of the embedded ones): too common
    # to retrieve on their own, as before the adaptive budgets
    postings = _postings(5_000, 100_000)
    assert 99_999 in candidates(query, postings, 100_000)  # found by its rare keys ...
    assert len(candidates(query, postings, 100_000)) == 1  # ... and the common ones left out


def test_the_candidate_budget_grows_when_many_names_tie() -> None:
    query = prepare_name("Muhammad Hasan")
    postings = _postings(3_000, 2_000_000)
    assert len(candidates(query, postings, 2_000_000)) == budgets(2_000_000)[2]
    postings = _postings(3_000, 100_000)
    assert len(candidates(query, postings, 100_000)) == retrieval.CANDIDATES
