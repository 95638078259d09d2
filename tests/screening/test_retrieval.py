"""Candidate retrieval budgets: fixed on lists the size of the embedded ones, growing beyond."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Container, Mapping, Sequence
from pathlib import Path

import pytest

from prosper.names.normalize import NameForm, prepare_name
from prosper.screening import retrieval
from prosper.screening.key_memo import MEMO_MIN, KeyMemo
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


def _walk_every_key(
    form: NameForm,
    postings: Mapping[str, Sequence[int]],
    total: int,
    keep: Container[int] | None = None,
) -> list[int]:
    """What :func:`candidates` answers, the slow way: every key within the share caps walked
    name by name, the names ranked by evidence, then by where the walk first met them."""
    most, most_weak, budget = budgets(total)
    groups: dict[int, list[str]] = {}
    for key, group in retrieval.query_keys(form, postings).items():
        groups.setdefault(group, []).append(key)
    first: dict[int, int] = {}
    evidence: dict[int, float] = {}
    step = 0
    for group_keys in groups.values():
        best: dict[int, float] = {}
        for key in group_keys:
            posting = postings.get("t" + key[1:] if key[0] == "e" else key)  # e: a neighbour
            weak = key[0] in retrieval.WEAK_KINDS
            if posting is None or len(posting) > (most_weak if weak else most):
                continue
            weight = retrieval.KEY_WEIGHTS[key[0]] * math.log((total + 1) / len(posting))
            for n_idx in posting:
                first.setdefault(n_idx, step)
                step += 1
                best[n_idx] = max(best.get(n_idx, 0.0), weight)
        for n_idx, weight in best.items():
            evidence[n_idx] = evidence.get(n_idx, 0.0) + weight
    if keep is not None:
        evidence = {n: v for n, v in evidence.items() if n in keep}
    ranked = sorted(evidence, key=lambda n: (-evidence[n], first[n]))[:budget]
    floor = evidence[ranked[0]] * retrieval.CANDIDATE_FLOOR if ranked else 0.0
    return [n for k, n in enumerate(ranked) if k < retrieval.MIN_CANDIDATES or evidence[n] >= floor]


@pytest.mark.parametrize("seed", range(40))
def test_common_keys_walked_or_not_give_the_same_candidates(seed: int) -> None:
    # on 2M names the share caps (20,000 / 4,000) exceed the fixed ones (4,000 / 800): keys in
    # between are common, walked only when a name they alone hold could be a candidate
    rng = random.Random(seed)
    total = 2_000_000
    form = prepare_name(rng.choice(["Muhammad Hasan Alli", "Ivan Petrov", "Kim Jong Un"]))
    postings: dict[str, list[int]] = {}
    for key in retrieval.query_keys(form, {}):
        weak = key[0] in retrieval.WEAK_KINDS
        common = rng.random() < 0.2  # most keys rare, some common, a few absent
        size = rng.randint(801 if weak else 4001, 6_000) if common else rng.randint(0, 400)
        lookup = "t" + key[1:] if key[0] == "e" else key  # a neighbour (e:) is a token (t:)
        if size:
            postings[lookup] = sorted(rng.sample(range(12_000), size))
    assert candidates(form, postings, total) == _walk_every_key(form, postings, total)
    keep = {n for n in range(30_000) if rng.random() < 0.5}
    assert candidates(form, postings, total, keep.__contains__) == _walk_every_key(
        form, postings, total, keep
    )


def test_postings_are_ascending_built_and_mapped(tmp_path: Path) -> None:
    # the common keys are looked up by bisection (retrieval._holds): every posting ascends
    from tests.screening.test_index import ENTITIES

    from prosper.screening.cache import open_index, write_index
    from prosper.screening.index import ScreeningIndex

    built = ScreeningIndex.build(ENTITIES)
    write_index(built, tmp_path / "i.idx")
    mapped = open_index(tmp_path / "i.idx", ENTITIES)
    assert mapped is not None
    for index in (built, mapped):
        table = index._postings
        assert len(table) > 50
        for key in table:
            posting = list(table[key])
            assert posting == sorted(set(posting)), key
    assert retrieval._holds((2, 5, 9), 5) == 1
    assert retrieval._holds((2, 5, 9), 6) == -1
    assert retrieval._holds((), 6) == -1


def test_a_neighbour_spelling_is_one_slip_away() -> None:
    near = retrieval.neighbours("dots")
    assert {"dost", "odts", "dtos"} <= set(near)  # two letters swapped
    assert {"ots", "dts", "dos", "dot"} <= set(near)  # one left out
    assert {"fots", "dits", "dote"} <= set(near)  # a key beside a letter, a vowel for a vowel
    assert {"doats", "dotts", "dotsa"} <= set(near)  # a vowel or a doubled letter added
    assert "zots" not in near
    assert "dols" not in near
    assert "dobts" in near  # any letter added to a word of four letters or fewer ...
    assert "aziz" in retrieval.neighbours("aiz")
    longer = retrieval.neighbours("karim")  # ... none to a longer word (found nothing needed)
    assert not {"kabrim", "kaarim", "kariim", "karimm"} & set(longer)
    assert {"kraim", "karm", "kafim", "korim"} <= set(longer)  # the other slips still are
    assert "ai" not in retrieval.neighbours("aiz")  # nothing left out of a three-letter word
    assert "dots" not in near
    assert len(near) == len(set(near))  # each spelling once


def test_the_keyboard_slips_are_neighbours_both_ways() -> None:
    slips = retrieval.SLIPS
    assert set(slips) == set("abcdefghijklmnopqrstuvwxyz")
    assert set(slips["s"]) == set("adwezx")
    assert set(slips["q"]) == set("wa")
    assert set("aeiouy") - {"e"} <= set(slips["e"])  # a vowel: the other vowels too
    for letter, near in slips.items():
        assert letter not in near
        for other in near:  # a key beside a key (vowels aside) has it beside it too
            assert letter in slips[other] or {letter, other} <= set(retrieval.VOWELS)


def test_a_misspelt_rare_word_beside_a_common_one_is_found() -> None:
    # "DOTS MOHAMMAD" for "DOST MOHAMMAD": no key of "dots" (a short word: no prefix / suffix
    # key, another metaphone) is on the listed name, and "mohammad" is on too many names
    total = 100_000
    listed = name_keys(prepare_name("Dost Mohammad"))
    postings: dict[str, list[int]] = {k: [7] for k in listed}
    for key in name_keys(prepare_name("Mohammad")):
        postings[key] = list(range(8, 5_008))  # 5,000 names: over the cap of 4,000
    postings["t:mohammad"] = [7, *postings["t:mohammad"]]
    query = prepare_name("DOTS MOHAMMAD")
    assert "e:dost" in retrieval.query_keys(query, postings)
    assert candidates(query, postings, total) == [7]
    # a query token the lists hold as written looks up no neighbour
    assert not any(k[0] == "e" for k in retrieval.query_keys(prepare_name("Dost"), postings))


def _common_beside(listed: str, total: int = 100_000) -> dict[str, list[int]]:
    """Postings of ``listed`` (name 7) and of "Mohammad" on 5,000 names (over the caps)."""
    postings: dict[str, list[int]] = {k: [7] for k in name_keys(prepare_name(listed))}
    for key in name_keys(prepare_name("Mohammad")):
        postings[key] = list(range(8, 5_008))
    postings["t:mohammad"] = [7, *postings["t:mohammad"]]
    return postings


def test_a_replaced_letter_in_a_word_beside_a_common_one_is_found() -> None:
    # "KARSMI" for "KARAMI" (`s` beside `a`): another metaphone, prefix and suffix
    postings = _common_beside("Karami Mohammad")
    query = prepare_name("Mohammad KARSMI")
    assert "e:karami" in retrieval.query_keys(query, postings)
    assert candidates(query, postings, 100_000) == [7]
    # a letter replaced by a key far from it is not looked up
    assert candidates(prepare_name("Mohammad KARPMI"), postings, 100_000) == []


def test_a_letter_left_out_of_a_short_word_is_found() -> None:
    postings = _common_beside("Aziz Mohammad")
    assert candidates(prepare_name("Mohammad AIZ"), postings, 100_000) == [7]


def test_words_run_together_are_found() -> None:
    postings = _common_beside("Petrov Ivanovich Mohammad")
    for typed in ("Mohammad IvanovichPETROV", "Mohammad PETROVIVANOVICH"):
        query = prepare_name(typed)
        keys = retrieval.query_keys(query, postings)
        assert {"e:ivanovich", "e:petrov"} <= set(keys)
        assert keys["e:ivanovich"] != keys["e:petrov"]  # two words, two groups: both count
        assert candidates(query, postings, 100_000) == [7]
    # three words run together
    postings = _common_beside("Olga Petrova Ivanovna")
    assert candidates(prepare_name("Mohammad OLGAPETROVAIVANOVNA"), postings, 100_000) == [7]


def test_a_word_is_split_only_into_known_words() -> None:
    known = {"ivan", "petrov", "ova"}.__contains__
    assert retrieval.splits("ivanpetrov", known) == ["ivan", "petrov"]
    assert retrieval.splits("ivanpetrovx", known) == []  # "petrovx" is no list word
    assert retrieval.splits("ivanova", known) == ["ivan", "ova"]  # parts of 3+ letters
    assert retrieval.splits("ivanov", {"ivan", "ov"}.__contains__) == []  # "ov": too short
    # a word the lists hold as written is never split
    postings = _common_beside("Ivan Petrov")
    postings["t:ivanpetrov"] = [9]
    keys = retrieval.query_keys(prepare_name("Mohammad Ivanpetrov"), postings)
    assert not any(k.startswith("e:") for k in keys)


def _names_walked(found: list[dict[int, float]]) -> dict[int, float]:
    """A group's best weight per name, name by name (the loop the dictionary merges replace)."""
    best: dict[int, float] = {}
    for names in found:
        for n_idx, weight in names.items():
            if weight > best.get(n_idx, 0.0):
                best[n_idx] = weight
    return best


def _sums_walked(per_group: list[dict[int, float]]) -> dict[int, float]:
    """Each name's evidence, name by name, in group order."""
    acc: dict[int, float] = {}
    for best in per_group:
        for n_idx, weight in best.items():
            acc[n_idx] = acc.get(n_idx, 0.0) + weight
    return acc


@pytest.mark.parametrize("seed", range(60))
def test_dictionary_merges_equal_the_name_by_name_walk(seed: int) -> None:
    # few distinct weights and a small universe: many names met twice, many ties; the keys of
    # a group heavier, lighter and in between those merged before (each merge's three cases)
    rng = random.Random(seed)
    weights = [0.7, 1.3, 2.0, 2.0 + 1e-15, 3.1, 0.1 + 0.2]
    per_group: list[dict[int, float]] = []
    for _ in range(rng.randint(1, 6)):
        found = []
        for _ in range(rng.randint(1, 4)):
            posting = sorted(rng.sample(range(300), rng.randint(1, 120)))
            found.append(dict.fromkeys(posting, rng.choice(weights)))
        merged = retrieval._group_evidence(found)
        walked = _names_walked(found)
        assert list(merged.items()) == list(walked.items())  # same values, same order
        per_group.append(merged)
    acc = retrieval._sum_groups(per_group)
    assert list(acc.items()) == list(_sums_walked(per_group).items())
    for budget in (1, 5, 48, 400):
        assert retrieval._top(acc, budget) == heapq.nlargest(budget, acc, key=acc.__getitem__)


@pytest.mark.parametrize("seed", range(20))
def test_candidates_with_ties_equal_the_walk_of_every_key(seed: int) -> None:
    # postings of a few lengths only (equal weights) over few names: the candidates tie often
    rng = random.Random(1000 + seed)
    total = 100_000
    form = prepare_name(rng.choice(["Maria de Jesus Lopez", "Ruben van de Ven", "Kim Jong Un"]))
    postings: dict[str, list[int]] = {}
    for key in retrieval.query_keys(form, {}):
        lookup = "t" + key[1:] if key[0] == "e" else key
        if rng.random() < 0.8:
            postings[lookup] = sorted(rng.sample(range(2_000), rng.choice([40, 40, 300, 900])))
    memo = KeyMemo()
    expected = _walk_every_key(form, postings, total)
    assert candidates(form, postings, total) == expected
    assert candidates(form, postings, total, memo=memo) == expected
    assert candidates(form, postings, total, memo=memo) == expected  # the kept names again
    assert memo.kept > 0


def test_the_key_memo_keeps_long_keys_up_to_its_cap() -> None:
    long_posting = list(range(0, 2 * MEMO_MIN, 2))
    memo = KeyMemo(most=MEMO_MIN)
    first = memo.names("t:de", 2.5, long_posting)
    assert first == dict.fromkeys(long_posting, 2.5)
    assert memo.names("t:de", 2.5, long_posting) is first  # kept: the same dictionary
    assert memo.kept == MEMO_MIN
    other = memo.names("t:al", 1.5, long_posting)  # over the cap: made, not kept
    assert other == dict.fromkeys(long_posting, 1.5)
    assert memo.names("t:al", 1.5, long_posting) is not other
    assert memo.kept == MEMO_MIN
    short = [1, 2, 3]  # short keys are made per query
    assert memo.names("t:van", 4.0, short) is not memo.names("t:van", 4.0, short)
    # a kept key asked with another weight or posting (another index) is not answered from it
    assert memo.names("t:de", 3.0, long_posting) == dict.fromkeys(long_posting, 3.0)
    assert memo.names("t:de", 2.5, long_posting[1:]) == dict.fromkeys(long_posting[1:], 2.5)


def test_an_index_keeps_its_long_keys_across_queries() -> None:
    from tests.screening.test_index import ENTITIES

    from prosper.screening.index import ScreeningIndex

    index = ScreeningIndex.build(ENTITIES)
    form = prepare_name("Ivan Petrov")
    first = index._candidates(form, frozenset())
    assert index._candidates(form, frozenset()) == first
    assert first == candidates(form, index._postings, index._total)


@pytest.mark.parametrize("seed", range(30))
def test_kept_groups_give_the_same_candidates(seed: int) -> None:
    # long groups (a common word with its Korean reading: over MEMO_MIN names, kept in the memo)
    # and short ones over few names: the answer, first and from the kept groups, order and ties
    # included, is that of the walk of every key
    rng = random.Random(5000 + seed)
    total = 100_000
    form = prepare_name(rng.choice(["Maria de Jesus Lopez", "Ruben van de Ven", "Ali bin Salih"]))
    postings: dict[str, list[int]] = {}
    for key in retrieval.query_keys(form, {}):
        lookup = "t" + key[1:] if key[0] == "e" else key
        if rng.random() < 0.8:
            size = rng.choice([20, 40, 60, 150, MEMO_MIN + 50, 2_500])
            postings[lookup] = sorted(rng.sample(range(3_000), size))
    keep = {n for n in range(3_000) if rng.random() < 0.7}
    memo = KeyMemo()
    for _ in range(2):  # the second time from the kept keys and groups
        assert candidates(form, postings, total, memo=memo) == _walk_every_key(
            form, postings, total
        )
        assert candidates(form, postings, total, keep.__contains__, memo) == _walk_every_key(
            form, postings, total, keep
        )


def test_the_key_memo_keeps_long_groups_for_their_weights_only() -> None:
    memo = KeyMemo(most=10 * MEMO_MIN)
    long_keys = [("t:de", 2.0, list(range(MEMO_MIN))), ("k:te", 1.5, list(range(5, 2 * MEMO_MIN)))]
    first = retrieval._evidence_of(long_keys, memo)
    assert list(first.items()) == list(
        _names_walked([dict.fromkeys(p, w) for _, w, p in long_keys]).items()
    )
    assert retrieval._evidence_of(long_keys, memo) is first  # kept
    lighter = [(k, w * 0.5, p) for k, w, p in long_keys]  # another index's weights: not kept's
    assert retrieval._evidence_of(lighter, memo) == _names_walked(
        [dict.fromkeys(p, w) for _, w, p in lighter]
    )
    short = [("t:van", 2.0, [1, 2]), ("k:pan", 1.0, [2, 3])]
    assert retrieval._evidence_of(short, memo) is not retrieval._evidence_of(short, memo)
    capped = KeyMemo(most=MEMO_MIN)  # the group is over the cap left after its keys
    assert retrieval._evidence_of(long_keys, capped) is not retrieval._evidence_of(
        long_keys, capped
    )
