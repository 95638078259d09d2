"""The embedded default snapshot: contents, provenance, versions and load speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from prosper.lists import Snapshot, SourceInfo, load_embedded_snapshot, load_snapshot
from prosper.lists.codec import content_version


@pytest.fixture(scope="module")
def embedded() -> Snapshot:
    return load_embedded_snapshot()


def test_embedded_has_every_source_with_counts(embedded: Snapshot) -> None:
    counts = {s.source: s.entity_count for s in embedded.sources}
    assert counts == {
        "us_ofac_sdn": 15_443,
        "us_ofac_cons": 442,
        "un_sc": 730 + 273,
        "us_bis_dpl": 546,
        "us_csl": 919 + 186 + 144 + 142 + 71 + 1 + 1,  # EL UVL ISN DTC MEU FSE CAP
    }
    assert len(embedded.entities) == sum(counts.values())
    for info in embedded.sources:
        assert info.origin == "embedded"
        assert info.name_count == sum(
            1 + len(e.aliases) for e in embedded.entities if e.source == info.source
        )


def test_published_dates_and_provenance(embedded: Snapshot) -> None:
    published = {s.source: s.published for s in embedded.sources}
    assert published == {
        "us_ofac_sdn": "2024-07-02",
        "us_ofac_cons": "2025-12-19",
        "un_sc": "2026-02-27",
        "us_bis_dpl": "2023-11-28",
        "us_csl": "2023-11-16",
    }
    sdn = embedded.source("us_ofac_sdn")
    assert isinstance(sdn, SourceInfo)
    names = [f.name for f in sdn.files]
    assert names == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    assert "2b9a783f6f5345b491d3c74211d2f7743817c220" in sdn.files[0].provenance
    assert "only for ent_nums present in that sdn.csv" in sdn.files[1].provenance
    assert sdn.files[0].size == 3_945_271
    csl = embedded.source("us_csl")
    assert csl is not None
    assert "PARTIAL" in csl.files[0].provenance


def test_versions_are_content_hashes(embedded: Snapshot) -> None:
    versions = embedded.versions()
    assert set(versions) == {s.source for s in embedded.sources}
    un = embedded.entities_of("un_sc")
    assert versions["un_sc"] == content_version("un_sc", un)
    assert all(v.startswith("sha256:") and len(v) == 7 + 64 for v in versions.values())


def test_embedded_matches_the_official_files(embedded: Snapshot, lists_dir: Path) -> None:
    """The embedded UN data is exactly what the reader makes of the official file today."""
    from prosper.lists.un import read_un

    entities, _ = read_un(lists_dir / "un_sc_consolidated_2026-02-27" / "UN_consolidated.xml")
    assert content_version("un_sc", entities) == embedded.versions()["un_sc"]


def test_load_snapshot_without_install_is_embedded(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path / "nothing-here") is load_embedded_snapshot()
    assert load_snapshot(None) is load_embedded_snapshot()


def test_load_is_fast() -> None:
    load_embedded_snapshot.cache_clear()
    start = time.perf_counter()
    snapshot = load_embedded_snapshot()
    elapsed = time.perf_counter() - start
    assert len(snapshot.entities) > 18_000
    # measured ≈ 0.5 s on the 2-core CI machine; the bound leaves room for a busy machine
    assert elapsed < 5.0


def test_codec_round_trip(embedded: Snapshot) -> None:
    """Every embedded entity survives encode → JSON → decode unchanged."""
    import json

    from prosper.lists.codec import decode_entity, encode_entity

    for entity in embedded.entities:
        data = json.loads(json.dumps(encode_entity(entity)))
        assert decode_entity(data, entity.source) == entity
    with_policy = [e for e in embedded.entities if e.policy is not None]
    assert {e.list_code for e in with_policy} >= {"EL", "MEU", "DPL"}


@pytest.mark.slow
def test_build_script_reproduces_the_embedded_snapshot(lists_dir: Path, tmp_path: Path) -> None:
    """scripts/build_snapshot.py over the shared files gives exactly the embedded data.

    Fails when a reader changes without the embedded snapshot being rebuilt.
    """
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_snapshot.py"
    spec = importlib.util.spec_from_file_location("build_snapshot", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(lists_dir, tmp_path / "lists")
    embedded = load_embedded_snapshot()
    assert {info.source: info.version for info, _ in built} == embedded.versions()
    assert tuple(info for info, _ in built) == embedded.sources
