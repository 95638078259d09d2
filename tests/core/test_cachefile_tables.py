"""prosper.cachefile.cached_table: a parsed table kept by the digest of its source, rebuilt
when the source changes or the kept file is damaged, never trusted unchecked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prosper.cachefile import _table_path, cached_table, yaml_cache
from prosper.names.frequency import parse_population_table
from prosper.names.weights import default_weights, parse_token_stats

SOURCE = "# people per 100,000\nsmith\t829.86\nkim\t120.5\n"


class Counting:
    """``parse_population_table`` that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> dict[str, Any]:
        self.calls += 1
        return dict(parse_population_table(text))


def test_outside_the_block_the_table_is_built_and_nothing_kept(tmp_path: Path) -> None:
    build = Counting()
    assert cached_table("t", SOURCE, build) == {"smith": 829.86, "kim": 120.5}
    assert build.calls == 1
    assert list(tmp_path.iterdir()) == []


def test_the_second_read_comes_from_the_kept_file(tmp_path: Path) -> None:
    build = Counting()
    with yaml_cache(tmp_path):
        first = cached_table("t", SOURCE, build)
        second = cached_table("t", SOURCE, build)
    assert build.calls == 1
    assert first == second == parse_population_table(SOURCE)
    assert [p.name.startswith("table-t-") for p in tmp_path.iterdir()] == [True]


def test_a_changed_source_is_built_again(tmp_path: Path) -> None:
    build = Counting()
    changed = SOURCE.replace("829.86", "830.00")
    with yaml_cache(tmp_path):
        cached_table("t", SOURCE, build)
        assert cached_table("t", changed, build)["smith"] == 830.0
        assert cached_table("t", SOURCE, build)["smith"] == 829.86  # its own file, still kept
    assert build.calls == 2
    assert _table_path(tmp_path, "t", SOURCE) != _table_path(tmp_path, "t", changed)
    assert _table_path(tmp_path, "t", SOURCE) != _table_path(tmp_path, "u", SOURCE)


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "flip":  # one byte of the payload changed: the digest no longer matches
        data[-3] ^= 0x01
        path.write_bytes(bytes(data))
    elif how == "cut":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif how == "magic":
        path.write_bytes(b"x" + bytes(data[1:]))
    elif how == "empty":
        path.write_bytes(b"")


def test_a_damaged_file_is_rebuilt_and_rewritten(tmp_path: Path) -> None:
    for how in ("flip", "cut", "magic", "empty"):
        build = Counting()
        folder = tmp_path / how
        with yaml_cache(folder):
            cached_table("t", SOURCE, build)
            path = _table_path(folder, "t", SOURCE)
            good = path.read_bytes()
            _damage(path, how)
            assert cached_table("t", SOURCE, build) == parse_population_table(SOURCE), how
            assert build.calls == 2, how
            assert path.read_bytes() == good, how  # written again whole


def test_a_kept_file_with_a_matching_digest_but_no_dict_is_rebuilt(tmp_path: Path) -> None:
    import hashlib
    import marshal

    from prosper.cachefile import _TABLE_MAGIC

    build = Counting()
    path = _table_path(tmp_path, "t", SOURCE)
    payload = marshal.dumps(["not", "a", "dict"])
    path.write_bytes(_TABLE_MAGIC + hashlib.sha256(payload).digest() + payload)
    with yaml_cache(tmp_path):
        assert cached_table("t", SOURCE, build) == parse_population_table(SOURCE)
    assert build.calls == 1


def test_a_folder_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    build = Counting()
    with yaml_cache(blocker):
        assert cached_table("t", SOURCE, build) == parse_population_table(SOURCE)
        assert cached_table("t", SOURCE, build) == parse_population_table(SOURCE)
    assert build.calls == 2
    assert blocker.read_text() == "not a folder"


def test_the_shipped_tables_read_equal_through_the_cache(tmp_path: Path) -> None:
    from prosper.names import frequency
    from prosper.packagedata import read_text

    plain = default_weights()
    text = read_text("prosper.names", "data/token_df.tsv")
    for _ in range(2):  # built and kept, then read from the file
        with yaml_cache(tmp_path):
            kept = cached_table("token-df", text, parse_token_stats)
        assert kept == {"total": plain.total, "df": dict(plain.df)}
    for name in ("population_names.tsv", "world_given_names.tsv"):
        raw = read_text("prosper.names", f"data/{name}")
        for _ in range(2):
            with yaml_cache(tmp_path):
                assert frequency._read(name) == parse_population_table(raw)
