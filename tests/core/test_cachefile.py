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
