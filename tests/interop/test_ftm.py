"""FollowTheMoney in and out: the FtM list reader, the export, and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import model

from prosper.errors import ListDataError
from prosper.interop.ftm import export_lines, ftm_id
from prosper.lists import load_snapshot
from prosper.lists.ftm import read_ftm, source_of_file
from prosper.lists.sources import build_source, classify_file
from prosper.model import Entity, EntityType
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
SAMPLE = FIXTURES / "opensanctions_sample.ftm.json"


def test_ftm_file_names_are_their_own_source() -> None:
    assert classify_file("entities.ftm.json") == ("ftm_entities", "primary")
    assert classify_file("Company List.jsonl.gz") == ("ftm_company_list", "primary")
    assert classify_file("sdn.csv") == ("us_ofac_sdn", "primary")
    assert source_of_file("consolidated.json") is None


def test_reader_takes_opensanctions_shape() -> None:
    (entities, problems), facts = read_ftm(SAMPLE)
    by_name = {e.name: e for e in entities}
    assert set(by_name) == {
        "Pak Han Se",
        "Korea Mining Development Trading Corporation",
        "Chon Ma San",
    }
    person = by_name["Pak Han Se"]
    assert person.id == "ftm_opensanctions_sample:NK-aXb7PKgp3tQv9"
    assert person.type is EntityType.PERSON
    assert person.list_code == "ftm_opensanctions_sample"
    assert {(a.name, a.strong) for a in person.aliases} == {
        ("Kang Myong Chol", True),
        ("Pak Han-se", False),
    }
    assert person.countries == ("KP",)
    assert person.dates_of_birth == ("1950-07-18",)
    assert person.gender == "male"
    assert person.programs == ("DPRK3",)
    assert person.listed_on == "2017-12-22"
    # the Passport entity keeps its wording; the same number in passportNumber is not repeated
    assert [(i.type, i.value, i.country) for i in person.identifiers] == [
        ("Diplomatic passport", "290320764", "KP")
    ]
    company = by_name["Korea Mining Development Trading Corporation"]
    assert company.type is EntityType.ORGANIZATION
    assert ("External Technology General Corporation", True, "fka") in {
        (a.name, a.strong, a.kind) for a in company.aliases
    }
    assert [(a.text, a.country) for a in company.addresses] == [
        ("Central District, Pyongyang, DPRK", "KP")
    ]
    vessel = by_name["Chon Ma San"]
    assert vessel.type is EntityType.VESSEL
    assert vessel.countries == ("KP",)
    assert [(i.type, i.value) for i in vessel.identifiers] == [("IMO Number", "IMO8660313")]
    reasons = " | ".join(str(p) for p in problems)
    assert "no name" in reasons  # NK-nameless
    assert "Spaceship" in reasons  # unknown schema, one line
    assert "not JSON" in reasons
    assert facts.published == "2026-11-30"
    assert facts.basis == "newest last_seen of the FtM entities"
    assert facts.status == "derived"
    notes = " | ".join(facts.notes)
    assert "1 non-target" in notes
    assert "Ownership 1" in notes
    assert "un_sc_sanctions" in notes


def test_reader_date_unknown_without_last_seen(tmp_path: Path) -> None:
    path = tmp_path / "own.jsonl"
    line = {"id": "a1", "schema": "Person", "properties": {"name": ["Jane Roe"]}}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (entities, _), facts = read_ftm(path)
    assert [e.name for e in entities] == ["Jane Roe"]
    assert facts.published is None
    data = build_source("ftm_own", {"primary": path}, origin="installed")
    assert data.info.published == "unknown"
    assert data.info.label == "FollowTheMoney dataset own"
    assert data.info.status == "derived"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ('{"id": "a", "schema": "Person", "properties": {"name": ["X"]}}\n{"id": "b", "sch', "cut"),
        ('{"id": "o", "schema": "Ownership", "properties": {}}\n', "no Person"),
        ("[1, 2", "not a JSON array"),
    ],
)
def test_reader_refuses_unusable_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.ftm.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListDataError, match=message):
        read_ftm(path)


def _sample() -> tuple[Entity, ...]:
    """Entities of every type and source of the embedded snapshot, with identifiers."""
    snapshot = load_snapshot(None)
    picked: list[Entity] = []
    for info in snapshot.sources:
        mine = snapshot.entities_of(info.source)
        picked.extend(mine[:40])
        picked.extend([e for e in mine if e.identifiers][:10])
        picked.extend([e for e in mine if e.type is EntityType.VESSEL][:5])
        picked.extend([e for e in mine if e.type is EntityType.AIRCRAFT][:5])
    return tuple({e.id: e for e in picked}.values())


def test_export_lines_are_valid_ftm() -> None:
    entities = _sample()
    snapshot = load_snapshot(None)
    lines = [json.loads(x) for x in export_lines(entities, snapshot.sources)]
    schemata = {line["schema"] for line in lines}
    assert {"Person", "Organization", "Vessel", "Airplane", "Sanction"} <= schemata
    assert {"Passport", "Identification"} & schemata
    for line in lines:
        proxy = model.get_proxy(line, cleaned=False)  # the library accepts every line
        assert proxy.id == line["id"]
    first = entities[0]
    party = next(x for x in lines if x["id"] == ftm_id(first.id))
    assert party["properties"]["name"] == [first.name]
    assert party["datasets"] == [first.source]
    assert party["target"] is True
    sanction = next(x for x in lines if x["properties"].get("entity") == [ftm_id(first.id)])
    assert sanction["schema"] == "Sanction"
    assert sanction["properties"]["programId"] == [first.list_code]


def test_round_trip_gives_the_same_hits(tmp_path: Path) -> None:
    """Export, read the file back as a new source, screen: the same parties at the same
    scores."""
    entities = _sample()
    path = tmp_path / "prosper.ftm.jsonl"
    lines = export_lines(entities, load_snapshot(None).sources)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (back, problems), _ = read_ftm(path)
    assert problems == ()
    assert len(back) == len(entities)
    before = ScreeningIndex.build(entities)
    after = ScreeningIndex.build(back)
    queries = [Query(name=e.name, type=e.type) for e in entities[::7]]
    queries += [Query(name=a.name) for e in entities[::11] for a in e.aliases[:1]]
    queries += [
        Query(name=e.name, countries=e.countries[:1], dob=e.dates_of_birth[0])
        for e in entities
        if e.dates_of_birth and e.countries
    ][:10]
    assert len(queries) > 40
    for query in queries:
        # one party's listings on several sources are merged into one hit; in one FtM file
        # they are one source, so compare every listing
        one = {
            (ftm_id(x.entity.id), round(x.score, 6), x.match)
            # under the threshold too: an exact common name on a bare entry is capped under it
            for h in before.screen(query, threshold=0.5, limit=50)
            for x in h.all_listings()
        }
        two = {
            (x.entity.id.split(":", 1)[1], round(x.score, 6), x.match)
            for h in after.screen(query, threshold=0.5, limit=50)
            for x in h.all_listings()
        }
        assert one == two, query
        assert one, query


def test_cli_export_then_update_from_the_file(data_dir: Path, tmp_path: Path) -> None:
    from tests.cli.cli_helpers import invoke

    out = tmp_path / "un.ftm.jsonl"
    done = invoke("lists", "export", "--format", "ftm", "--source", "un_sc", "--output", str(out))
    assert done.code == 0, done.error
    lines = out.read_text(encoding="utf-8").splitlines()
    un = load_snapshot(None).source("un_sc")
    assert un is not None
    parties = [json.loads(x) for x in lines if json.loads(x)["target"]]
    assert len(parties) == un.entity_count
    updated = invoke("lists", "update", "--from", str(out), "--json")
    assert updated.code == 0, updated.error
    assert json.loads(updated.stdout)["updated"] == ["ftm_un"]
    shown = json.loads(invoke("lists", "show", "--json").stdout)
    info = next(s for s in shown["sources"] if s["source"] == "ftm_un")
    assert info["entity_count"] == un.entity_count
    assert info["name_count"] == un.name_count
    assert info["published"] == un.published  # last_seen carries the publication date
    assert info["status"] == "derived"
    assert info["published_basis"] == "newest last_seen of the FtM entities"


def test_cli_export_bad_input_is_one_line(data_dir: Path) -> None:
    from tests.cli.cli_helpers import invoke

    assert invoke("lists", "export", "--format", "csv").code == 2
    out = invoke("lists", "export", "--source", "nope")
    assert out.code == 2
    assert "nope" in out.error
