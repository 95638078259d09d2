"""What a snapshot says about its data: official or derived, dates from the data, old manifests;
the parties inside a CSL name; the embedded default built from the 2026 files."""

from __future__ import annotations

import pytest

from prosper.lists import load_embedded_snapshot
from prosper.lists.codec import decode_entity, encode_entity
from prosper.lists.entity_list import footnotes, split_name
from prosper.lists.snapshot import SourceInfo, source_info_from_dict, source_info_to_dict
from prosper.model import Alias, Entity, EntityType, ListPolicy


@pytest.mark.parametrize(
    ("name", "party", "aliases", "parent"),
    [
        (
            "Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Terminal "
            "(Shenzhen) Co., Ltd.",
            "Huawei Terminal (Shenzhen) Co., Ltd.",
            [],
            "Huawei Technologies Co., Ltd.",
        ),
        (
            "Chitron Electronics Company Ltd., a.k.a. Chi-Chung Electronics Company Ltd. "
            "(Chitron-Shenzhen)",
            "Chitron Electronics Company Ltd.",
            [("Chi-Chung Electronics Company Ltd.", "aka"), ("Chitron-Shenzhen", "aka")],
            None,
        ),
        (
            "SGM Most OOO (f.k.a., Obshchestvo S Ogranichennoi Otvetstvennostyu SGM Most)",
            "SGM Most OOO",
            [("Obshchestvo S Ogranichennoi Otvetstvennostyu SGM Most", "fka")],
            None,
        ),
        (
            "SIBERIAN AIRLINES D.B.A. S7 AIRLINES",
            "SIBERIAN AIRLINES",
            [("S7 AIRLINES", "dba")],
            None,
        ),
        ("PEARL (A.K.A. NEI-CHIEN CHU) LI", "PEARL LI", [("NEI-CHIEN CHU", "aka")], None),
        ("KOW SENG LIM -AKA- ERIC LIM", "KOW SENG LIM", [("ERIC LIM", "aka")], None),
        (
            "Russian Aerospace Forces (aka VKS); and any successor, sub-unit, or subsidiary "
            "thereof",
            "Russian Aerospace Forces",
            [("VKS", "aka")],
            None,
        ),
        # words that merely contain "aka" are no marker
        (
            "Joint Stock Company State Missile Center Named After Akademika V.P. Makeyeva",
            "Joint Stock Company State Missile Center Named After Akademika V.P. Makeyeva",
            [],
            None,
        ),
        (
            "Affiliated Supply and Consultancy Services",
            "Affiliated Supply and Consultancy Services",
            [],
            None,
        ),
    ],
)
def test_split_name(
    name: str, party: str, aliases: list[tuple[str, str]], parent: str | None
) -> None:
    found = split_name(name)
    assert found.name == party
    assert [(a.name, a.kind) for a in found.aliases] == aliases
    assert found.parent == parent


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("For All Items Subject to the EAR (See §734.9(e)1, and §744.11 of the EAR)2.", ("FN1",)),
        (
            "For all items subject to the EAR. (See §§734.9(g),3 746.8(a)(3), and 744.11 of "
            "the EAR)",
            ("FN3",),
        ),
        ("For All Items Subject to the EAR (See §734.9(e), and 744.11 of the EAR)4.", ("FN4",)),
        (
            "For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR) 4",
            ("FN4",),
        ),
        (
            "For all items subject to the EAR (See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the "
            "EAR)5",
            ("FN5",),
        ),
        ("For all items subject to the EAR. (See §744.11 of the EAR).", ()),
        (None, ()),
    ],
)
def test_footnotes(text: str | None, marks: tuple[str, ...]) -> None:
    assert footnotes(text) == marks


def test_footnotes_survive_the_snapshot_codec() -> None:
    entity = Entity(
        id="us_csl:EL-1",
        source="us_csl",
        list_code="EL",
        type=EntityType.ORGANIZATION,
        name="Example",
        aliases=(Alias("Ex", True, "dba"),),
        policy=ListPolicy(license_requirement="x", footnotes=("FN1", "FN3")),
    )
    assert decode_entity(encode_entity(entity), "us_csl") == entity
    plain = Entity("a:1", "a", "EL", EntityType.ORGANIZATION, "A", policy=ListPolicy("x"))
    assert "fn" not in encode_entity(plain)["po"]  # old content versions stay the same


def test_manifest_entry_round_trip_and_old_manifests() -> None:
    info = SourceInfo(
        source="eu_fsf",
        label="EU",
        published="2025-04-15",
        version="sha256:00",
        entity_count=1,
        name_count=2,
        origin="embedded",
        files=(),
        status="derived",
        lacks=("addresses",),
        published_basis="meta.timestamp",
        notes=("n",),
    )
    entry = source_info_to_dict(info, "eu_fsf.json.gz", "ab")
    assert source_info_from_dict(entry) == info
    old = {
        k: v for k, v in entry.items() if k not in ("status", "lacks", "published_basis", "notes")
    }
    read = source_info_from_dict(old)
    assert read.status == "official"
    assert read.lacks == ()
    assert not read.derived
    assert read.published_basis == "not recorded"


# ------------------------------------------------------------------ the embedded default


def test_embedded_default_sources_and_labels() -> None:
    snapshot = load_embedded_snapshot()
    by_source = {s.source: s for s in snapshot.sources}
    assert set(by_source) == {
        "us_ofac_sdn",
        "us_ofac_cons",
        "un_sc",
        "us_bis_dpl",
        "us_csl",
        "eu_fsf",
        "au_dfat",
        "ca_sema",
        "jp_meti_eul",
    }
    derived = {s.source for s in snapshot.sources if s.derived}
    assert derived == {
        "us_ofac_sdn",
        "us_ofac_cons",
        "us_bis_dpl",
        "us_csl",
        "eu_fsf",
        "jp_meti_eul",
    }
    for info in snapshot.sources:
        assert info.published[:4] in ("2025", "2026"), info
        assert info.published_basis not in ("not recorded", "given by the builder")
        assert not info.derived or info.lacks, info.source
    assert by_source["us_ofac_sdn"].published == "2026-08-20"
    assert by_source["us_csl"].published == "2026-07-31"
    assert by_source["un_sc"].published == "2026-08-01"
    # the SDN entries the 2026-07-29 aux files do not cover are named in the provenance
    assert by_source["us_ofac_sdn"].notes[0].startswith("79 entries are not in the aux files")


@pytest.mark.parametrize(
    "firm",
    [
        "Sophgo",
        "Moore Thread",
        "Beijing Zhipu Huazhang Technology",
        "Shanghai Biren Information Technology",
        "Inspur",
        "iFlytek",
        "Huawei Technologies Co., Ltd.",
    ],
)
def test_embedded_entity_list_has_the_ai_firms(firm: str) -> None:
    listed = [
        e
        for e in load_embedded_snapshot().entities
        if e.list_code == "EL" and any(firm.upper() in n.upper() for n, _ in e.all_names())
    ]
    assert listed, firm
    assert all(e.policy is not None and e.policy.license_requirement for e in listed)
    assert any(e.policy is not None and e.policy.federal_register_notice for e in listed)
