"""`lists update` machinery: folders and URLs, atomic swap, keep-last-good, deltas."""

from __future__ import annotations

import csv
import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from prosper.errors import InputError, ListDataError, NotFoundError
from prosper.lists import load_embedded_snapshot, load_snapshot
from prosper.lists import store as store_module
from prosper.lists.delta import diff_snapshots
from prosper.lists.snapshot import CURRENT, SNAPSHOTS, current_snapshot_path
from prosper.lists.sources import classify_file, group_files
from prosper.lists.update import snapshot_from_files, update_snapshot


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1 by a server in a thread: (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _snapshot_dirs(snapshot_dir: Path) -> list[str]:
    root = snapshot_dir / SNAPSHOTS
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_update_from_folders_keeps_other_sources(data_dir: Path, lists_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    messages: list[str] = []
    result = update_snapshot(
        snapshot_dir,
        [str(lists_dir / "us_bis_dpl_2023-11"), str(lists_dir / "us_ofac_non_sdn_2025-12")],
        messages.append,
    )
    assert result.updated == ("us_ofac_cons", "us_bis_dpl")
    assert any(m.startswith("reading us_bis_dpl") for m in messages)
    assert [str(p) for p in result.problems["us_bis_dpl"]] == [
        "dpl.txt:316: Last_Update 3033-09-30 is implausible (ignored)"
    ]
    installed = load_snapshot(snapshot_dir)
    embedded = load_embedded_snapshot()
    assert installed is not embedded
    origins = {s.source: s.origin for s in installed.sources}
    assert origins == {
        "us_ofac_sdn": "embedded",
        "us_ofac_cons": "installed",
        "un_sc": "embedded",
        "us_bis_dpl": "installed",
        "us_csl": "embedded",
    }
    # the same official files give the same content versions as the embedded build
    assert installed.versions() == embedded.versions()
    assert len(installed.entities) == len(embedded.entities)
    assert all(d.unchanged for d in result.deltas)
    assert current_snapshot_path(snapshot_dir) == result.path


def test_update_from_http_and_delta(
    data_dir: Path, fixtures_dir: Path, http_root: tuple[Path, str]
) -> None:
    root, base = http_root
    shutil.copy(fixtures_dir / "un_bad_entry.xml", root / "consolidated.xml")
    snapshot_dir = data_dir / "lists"
    messages: list[str] = []
    with pytest.raises(ListDataError, match="2 un_sc entities against 1,003 now"):
        update_snapshot(snapshot_dir, [f"{base}/consolidated.xml"])
    assert not (snapshot_dir / CURRENT).exists()
    result = update_snapshot(
        snapshot_dir, [f"{base}/consolidated.xml"], messages.append, allow_shrink=True
    )
    assert any(m.startswith("downloaded consolidated.xml") for m in messages)
    assert result.updated == ("un_sc",)
    assert [p.line for p in result.problems["un_sc"]] == [16]
    un = load_snapshot(snapshot_dir).source("un_sc")
    assert un is not None
    assert un.entity_count == 2
    assert un.published == "2026-03-01"  # dateGenerated of the served file
    assert un.origin == "installed"
    (delta,) = result.deltas
    assert delta.source == "un_sc"
    assert delta.added == ()
    assert len(delta.removed) == 1_003 - 2
    assert {c.new.id for c in delta.changed} == {"un_sc:KPi.033", "un_sc:KPe.001"}
    komid = next(c for c in delta.changed if c.new.id == "un_sc:KPe.001")
    assert "aliases" in komid.fields
    assert delta.to_dict()["removed"] == 1_001


def test_update_from_http_real_file_with_progress(
    data_dir: Path, lists_dir: Path, http_root: tuple[Path, str]
) -> None:
    root, base = http_root
    shutil.copy(lists_dir / "un_sc_consolidated_2026-02-27" / "UN_consolidated.xml", root)
    messages: list[str] = []
    result = update_snapshot(data_dir / "lists", [f"{base}/UN_consolidated.xml"], messages.append)
    assert "downloading UN_consolidated.xml: 1.0 of 2.0 MB" in messages
    (delta,) = result.deltas
    assert delta.unchanged
    info = result.snapshot.source("un_sc")
    embedded = load_embedded_snapshot().source("un_sc")
    assert info is not None
    assert embedded is not None
    assert info.files[0].sha256 == embedded.files[0].sha256


def test_unreachable_url_changes_nothing(data_dir: Path, http_root: tuple[Path, str]) -> None:
    _, base = http_root
    snapshot_dir = data_dir / "lists"
    with pytest.raises(InputError, match=r"sdn\.csv: download failed \(HTTP 404"):
        update_snapshot(snapshot_dir, [f"{base}/sdn.csv"])
    with pytest.raises(InputError, match="download failed"):
        update_snapshot(snapshot_dir, ["http://127.0.0.1:9/sdn.csv"])
    assert not (snapshot_dir / CURRENT).exists()
    assert load_snapshot(snapshot_dir) is load_embedded_snapshot()


def test_bad_file_keeps_last_good(data_dir: Path, lists_dir: Path, tmp_path: Path) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")])
    before = _snapshot_dirs(snapshot_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "consolidated.xml").write_text("<html>503 Service Unavailable</html", encoding="utf-8")
    with pytest.raises(ListDataError, match=r"consolidated\.xml"):
        update_snapshot(snapshot_dir, [str(lists_dir / "us_ofac_non_sdn_2025-12"), str(bad)])
    assert current_snapshot_path(snapshot_dir) == good.path
    assert _snapshot_dirs(snapshot_dir) == before
    with pytest.raises(NotFoundError, match="no such file or folder"):
        update_snapshot(snapshot_dir, [str(tmp_path / "missing")])
    assert current_snapshot_path(snapshot_dir) == good.path


def test_failed_write_is_not_swapped_in(
    data_dir: Path, lists_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")])
    real_write = store_module.write_snapshot_dir

    def failing_write(target: Path, sources: Any, blobs: Any = None) -> None:
        real_write(target, sources[:2], blobs)  # a half-written snapshot …
        raise OSError(28, "No space left on device")  # … then the disk fills up

    monkeypatch.setattr(store_module, "write_snapshot_dir", failing_write)
    with pytest.raises(ListDataError, match="No space left"):
        update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")])
    assert current_snapshot_path(snapshot_dir) == good.path
    assert _snapshot_dirs(snapshot_dir) == [good.path.name]  # temp folder cleaned up
    assert load_snapshot(snapshot_dir).source("us_bis_dpl") is not None


def test_corrupt_installed_snapshot_is_an_error(data_dir: Path, lists_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")])
    data = good.path / "us_bis_dpl.json.gz"
    data.write_bytes(data.read_bytes()[:-10])
    (good.path / "manifest.json").touch()  # a new mtime: not served from the cache
    with pytest.raises(ListDataError, match="sha256 does not match"):
        load_snapshot(snapshot_dir)
    (snapshot_dir / CURRENT).write_text("../../etc\n", encoding="utf-8")
    with pytest.raises(ListDataError, match="does not name a snapshot"):
        load_snapshot(snapshot_dir)


def test_old_snapshots_are_pruned(data_dir: Path, lists_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    for _ in range(store_module.KEEP_SNAPSHOTS + 2):
        last = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")])
    names = _snapshot_dirs(snapshot_dir)
    assert len(names) == store_module.KEEP_SNAPSHOTS + 1
    assert last.path.name in names


def test_partial_ofac_set_is_noted(data_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    shutil.copy(fixtures_dir / "ofac_bad_rows" / "sdn.csv", folder / "SDN.CSV")
    result = update_snapshot(data_dir / "lists", [str(folder)], allow_shrink=True)
    notes = [str(p) for p in result.problems["us_ofac_sdn"] if p.line == 0]
    assert notes == [
        "SDN.CSV: given without add.csv: the entries have no addresses",
        "SDN.CSV: given without alt.csv: the entries have no aliases other than those in the "
        "Remarks",
    ]
    (delta,) = result.deltas
    assert len(delta.removed) == 15_443 - 3
    sdn = result.snapshot.source("us_ofac_sdn")
    assert sdn is not None
    assert sdn.entity_count == 3
    assert sdn.origin == "installed"


def test_file_grouping(tmp_path: Path) -> None:
    assert classify_file("cons_alt.csv") == ("us_ofac_cons", "alt")
    assert classify_file("dpl.txt") == ("us_bis_dpl", "primary")
    assert classify_file("consolidated.csv") == ("us_csl", "primary")
    assert classify_file("README.md") is None
    with pytest.raises(InputError, match="needs its primary file"):
        group_files([tmp_path / "add.csv", tmp_path / "alt.csv"])
    with pytest.raises(InputError, match="two files for un_sc"):
        group_files([tmp_path / "a.xml", tmp_path / "b.xml"])
    with pytest.raises(InputError, match="no official list files"):
        update_snapshot(tmp_path / "lists", [str(tmp_path)])


def _ent_nums(path: Path) -> set[str]:
    with path.open(encoding="latin-1", newline="") as handle:
        return {row[0] for row in csv.reader(handle) if len(row) == 12}


@pytest.mark.slow
def test_sdn_delta_2021_to_2024(lists_dir: Path) -> None:
    old_dir = lists_dir / "us_ofac_sdn_2021-07"
    new_dir = lists_dir / "us_ofac_sdn_2024-07-02"
    old = snapshot_from_files([str(old_dir / "sdn.csv")])
    new = snapshot_from_files([str(new_dir)])
    (delta,) = diff_snapshots(old, new)
    before, after = _ent_nums(old_dir / "sdn.csv"), _ent_nums(new_dir / "sdn.csv")
    assert {e.id.split(":")[1] for e in delta.added} == after - before
    assert {e.id.split(":")[1] for e in delta.removed} == before - after
    assert len(delta.added) == len(after - before) > 6_000
    # Kim Jong Un was designated in 2016 and is in both files
    assert "us_ofac_sdn:20157" not in {e.id for e in delta.added}
    changed = {c.new.id: c for c in delta.changed}
    assert all(c.old != c.new for c in delta.changed)
    assert set(changed) <= {f"us_ofac_sdn:{n}" for n in before & after}
