"""`lists update` machinery: folders and URLs, atomic swap, keep-last-good, deltas."""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import need_shared

from prosper.errors import InputError, ListDataError, NotFoundError
from prosper.lists import load_embedded_snapshot, load_snapshot
from prosper.lists import store as store_module
from prosper.lists.collect import snapshot_from_files
from prosper.lists.delta import diff_entities, diff_snapshots
from prosper.lists.guard import UpdatePolicy, date_refusal, drop_refusal, incomplete_reason
from prosper.lists.lock import UpdateBusyError, update_lock
from prosper.lists.snapshot import CURRENT, SNAPSHOTS, SourceInfo, current_snapshot_path
from prosper.lists.sources import classify_file, group_files
from prosper.lists.update import UpdateOptions, update_snapshot
from prosper.model import Entity, EntityType, Identifier

OFAC_FLAGS = {"allow_older": True, "allow_shrink": True}  # OFAC CSVs state no date
# a first install over the embedded default (newer and larger than these small files)
ANY = UpdateOptions(policy=UpdatePolicy(allow_older=True, allow_shrink=True))


def _allow(**flags: bool) -> UpdateOptions:
    return UpdateOptions(policy=UpdatePolicy(**flags))


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
        options=ANY,  # older and smaller than the embedded default
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
    assert origins["us_ofac_cons"] == origins["us_bis_dpl"] == "installed"
    others = {s for s in origins if s not in result.updated}
    assert others == {s.source for s in embedded.sources} - set(result.updated)
    assert all(origins[s] == "embedded" for s in others)
    # untouched sources keep their embedded content, byte for byte
    assert {s: v for s, v in installed.versions().items() if s in others} == {
        s: v for s, v in embedded.versions().items() if s in others
    }
    dpl = installed.source("us_bis_dpl")
    assert dpl is not None
    assert (dpl.published, dpl.entity_count) == ("2023-11-28", 546)
    assert current_snapshot_path(snapshot_dir) == result.path


def test_update_from_http_and_delta(
    data_dir: Path, fixtures_dir: Path, http_root: tuple[Path, str]
) -> None:
    root, base = http_root
    shutil.copy(fixtures_dir / "un_bad_entry.xml", root / "consolidated.xml")
    snapshot_dir = data_dir / "lists"
    messages: list[str] = []
    with pytest.raises(
        ListDataError, match=r"un_sc: the new data \(2026-03-01, 2 entities\) drops"
    ):
        update_snapshot(snapshot_dir, [f"{base}/consolidated.xml"])
    assert not (snapshot_dir / CURRENT).exists()
    embedded = load_embedded_snapshot()
    result = update_snapshot(
        snapshot_dir, [f"{base}/consolidated.xml"], messages.append, options=ANY
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
    assert {c.new.id for c in delta.changed} == {"un_sc:KPi.033", "un_sc:KPe.001"}
    before = len(embedded.entities_of("un_sc"))
    assert len(delta.removed) == before - 2
    komid = next(c for c in delta.changed if c.new.id == "un_sc:KPe.001")
    assert "aliases" in komid.fields
    assert delta.to_dict()["removed"] == before - 2


def test_update_from_http_real_file_with_progress(
    data_dir: Path, lists_dir: Path, http_root: tuple[Path, str]
) -> None:
    root, base = http_root
    shutil.copy(lists_dir / "un_sc_consolidated_2026-02-27" / "UN_consolidated.xml", root)
    messages: list[str] = []
    result = update_snapshot(
        data_dir / "lists", [f"{base}/UN_consolidated.xml"], messages.append, options=ANY
    )
    assert any(
        re.fullmatch(r"downloading UN_consolidated.xml: 1\.\d of 2\.0 MB", m) for m in messages
    )
    info = result.snapshot.source("un_sc")
    assert info is not None
    assert (info.published, info.entity_count) == ("2026-02-27", 1_003)
    served = root / "UN_consolidated.xml"
    assert info.files[0].sha256 == hashlib.sha256(served.read_bytes()).hexdigest()


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
    good = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")], options=ANY)
    before = _snapshot_dirs(snapshot_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "consolidated.xml").write_text("<html>503 Service Unavailable</html", encoding="utf-8")
    with pytest.raises(ListDataError, match=r"consolidated\.xml"):
        update_snapshot(
            snapshot_dir,
            [str(lists_dir / "us_ofac_non_sdn_2025-12"), str(bad)],
            options=_allow(allow_older=True),
        )
    assert current_snapshot_path(snapshot_dir) == good.path
    assert _snapshot_dirs(snapshot_dir) == before
    with pytest.raises(NotFoundError, match="no such file or folder"):
        update_snapshot(snapshot_dir, [str(tmp_path / "missing")])
    assert current_snapshot_path(snapshot_dir) == good.path


def test_failed_write_is_not_swapped_in(
    data_dir: Path, lists_dir: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")], options=ANY)
    real_write = store_module.write_snapshot_dir

    def failing_write(target: Path, sources: Any, blobs: Any = None) -> None:
        real_write(target, sources[:2], blobs)  # a half-written snapshot …
        raise OSError(28, "No space left on device")  # … then the disk fills up

    monkeypatch.setattr(store_module, "write_snapshot_dir", failing_write)
    with pytest.raises(ListDataError, match="No space left"):
        update_snapshot(
            snapshot_dir,
            [str(fixtures_dir / "un_bad_entry.xml")],
            options=ANY,
        )
    assert current_snapshot_path(snapshot_dir) == good.path
    assert _snapshot_dirs(snapshot_dir) == [good.path.name]  # temp folder cleaned up
    assert load_snapshot(snapshot_dir).source("us_bis_dpl") is not None


def test_corrupt_installed_snapshot_is_an_error(data_dir: Path, lists_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(snapshot_dir, [str(lists_dir / "us_bis_dpl_2023-11")], options=ANY)
    data = good.path / "us_bis_dpl.json.gz"
    data.write_bytes(data.read_bytes()[:-10])
    (good.path / "manifest.json").touch()  # a new mtime: not served from the cache
    with pytest.raises(ListDataError, match="sha256 does not match"):
        load_snapshot(snapshot_dir)
    (snapshot_dir / CURRENT).write_text("../../etc\n", encoding="utf-8")
    with pytest.raises(ListDataError, match="does not name a snapshot"):
        load_snapshot(snapshot_dir)


def test_old_snapshots_are_pruned(data_dir: Path, fixtures_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    both = _allow(allow_older=True, allow_shrink=True)
    for number in range(store_module.KEEP_SNAPSHOTS + 2):
        un = "un_older.xml" if number % 2 else "un_bad_entry.xml"  # a new publication each time
        last = update_snapshot(snapshot_dir, [str(fixtures_dir / un)], options=both)
    names = _snapshot_dirs(snapshot_dir)
    assert len(names) == store_module.KEEP_SNAPSHOTS + 1
    assert last.path.name in names


def test_partial_ofac_set_is_refused_unless_allowed(
    data_dir: Path, fixtures_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    shutil.copy(fixtures_dir / "ofac_bad_rows" / "sdn.csv", folder / "SDN.CSV")
    snapshot_dir = data_dir / "lists"
    with pytest.raises(ListDataError) as refused:
        update_snapshot(snapshot_dir, [str(folder)], options=_allow(**OFAC_FLAGS))
    assert str(refused.value) == (
        "us_ofac_sdn: SDN.CSV given without add.csv, alt.csv, sdn_comments.csv (its aliases, "
        "addresses or remarks would be lost); nothing was installed (use --allow-partial to "
        "install it anyway)"
    )
    assert not (snapshot_dir / CURRENT).exists()
    result = update_snapshot(
        snapshot_dir, [str(folder)], options=_allow(**OFAC_FLAGS, allow_partial=True)
    )
    notes = [str(p) for p in result.problems["us_ofac_sdn"] if p.line == 0]
    assert notes == [
        "SDN.CSV: SDN.CSV given without add.csv, alt.csv, sdn_comments.csv (its aliases, "
        "addresses or remarks would be lost)"
    ]
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


# ---------------------------------------------------------------- updates never go backwards


def _state(snapshot_dir: Path) -> tuple[str | None, list[str]]:
    pointer = snapshot_dir / CURRENT
    return (pointer.read_text() if pointer.exists() else None), _snapshot_dirs(snapshot_dir)


def test_older_sdn_set_is_refused_and_changes_nothing(data_dir: Path, fixtures_dir: Path) -> None:
    # 20 DPRK entries of the 2024-07-02 SDN (10 designated after July 2021) with their aux
    # rows, then the same 10 older entries as the 2021-07 files had them
    snapshot_dir = data_dir / "lists"
    newer = update_snapshot(
        snapshot_dir, [str(fixtures_dir / "ofac_sdn_new")], options=_allow(**OFAC_FLAGS)
    )
    sdn = newer.snapshot.source("us_ofac_sdn")
    assert sdn is not None
    assert sdn.entity_count == 20
    before = _state(snapshot_dir)
    with pytest.raises(ListDataError) as refused:
        update_snapshot(snapshot_dir, [str(fixtures_dir / "ofac_sdn_old")])
    lines = str(refused.value).splitlines()
    drop = [line for line in lines if "drops" in line]
    assert drop == [
        f"us_ofac_sdn: the new data ({lines_published(lines)}, 10 entities) drops 10 of the 20 "
        f"installed entities (50.0% > 10% allowed; installed {sdn.published}) — a truncated or "
        "wrong file? Nothing was installed (use --allow-shrink to install it anyway)"
    ]
    assert all(line.startswith("us_ofac_sdn: ") for line in lines)
    assert _state(snapshot_dir) == before
    assert load_snapshot(snapshot_dir).source("us_ofac_sdn") == sdn
    # Kim Jong Un is still there, as the newer file has him
    assert any(e.id == "us_ofac_sdn:20157" for e in load_snapshot(snapshot_dir).entities)
    forced = update_snapshot(
        snapshot_dir, [str(fixtures_dir / "ofac_sdn_old")], options=_allow(**OFAC_FLAGS)
    )
    assert forced.installed
    (delta,) = forced.deltas
    assert len(delta.removed) == 10


def lines_published(lines: list[str]) -> str:
    """The new data's publication date as the refusal states it."""
    first = next(line for line in lines if "drops" in line)
    return first.split("the new data (", 1)[1].split(",", 1)[0]


def test_2021_sdn_over_2024_is_refused(data_dir: Path, shared_lists: Path) -> None:
    snapshot_dir = data_dir / "lists"
    new_dir = need_shared(shared_lists / "us_ofac_sdn_2024-07-02")
    old_dir = need_shared(shared_lists / "us_ofac_sdn_2021-07")
    update_snapshot(snapshot_dir, [str(new_dir)], options=_allow(**OFAC_FLAGS, allow_partial=True))
    installed = load_snapshot(snapshot_dir).source("us_ofac_sdn")
    assert installed is not None
    assert installed.entity_count == 15_443
    before = _state(snapshot_dir)
    with pytest.raises(ListDataError) as refused:
        update_snapshot(snapshot_dir, [str(old_dir)])
    text = str(refused.value)
    assert "us_ofac_sdn: the new data (" in text
    assert "8,976 entities) drops 7,394 of the 15,443 installed entities (47.9% > 10%" in text
    assert _state(snapshot_dir) == before
    assert load_snapshot(snapshot_dir).source("us_ofac_sdn") == installed


def test_older_publication_date_is_refused(data_dir: Path, fixtures_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    update_snapshot(snapshot_dir, [str(fixtures_dir / "un_bad_entry.xml")], options=ANY)
    before = _state(snapshot_dir)
    with pytest.raises(ListDataError) as refused:
        update_snapshot(snapshot_dir, [str(fixtures_dir / "un_older.xml")])
    assert str(refused.value) == (
        "un_sc: the new data (2025-01-15, 2 entities) is older than the installed data "
        "(2026-03-01, 2 entities); nothing was installed (use --allow-older to install it anyway)"
    )
    assert _state(snapshot_dir) == before
    result = update_snapshot(
        snapshot_dir, [str(fixtures_dir / "un_older.xml")], options=_allow(allow_older=True)
    )
    un = result.snapshot.source("un_sc")
    assert un is not None
    assert un.published == "2025-01-15"


def _info(published: str, count: int) -> SourceInfo:
    return SourceInfo("us_ofac_sdn", "SDN", published, "sha256:x", count, count, "installed", ())


def test_date_and_drop_rules() -> None:
    old = _info("2026-07-29", 19_181)
    assert date_refusal(old, _info("2026-08-20", 19_249)) is None
    assert date_refusal(old, _info("2026-07-29", 19_181)) is None  # same publication
    assert date_refusal(None, _info("unknown", 5)) is None  # nothing installed to compare
    assert date_refusal(_info("unknown", 5), _info("2021-07-07", 5)) is None
    unknown = date_refusal(old, _info("unknown", 19_000))
    assert unknown == (
        "us_ofac_sdn: the new data states no publication date (unknown, 19,000 entities; "
        "installed 2026-07-29, 19,181 entities) so it cannot be shown not to be older; nothing "
        "was installed (use --allow-older to install it anyway)"
    )
    assert drop_refusal(old, _info("2026-08-20", 17_300), 1_881, 0.10) is None  # 9.8 %
    assert drop_refusal(old, _info("2026-08-20", 17_200), 1_981, 0.10) is not None  # 10.3 %
    assert drop_refusal(old, _info("2026-08-20", 17_200), 1_981, 0.20) is None
    assert incomplete_reason(b'1,"A",\r\n\x1a') is None
    assert incomplete_reason(b'1,"A",\r\n2,"B, cut inside') is not None
    assert (
        incomplete_reason(b'1,"A",\r\n2,"B",-0-') == "the last row has no line break (cut short?)"
    )


def test_reformatted_csl_is_not_a_mass_delisting() -> None:
    def el(native: str, name: str, ident: tuple[Identifier, ...] = ()) -> Entity:
        return Entity(
            f"us_csl:{native}", "us_csl", "EL", EntityType.ORGANIZATION, name, identifiers=ident
        )

    old = [el("5f3c0a", "Sophgo Technologies Ltd."), el("77ab01", "Moore Threads")]
    new = [el("1001", "SOPHGO TECHNOLOGIES LTD."), el("1002", "Moore Threads"), el("1003", "Biren")]
    added, removed, changed = diff_entities("us_csl", old, new)
    assert [e.name for e in added] == ["Biren"]
    assert removed == ()
    assert {c.new.id for c in changed} == {"us_csl:1001", "us_csl:1002"}
    # by list + name + entity number first: two rows of one name keep their own numbers
    number = (Identifier("Entity Number", "1002"),)
    twin_old = [
        el("a", "Inspur", (Identifier("Entity Number", "1001"),)),
        el("b", "Inspur", number),
    ]
    twin_new = [el("1002", "Inspur"), el("1001", "Inspur")]
    _, _, twins = diff_entities("us_csl", twin_old, twin_new)
    assert {(c.old.id, c.new.id) for c in twins} == {
        ("us_csl:a", "us_csl:1001"),
        ("us_csl:b", "us_csl:1002"),
    }


def _forged_first(fixtures_dir: Path, folder: Path) -> None:
    shutil.copytree(fixtures_dir / "ofac_sdn_new", folder)
    real = (folder / "sdn.csv").read_bytes()
    forged = (
        b'20157,"KIM, Jong Un","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    )
    forged = forged.replace(b'"KIM, Jong Un"', b'"NOBODY, Harmless"')
    (folder / "sdn.csv").write_bytes(forged + real)


def test_duplicate_ids_are_refused(data_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "forged"
    _forged_first(fixtures_dir, folder)
    snapshot_dir = data_dir / "lists"
    with pytest.raises(ListDataError) as refused:
        update_snapshot(snapshot_dir, [str(folder)], options=_allow(**OFAC_FLAGS))
    assert str(refused.value).startswith("us_ofac_sdn: sdn.csv:"), refused.value
    assert "duplicate ent_num 20157" in str(refused.value)
    assert "--allow-duplicates" in str(refused.value)
    assert not (snapshot_dir / CURRENT).exists()
    flags = {**OFAC_FLAGS, "allow_duplicates": True}
    result = update_snapshot(snapshot_dir, [str(folder)], options=_allow(**flags))
    assert result.installed


def test_cut_files_are_refused(data_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    snapshot_dir = data_dir / "lists"
    good = update_snapshot(
        snapshot_dir, [str(fixtures_dir / "ofac_sdn_new")], options=_allow(**OFAC_FLAGS)
    )
    folder = tmp_path / "cut"
    shutil.copytree(fixtures_dir / "ofac_sdn_new", folder)
    data = (folder / "sdn.csv").read_bytes()
    at = data.index(b"DOB", len(data) // 2)  # inside a Remarks field
    (folder / "sdn.csv").write_bytes(data[:at])
    with pytest.raises(ListDataError, match=r"sdn\.csv: a quoted field is never closed"):
        update_snapshot(snapshot_dir, [str(folder)], options=_allow(**OFAC_FLAGS))
    # half the rows, cut at a row boundary: parses, but drops half the entities
    half = b"\r\n".join(data.split(b"\r\n")[:10]) + b"\r\n"
    (folder / "sdn.csv").write_bytes(half)
    with pytest.raises(ListDataError, match=r"drops 10 of the 20 installed entities"):
        update_snapshot(snapshot_dir, [str(folder)], options=_allow(allow_older=True))
    assert current_snapshot_path(snapshot_dir) == good.path


def test_gz_files_and_cut_gz(data_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    raw = (fixtures_dir / "un_bad_entry.xml").read_bytes()
    packed = gzip.compress(raw)
    (tmp_path / "consolidated.xml.gz").write_bytes(packed)
    snapshot_dir = data_dir / "lists"
    result = update_snapshot(snapshot_dir, [str(tmp_path / "consolidated.xml.gz")], options=ANY)
    assert result.updated == ("un_sc",)
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "consolidated.xml.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ListDataError, match="not a complete gzip file"):
        update_snapshot(snapshot_dir, [str(tmp_path / "cut")])
    assert current_snapshot_path(snapshot_dir) == result.path


def test_same_publication_installs_nothing(data_dir: Path, fixtures_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    first = update_snapshot(snapshot_dir, [str(fixtures_dir / "un_bad_entry.xml")], options=ANY)
    again = update_snapshot(snapshot_dir, [str(fixtures_dir / "un_bad_entry.xml")])
    assert first.installed
    assert not again.installed
    assert again.path == first.path
    assert _snapshot_dirs(snapshot_dir) == [first.path.name]


def test_second_update_waits_then_fails_with_one_line(data_dir: Path, fixtures_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    with update_lock(snapshot_dir, wait=0):
        options = UpdateOptions(policy=UpdatePolicy(allow_shrink=True), lock_wait=0.3)
        with pytest.raises(UpdateBusyError, match="another list update is running") as busy:
            update_snapshot(snapshot_dir, [str(fixtures_dir / "un_bad_entry.xml")], options=options)
        assert "\n" not in str(busy.value)
    assert not (snapshot_dir / CURRENT).exists()


def test_stale_temporary_folders_are_pruned(data_dir: Path, fixtures_dir: Path) -> None:
    snapshot_dir = data_dir / "lists"
    (snapshot_dir / SNAPSHOTS / ".tmp-20260101T000000Z-abc").mkdir(parents=True)
    (snapshot_dir / ".tmp-download-xyz").mkdir()
    (snapshot_dir / ".CURRENT.999.tmp").write_text("x")
    messages: list[str] = []
    update_snapshot(
        snapshot_dir,
        [str(fixtures_dir / "un_bad_entry.xml")],
        messages.append,
        options=ANY,
    )
    assert "removed 3 temporary folder(s) of an interrupted update" in messages
    leftovers = [p.name for p in (*snapshot_dir.iterdir(), *(snapshot_dir / SNAPSHOTS).iterdir())]
    assert not [n for n in leftovers if n.startswith(".tmp-") or n.endswith(".tmp")]
