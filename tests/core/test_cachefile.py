"""prosper.cachefile: a cache file is written whole or not at all, and a folder that cannot be
written is no error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prosper.cachefile import keep_text


def test_keep_text_writes_the_file_and_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "x.json"
    assert keep_text(target, '{"a": "가"}')
    assert target.read_text("utf-8") == '{"a": "가"}'
    assert keep_text(target, "{}")  # replaced whole
    assert target.read_text("utf-8") == "{}"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.json"]  # no temporary left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_keep_text_in_a_read_only_folder_is_false(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert not keep_text(folder / "x.json", "{}")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_keep_text_where_the_folder_is_a_file_is_false(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    assert not keep_text(blocker / "x.json", "{}")
    assert blocker.read_text() == "not a folder"


def test_keep_text_when_the_replace_fails_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    assert not keep_text(tmp_path / "x.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_parsed_dates_are_kept_and_read_back(tmp_path: Path) -> None:
    """A parsed value with dates is kept (tagged) and read back equal, types and all; a
    mapping that only looks like a tag, or integer keys, is never kept."""
    import json
    from datetime import date, datetime

    from prosper.cachefile import cached_parse, yaml_cache

    value = {"from": date(2026, 1, 2), "at": datetime(2026, 1, 2, 3, 4), "n": [1, 2.5, None]}
    calls: list[str] = []

    def parse(text: str) -> object:
        calls.append(text)
        return json.loads(text, object_hook=lambda o: o) if text.startswith("{") else value

    with yaml_cache(tmp_path):
        assert cached_parse("dated", parse) == value
        again = cached_parse("dated", parse)
    assert calls == ["dated"]
    assert again == value
    assert type(again["from"]) is date
    assert type(again["at"]) is datetime
    looks_like_a_tag = '{"__date__": "2026-01-02"}'
    with yaml_cache(tmp_path):
        assert cached_parse(looks_like_a_tag, parse) == {"__date__": "2026-01-02"}
        assert cached_parse(looks_like_a_tag, parse) == {"__date__": "2026-01-02"}
        assert cached_parse("ints", lambda t: {1: "a"}) == {1: "a"}
    assert len(calls) == 3  # the tag-like mapping was parsed both times: never kept
    assert len(list(tmp_path.glob("yaml-*.json"))) == 1
