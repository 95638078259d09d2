"""The embedded default snapshot: contents, provenance, versions and load speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosper.lists import Snapshot, SourceInfo, load_embedded_snapshot, load_snapshot
from prosper.lists.codec import content_version


@pytest.fixture(scope="module")
def embedded() -> Snapshot:
    return load_embedded_snapshot()


def test_embedded_has_every_source_with_counts(embedded: Snapshot) -> None:
    counts = {s.source: s.entity_count for s in embedded.sources}
    # the record counts each folder's PROVENANCE.md states; CSL rows of one list and name
    # (one row per address) are one party: EL 3,420 rows → 3,329, DPL 1,596 → 1,512,
    # DTC 787 → 783, ISN 161 → 159
    assert counts == {
        "us_ofac_sdn": 19_249,
        "us_ofac_cons": 286 + 51 + 68 + 78,  # SSI NS-MBS CMIC PLC
        "un_sc": 736 + 275,
        "us_bis_dpl": 1_512,
        "us_csl": 3_329 + 70 + 222 + 159 + 783 + 1,  # EL MEU UVL ISN DTC CAP
        "eu_fsf": 5_307,
        "au_dfat": 3_846,  # Primary Name rows
        "ca_sema": 4_759,
        "jp_meti_eul": 835 - 17,  # 17 entries of the rendering have no name at all
    }
    assert len(embedded.entities) == sum(counts.values())
    for info in embedded.sources:
        assert info.origin == "embedded"
        assert info.name_count == sum(
            1 + len(e.aliases) for e in embedded.entities if e.source == info.source
        )


def test_published_dates_and_provenance(embedded: Snapshot) -> None:
    published = {s.source: (s.published, s.status) for s in embedded.sources}
    assert published == {
        "us_ofac_sdn": ("2026-08-20", "derived"),
        "us_ofac_cons": ("2026-07-31", "derived"),
        "un_sc": ("2026-08-01", "official"),
        "us_bis_dpl": ("2026-07-31", "derived"),
        "us_csl": ("2026-07-31", "derived"),
        "eu_fsf": ("2025-04-15", "derived"),
        "au_dfat": ("2026-07-21", "official"),
        "ca_sema": ("2025-03-20", "official"),
        "jp_meti_eul": ("2025-09-29", "derived"),
    }
    sdn = embedded.source("us_ofac_sdn")
    assert isinstance(sdn, SourceInfo)
    names = [f.name for f in sdn.files]
    assert names == [
        "ofac-sdn.json",
        "metadata.json",
        "ofac_add.csv",
        "ofac_alt.csv",
        "ofac_sdn_comments.csv",
    ]
    assert "3186e895e4ec63122cffece2d127e3f1fbe4c5c4" in sdn.files[0].provenance
    assert "DERIVED" in sdn.files[0].provenance
    assert "entries designated after 2026-07-29 have no row" in sdn.files[2].provenance
    assert sdn.files[0].size == 3_733_425
    assert sdn.published_basis == "published field of the rendering"
    csl = embedded.source("us_csl")
    assert csl is not None
    assert "DERIVED" in csl.files[0].provenance
    assert "remarks" in csl.lacks


def test_versions_are_content_hashes(embedded: Snapshot) -> None:
    versions = embedded.versions()
    assert set(versions) == {s.source for s in embedded.sources}
    un = embedded.entities_of("un_sc")
    assert versions["un_sc"] == content_version("un_sc", un)
    assert all(v.startswith("sha256:") and len(v) == 7 + 64 for v in versions.values())


def test_embedded_matches_the_official_files(embedded: Snapshot, lists_dir: Path) -> None:
    """The embedded UN data is exactly what the reader makes of the official file today."""
    from prosper.lists.un import read_un

    entities, _ = read_un(lists_dir / "un_sc_consolidated_2026-08-01" / "un.xml")
    assert content_version("un_sc", entities) == embedded.versions()["un_sc"]


def test_load_snapshot_without_install_is_embedded(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path / "nothing-here") is load_embedded_snapshot()
    assert load_snapshot(None) is load_embedded_snapshot()


def test_load_reads_every_entity() -> None:
    """A fresh load of the embedded snapshot holds all its entities (its speed is measured by
    bench/startup.py, not by a timed test on a shared machine)."""
    load_embedded_snapshot.cache_clear()
    snapshot = load_embedded_snapshot()
    assert len(snapshot.entities) > 18_000
    assert sum(info.entity_count for info in snapshot.sources) == len(snapshot.entities)


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
