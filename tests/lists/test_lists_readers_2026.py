"""The readers of the 2026 list files, on small fixtures cut from them (tests/fixtures/README.md).

Each test reads a fixture with the reader the real file uses and checks the facts a user
relies on: the party's name and other names, its list, the licence facts of an Entity List
row, the publication date the data states and whether the source is official or derived.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from prosper.errors import InputError, ListDataError
from prosper.lists.common import DERIVED, OFFICIAL
from prosper.lists.csl_json import read_csl_json
from prosper.lists.dfat import read_dfat
from prosper.lists.eu import read_eu_json, read_eu_xml
from prosper.lists.meti import read_meti
from prosper.lists.ofac_derived import NO_AUX_REMARK, DerivedSdnFiles, read_ofac_derived
from prosper.lists.sema import read_sema
from prosper.lists.sources import build_source, classify_file, classify_path, group_files
from prosper.model import Entity, EntityType

CSL = "csl_2026/screening-list.json"


def by_name(entities: tuple[Entity, ...], name: str) -> Entity:
    found = [e for e in entities if e.name == name]
    assert len(found) == 1, [e.name for e in entities]
    return found[0]


# ------------------------------------------------------------------ CSL JSON


def test_csl_derived_entity_list_rows(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_csl_json(fixtures_dir / CSL, skip_lists={"SDN"})
    assert problems == ()
    assert facts.status == DERIVED
    assert facts.published == "2026-07-31"
    assert "remarks" in facts.lacks
    assert "start_date" in facts.lacks
    sophgo = by_name(entities, "Sophgo Technologies Ltd.")
    assert sophgo.list_code == "EL"
    assert sophgo.source == "us_csl"
    assert "Sophgo" in {a.name for a in sophgo.aliases}
    assert sophgo.countries == ("CN",)
    assert sophgo.policy is not None
    assert sophgo.policy.federal_register_notice == "90 FR 4621"
    assert sophgo.policy.license_policy == "Presumption of denial"
    assert sophgo.policy.license_requirement is not None
    assert "734.9(e)(2)" in sophgo.policy.license_requirement
    assert sophgo.policy.footnotes == ("FN4",)
    fn5 = by_name(entities, "Chinese Academy of Sciences Institute of Microelectronics")
    assert fn5.policy is not None
    assert fn5.policy.footnotes == ("FN5",)


def test_csl_affiliated_entity_is_its_own_party(fixtures_dir: Path) -> None:
    (entities, _), _ = read_csl_json(fixtures_dir / CSL)
    marine = by_name(entities, "Huawei Marine Networks Co., Ltd.")
    assert marine.linked_to == ("Huawei Technologies Co., Ltd.",)
    assert {"Huawei Marine", "HMN Tech"} <= {a.name for a in marine.aliases}
    # the parent's name is a link, never an alias of the affiliate
    assert "Huawei Technologies Co., Ltd." not in {a.name for a in marine.aliases}
    assert marine.policy is not None
    assert marine.policy.footnotes == ("FN1",)
    assert marine.policy.license_policy == "Presumption of denial"
    assert marine.policy.federal_register_notice is not None
    assert marine.policy.federal_register_notice.startswith("84 FR 22963")
    huawei = by_name(entities, "Huawei Technologies Co., Ltd. (Huawei)")
    assert huawei.policy is not None
    assert huawei.policy.footnotes == ("FN1",)


def test_csl_other_names_in_the_name(fixtures_dir: Path) -> None:
    (entities, _), facts = read_csl_json(fixtures_dir / CSL)
    chitron = by_name(entities, "Chitron Electronics Company Ltd.")
    assert [(a.name, a.kind) for a in chitron.aliases[:2]] == [
        ("Chi-Chung Electronics Company Ltd.", "aka"),
        ("Chitron-Shenzhen", "aka"),
    ]
    # two rows of the same Entity List party (one per address) are one party
    lts = by_name(entities, "LTS Holding Limited")
    assert [(a.name, a.kind) for a in lts.aliases] == [
        ("IPP-International Petroleum Products Ltd.", "fka")
    ]
    assert "1 rows merged into the row of the same list and name" in facts.notes
    dpl = by_name(entities, "KOW SENG LIM")
    assert dpl.list_code == "DPL"
    assert [a.name for a in dpl.aliases] == ["ERIC LIM"]


@pytest.mark.parametrize(
    ("lists", "codes"),
    [
        (None, {"EL", "MEU", "DPL", "SSI", "SDN"}),
        ({"DPL"}, {"DPL"}),
        ({"SSI", "PLC", "CMIC", "NS-MBS"}, {"SSI"}),
    ],
)
def test_csl_list_selection(fixtures_dir: Path, lists: set[str] | None, codes: set[str]) -> None:
    (entities, _), _ = read_csl_json(fixtures_dir / CSL, only_lists=lists)
    assert {e.list_code for e in entities} == codes


def test_dedicated_sources_built_from_the_csl(fixtures_dir: Path) -> None:
    files = {"primary": fixtures_dir / CSL}
    dpl = build_source("us_bis_dpl", files, origin="embedded")
    assert {e.list_code for e in dpl.entities} == {"DPL"}
    assert all(e.id.startswith("us_bis_dpl:DPL-") for e in dpl.entities)
    assert dpl.info.status == DERIVED
    assert dpl.info.published == "2026-07-31"
    csl = build_source("us_csl", files, origin="embedded")
    assert {e.list_code for e in csl.entities} == {"EL", "MEU"}  # SDN/DPL/SSI elsewhere


def test_csl_official_json_shape(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_csl_json(fixtures_dir / "csl_official_handwritten.json")
    assert problems == ()
    assert facts.status == OFFICIAL
    assert facts.lacks == ()
    assert facts.published == "2025-01-16"  # newest start_date not in the future
    party = by_name(entities, "Example Semiconductor Shanghai Co., Ltd.")
    assert party.id == "us_csl:fixture-el-1"
    assert party.linked_to == ("Example Semiconductor Co., Ltd.",)
    assert party.addresses[0].country == "CN"
    assert party.policy is not None
    assert party.policy.footnotes == ("FN4",)
    sdn = by_name(entities, "EXAMPLE, Person")
    assert sdn.type is EntityType.PERSON
    assert sdn.identifiers[0].value == "X0000001"


def test_csl_json_gz_reads_the_same(fixtures_dir: Path, tmp_path: Path) -> None:
    packed = tmp_path / "screening-list.json.gz"
    packed.write_bytes(gzip.compress((fixtures_dir / CSL).read_bytes()))
    assert read_csl_json(packed) == read_csl_json(fixtures_dir / CSL)
    assert classify_path(packed) == ("us_csl", "primary")


def test_csl_json_rejects_other_json(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    path.write_text('{"something": []}')
    with pytest.raises(ListDataError, match="not a Consolidated Screening List JSON"):
        read_csl_json(path)
    path.write_text("{not json")
    with pytest.raises(ListDataError, match="not JSON"):
        read_csl_json(path)


def test_csl_json_malformed_entries_are_reported_with_their_number(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    doc = json.loads((fixtures_dir / CSL).read_text())
    doc["entries"].append({"n": "", "s": 4})
    doc["entries"].append({"n": "Bad Table Index", "s": 99})
    path = tmp_path / "screening-list.json"
    path.write_text(json.dumps(doc))
    (_, problems), _ = read_csl_json(path)
    count = len(doc["entries"])
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (count - 1, f"entry {count - 1}"),
        (count, f"entry {count}"),
    ]
    assert "sources index 99" in problems[1].reason
    doc["entries"] = [{"n": ""}] * 20
    path.write_text(json.dumps(doc))
    with pytest.raises(ListDataError, match="20 of 20 entries are malformed"):
        read_csl_json(path)


# ------------------------------------------------------------------ SDN rendering + aux


def sdn_files(folder: Path) -> DerivedSdnFiles:
    return DerivedSdnFiles(
        folder / "ofac-sdn.json",
        None,
        folder / "ofac_add.csv",
        folder / "ofac_alt.csv",
        folder / "ofac_sdn_comments.csv",
    )


def test_sdn_rendering_joined_with_aux_by_uid(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_ofac_derived(sdn_files(fixtures_dir / "sdn_2026"))
    assert problems == ()
    assert facts.status == DERIVED
    assert facts.published == "2026-08-20"
    assert any(lack.startswith("Remarks") for lack in facts.lacks)
    by_id = {e.id: e for e in entities}
    assert len(by_id) == 5
    cuba = by_id["us_ofac_sdn:36"]
    assert cuba.name == "AEROCARIBBEAN AIRLINES"
    assert cuba.programs == ("CUBA",)
    assert cuba.addresses[0].text == "Havana, Cuba"
    assert cuba.countries == ("CU",)
    fka = [e.id for e in entities if any(a.kind == "fka" for a in e.aliases)]
    assert "us_ofac_sdn:4642" in fka  # the alias kind comes from alt.csv
    putin = by_id["us_ofac_sdn:35096"]
    assert putin.type is EntityType.PERSON
    assert putin.name.startswith("PUTIN, Vladimir")
    commented = by_id["us_ofac_sdn:17016"]
    assert commented.remarks is not None
    assert commented.remarks.startswith("… ")


def test_sdn_entry_designated_after_the_aux_files_says_so(fixtures_dir: Path) -> None:
    (entities, _), facts = read_ofac_derived(sdn_files(fixtures_dir / "sdn_2026"))
    late = next(e for e in entities if e.id == "us_ofac_sdn:57958")
    assert late.addresses == ()
    assert late.remarks == NO_AUX_REMARK
    assert next(e for e in entities if e.id == "us_ofac_sdn:36").remarks is None
    assert facts.notes[0].startswith("1 entries are not in the aux files")
    assert "57958" in facts.notes[0]
    assert facts.notes[1] == "1 aux-file entries are no longer listed (ignored)"


def test_sdn_rendering_csv_without_date_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "ofac-sdn.csv"
    path.write_text(
        "uid,name,type,programs,alternate_names\n"
        "36,AEROCARIBBEAN AIRLINES,entity,CUBA,AERO-CARIBBEAN\n"
        "4633,BANK MASKAN,entity,IRAN; IRAN-EO13902,HOUSING BANK - OF IRAN\n"
    )
    os.utime(path, (1_700_000_000, 1_700_000_000))  # an mtime is never a publication date
    data = build_source("us_ofac_sdn", {"primary": path}, origin="installed")
    assert data.info.published == "unknown"
    assert data.info.status == DERIVED
    assert "addresses" in data.info.lacks
    maskan = next(e for e in data.entities if e.name == "BANK MASKAN")
    assert maskan.programs == ("IRAN", "IRAN-EO13902")


def test_group_files_takes_the_rendering_as_sdn_primary(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "sdn_2026"
    groups = group_files(sorted(folder.iterdir()))
    assert set(groups["us_ofac_sdn"]) == {"primary", "add", "alt", "comments"}
    assert groups["us_ofac_sdn"]["primary"].name == "ofac-sdn.json"
    with pytest.raises(InputError, match=r"either the official sdn\.csv or"):
        group_files([folder / "ofac-sdn.json", Path("sdn.csv")])


# ------------------------------------------------------------------ EU


def test_eu_derived_json(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_eu_json(fixtures_dir / "eu_sanctions.json")
    assert problems == ()
    assert facts.status == DERIVED
    assert facts.published == "2025-04-15"
    assert "regulation / programme" in facts.lacks
    saddam = by_name(entities, "Saddam Hussein Al-Tikriti")
    assert saddam.id == "eu_fsf:13"
    assert saddam.type is EntityType.PERSON
    assert saddam.dates_of_birth == ("1937-04-28",)
    assert {a.name for a in saddam.aliases} == {"Abu Ali", "Abou Ali"}
    assert by_name(entities, "Septiembre Negro").type is EntityType.ORGANIZATION


def test_eu_official_xml(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_eu_xml(fixtures_dir / "eu_fsf_handwritten.xml")
    assert facts.status == OFFICIAL
    assert facts.published == "2026-11-30"
    assert facts.basis == "generationDate"
    assert [(p.line, p.reason) for p in problems] == [(28, "900003: no nameAlias with a wholeName")]
    person = by_name(entities, "Ivan Petrovich Testov")
    assert person.id == "eu_fsf:900001"
    assert person.list_code == "EU"
    assert person.type is EntityType.PERSON
    assert person.gender == "male"
    assert [(a.name, a.strong) for a in person.aliases] == [
        ("Иван Петрович Тестов", True),
        ("I. Testov", False),
    ]
    assert person.countries == ("RU",)
    assert person.dates_of_birth == ("1970-05-04",)
    assert person.programs == ("RUS",)
    assert person.listed_on == "2024-02-23"
    assert {i.type for i in person.identifiers} == {"EU Reference Number", "National passport"}
    company = by_name(entities, "Example Machine Works JSC")
    assert company.addresses[0].country == "RU"
    assert company.listed_on == "2022-04-08"


def test_eu_xml_with_another_root_is_rejected(fixtures_dir: Path) -> None:
    with pytest.raises(ListDataError, match="not an EU FSF XML export"):
        read_eu_xml(fixtures_dir / "un_bad_entry.xml")


# ------------------------------------------------------------------ AU, CA, JP


def test_dfat_workbook(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_dfat(fixtures_dir / "dfat_consolidated.xlsx")
    assert problems == ()
    assert facts.status == OFFICIAL
    assert facts.basis == "newest Control Date"
    assert facts.published == "2026-05-08"
    kabir = next(e for e in entities if e.id == "au_dfat:3")
    assert kabir.name == "Abdul Kabir Mohammad Jan"
    assert kabir.type is EntityType.PERSON
    assert {a.kind for a in kabir.aliases} == {"aka", "original_script"}
    assert kabir.programs == ("1988 (Taliban)",)
    assert kabir.countries == ("AF",)
    assert any(not a.strong for e in entities for a in e.aliases)  # the Weak alias row
    vessel = next(e for e in entities if e.type is EntityType.VESSEL)
    assert vessel.identifiers[0].type == "IMO Number"


def test_dfat_rejects_a_workbook_with_another_header(tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    book.active.title = "Consolidated List"
    book.active.append(["Name", "Type"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(ListDataError, match="not the DFAT Consolidated List"):
        read_dfat(path)
    path.write_bytes(b"not a zip")
    with pytest.raises(ListDataError, match="not an xlsx workbook"):
        read_dfat(path)


def test_sema_xml(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_sema(fixtures_dir / "sema-lmes.xml")
    assert problems == ()
    assert facts.status == OFFICIAL
    assert facts.published == "2025-03-20"
    assert entities[0].name == "Khazalbek Bakhtibekovich Atabekov"
    assert entities[0].programs == ("Belarus / Bélarus",)
    assert entities[0].countries == ()
    biziuk = next(e for e in entities if any(a.name == "Raman Ivanavich BIZIUK" for a in e.aliases))
    assert any(a.kind == "original_script" for a in biziuk.aliases)
    ship = next(e for e in entities if e.type is EntityType.VESSEL)
    assert ship.identifiers[0].value == "7612448"
    assert ship.dates_of_birth == ()


def test_meti_end_user_list(fixtures_dir: Path) -> None:
    (entities, problems), facts = read_meti(fixtures_dir / "meti_eul.json")
    assert facts.status == DERIVED
    assert facts.published == "2025-09-29"
    assert [p.line for p in problems] == [4, 5]
    assert "first alias 'Beijing Institute of Radio Measurement' used" in problems[0].reason
    qaida = by_name(entities, "Al Qa'ida/Islamic Army")
    assert qaida.id == "jp_meti_eul:1"
    assert qaida.list_code == "JP-EUL"
    assert qaida.programs == (
        "大量破壊兵器等の懸念: 生物、化学、ミサイル、核 B,C,M,N",
        "通常兵器の懸念: CW",
    )
    assert len(entities) == 5 - 1  # one entry has neither a name nor another name


# ------------------------------------------------------------------ recognising files


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("screening-list.json", ("us_csl", "primary")),
        ("consolidated.json.gz", ("us_csl", "primary")),
        ("ofac_add.csv", ("us_ofac_sdn", "add")),
        ("eu_sanctions.json", ("eu_fsf", "primary")),
        ("Consolidated List.xlsx", ("au_dfat", "primary")),
        ("sema-lmes.xml", ("ca_sema", "primary")),
        ("notes.json", None),
    ],
)
def test_classify_file_names(name: str, expected: tuple[str, str] | None) -> None:
    assert classify_file(name) == expected


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("sema-lmes.xml", ("ca_sema", "primary")),
        ("eu_fsf_handwritten.xml", ("eu_fsf", "primary")),
        ("un_bad_entry.xml", ("un_sc", "primary")),
        ("meti_eul.json", ("jp_meti_eul", "primary")),
        ("csl_official_handwritten.json", ("us_csl", "primary")),
        ("sdn_2026/ofac-sdn.json", ("us_ofac_sdn", "derived")),
    ],
)
def test_classify_by_content(
    fixtures_dir: Path, tmp_path: Path, fixture: str, expected: tuple[str, str]
) -> None:
    neutral = tmp_path / ("list" + Path(fixture).suffix)  # a name that says nothing
    shutil.copy(fixtures_dir / fixture, neutral)
    assert classify_path(neutral) == expected
