"""prosper.screening.mapped.MappedTable: the fences bisected lazily for the first look-ups,
then decoded once, give the same rows as a plain dict for every key and every absent key."""

from __future__ import annotations

import random
from array import array

from prosper.screening import mapped
from prosper.screening.mapped import _FENCE, LAZY_LOOKUPS, MappedTable, _Fences, _Keys


def _table(keys: list[str]) -> tuple[MappedTable, dict[str, list[int]]]:
    keys = sorted(set(keys), key=lambda k: k.encode())
    blob = b"".join(k.encode() for k in keys)
    key_off = array("q", [0])
    for k in keys:
        key_off.append(key_off[-1] + len(k.encode()))
    post_off, post = array("q", [0]), array("i")
    want: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        rows = list(range(i, i + 1 + i % 3))
        post.extend(rows)
        post_off.append(len(post))
        want[k] = rows
    sections = {
        "key_off": memoryview(key_off.tobytes()),
        "key_blob": memoryview(blob),
        "post_off": memoryview(post_off.tobytes()),
        "post": memoryview(post.tobytes()),
    }
    return MappedTable(sections), want


def _words(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyzé김"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(1, 7))) for _ in range(n)]


def test_every_key_and_absent_key_across_the_switch_to_decoded_fences() -> None:
    rng = random.Random(16)
    table, want = _table(_words(rng, 5_000))
    assert isinstance(table._fences, _Fences)
    probes = list(want) + _words(rng, 2_000) + ["", "zzzzzzzz", "\x00", "a"]
    rng.shuffle(probes)
    assert len(probes) > 2 * LAZY_LOOKUPS
    for n, key in enumerate(probes):
        got = table.get(key)
        assert (None if got is None else list(got)) == want.get(key), key
        assert (key in table) == (key in want)
        if n < LAZY_LOOKUPS // 2:
            assert isinstance(table._fences, _Fences)  # still lazy for the first look-ups
    assert isinstance(table._fences, list)  # decoded once after LAZY_LOOKUPS look-ups
    assert table._fences == [table._keys[i] for i in range(0, len(table._keys), _FENCE)]


def test_lazy_fences_are_the_decoded_ones() -> None:
    table, _ = _table(_words(random.Random(3), 1_000))
    keys: _Keys = table._keys
    lazy = _Fences(keys)
    listed = [keys[i] for i in range(0, len(keys), _FENCE)]
    assert len(lazy) == len(listed)
    assert [lazy[i] for i in range(len(lazy))] == listed
    assert list(lazy[1:4]) == listed[1:4]
    assert lazy[-1] == listed[-1]


def test_small_tables_and_the_empty_table() -> None:
    for n in (0, 1, _FENCE - 1, _FENCE, _FENCE + 1):
        table, want = _table([f"k{i:03d}" for i in range(n)])
        for key in [*want, "k", "k999", ""]:
            got = table.get(key)
            assert (None if got is None else list(got)) == want.get(key)
    assert mapped.LAZY_LOOKUPS > 0


def test_held_is_the_keys_in_the_table_before_and_after_the_set_is_decoded() -> None:
    """``held`` answers as ``prefix + key in table`` (in the order asked) one key at a time
    first and from the decoded set past ``LAZY_HELD`` keys asked; keys just outside the
    prefix's range ("t", "t;x", "u:x", "s:x") are never taken for its keys."""
    rng = random.Random(14)
    words = _words(rng, 3_000)
    table, want = _table(["t:" + w for w in words] + ["t", "t;x", "u:x", "s:x", "t:"])
    probes = words + _words(rng, 3_000) + ["", "x", ";x"]
    rng.shuffle(probes)
    assert len(probes) > mapped.LAZY_HELD
    step = 500
    for i in range(0, len(probes), step):
        ask = probes[i : i + step]
        assert table.held(ask, "t:") == [k for k in ask if "t:" + k in want]
        if i + step <= mapped.LAZY_HELD:
            assert "t:" not in table._sets  # still one by one
    assert table._sets["t:"] == frozenset(k[2:] for k in want if k.startswith("t:"))


def test_held_on_an_empty_table_and_a_prefix_it_lacks() -> None:
    for keys in ([], ["a:b", "c:d"]):
        table, _ = _table(keys)
        assert table._key_set("t:") == frozenset()
        table._asked = mapped.LAZY_HELD  # the next ask decodes the set
        assert table.held(["b", "d", ""], "t:") == []
