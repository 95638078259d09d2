"""The memory-mapped index file (:mod:`prosper.screening.cache`): same answers as the index built
in memory, same tables, stale and damaged files rejected."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from tests.screening.test_index import ENTITIES

from prosper.lists import load_snapshot
from prosper.model import Entity, EntityType
from prosper.screening.cache import (
    MappedEntities,
    MappedNames,
    MappedTable,
    get_index,
    index_path,
    open_index,
    open_snapshot_index,
    write_index,
)
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query


@dataclass
class _Snap:
    entities: tuple[Entity, ...]

    def versions(self) -> dict[str, str]:
        return {"us_ofac_sdn": "sha256:abc"}


def _mapped(tmp_path: Path, entities: tuple[Entity, ...]) -> tuple[ScreeningIndex, ScreeningIndex]:
    built = ScreeningIndex.build(entities)
    path = tmp_path / "i.idx"
    write_index(built, path)
    mapped = open_index(path, entities)
    assert mapped is not None
    return built, mapped


def test_mapped_tables_equal_the_built_ones(tmp_path: Path) -> None:
    built, mapped = _mapped(tmp_path, ENTITIES)
    assert isinstance(mapped._names, MappedNames)
    assert isinstance(mapped._postings, MappedTable)
    assert [mapped._names[i] for i in range(len(mapped._names))] == list(built._names)
    assert mapped._names[-1] == built._names[-1]
    with pytest.raises(IndexError):
        mapped._names[len(built._names)]
    assert {k: tuple(v) for k, v in mapped._postings.items()} == dict(built._postings)
    assert {k: tuple(v) for k, v in mapped._identifiers.items()} == dict(built._identifiers)
    assert len(mapped._postings) == len(built._postings)
    assert "t:kim" in mapped._postings
    assert "t:nobody" not in mapped._postings
    assert mapped._postings.get("t:nobody") is None
    with pytest.raises(KeyError):
        mapped._postings["t:nobody"]
    assert mapped._party_keys() == built._party_keys()


def test_mapped_answers_equal_the_built_ones(tmp_path: Path) -> None:
    built, mapped = _mapped(tmp_path, ENTITIES)
    for name in ("Kim Jong Un", "김정은", "Rosoboronexport", "Hikvision", "Abu Hamza", "Emma"):
        for q in (
            Query(name),
            Query(name, countries=("KP",)),
            Query(name, type=EntityType.ORGANIZATION),
        ):
            assert mapped.screen(q, threshold=0.3) == built.screen(q, threshold=0.3)


def test_a_stale_or_damaged_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "i.idx"
    write_index(ScreeningIndex.build(ENTITIES), path)
    assert open_index(path, ENTITIES[:2]) is None  # other entities
    assert open_index(tmp_path / "missing.idx", ENTITIES) is None
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated
    assert open_index(path, ENTITIES) is None
    path.write_bytes(b"PRSPIDX0" + data[8:])  # another layout
    assert open_index(path, ENTITIES) is None
    path.write_bytes(b"")
    assert open_index(path, ENTITIES) is None


def test_get_index_writes_once_then_maps(tmp_path: Path) -> None:
    snap = _Snap(ENTITIES)
    first = get_index(snap, tmp_path)
    path = index_path(tmp_path, snap.versions())
    assert path.is_file()
    assert isinstance(first._names, MappedNames)
    stamp = path.stat().st_mtime_ns
    second = get_index(snap, tmp_path)
    assert path.stat().st_mtime_ns == stamp
    assert second.screen(Query("Kim Jong Un")) == first.screen(Query("Kim Jong Un"))
    path.write_bytes(b"garbage")
    assert get_index(snap, tmp_path).screen(Query("Kim Jong Un"))  # rebuilt


def _queries(entities: tuple[Entity, ...], count: int) -> list[Query]:
    """List names as written, rearranged, misspelt and cut, in every script the lists use,
    with and without qualifiers; and names on no list."""
    step = max(1, len(entities) // count)
    out: list[Query] = []
    for k, entity in enumerate(entities[::step][:count]):
        names = [n for n, _ in entity.all_names()]
        name = names[k % len(names)]
        words = name.split()
        match k % 5:
            case 0:
                out.append(Query(name))
            case 1:
                out.append(Query(" ".join(reversed(words)), countries=entity.countries[:1]))
            case 2:
                out.append(Query(name[:-2] + name[-1:] if len(name) > 6 else name))
            case 3:
                out.append(Query(" ".join(words[:2]), type=entity.type))
            case _:
                out.append(Query(name.lower(), sources=(entity.source,)))
    out += [Query(n) for n in ("Jane Doe", "Acme Trading", "Bank", "Al", "Ltd", "홍길동")]
    return out


@pytest.mark.slow
def test_mapped_index_of_the_embedded_lists_answers_as_the_built_one(tmp_path: Path) -> None:
    snapshot = load_snapshot()
    built = ScreeningIndex.build(snapshot.entities)
    get_index(snapshot, tmp_path)  # writes the file
    mapped = open_index(index_path(tmp_path, snapshot.versions()), snapshot.entities)
    # and as `prosper screen` opens it: the manifest only, entities decoded from the file
    sources, lazy = open_snapshot_index(None, tmp_path)
    assert mapped is not None
    assert isinstance(lazy.entities, MappedEntities)
    assert sources == snapshot.sources
    queries = _queries(snapshot.entities, 300)
    assert len(queries) >= 300
    for q in queries:
        expected = built.screen(q, 0.5)
        assert mapped.screen(q, 0.5) == expected, q.name
        assert lazy.screen(q, 0.5) == expected, q.name
    assert sum(1 for q in queries if built.screen(q)) > 200  # the queries do find things
    assert len(lazy.entities._decoded) < len(snapshot.entities) // 10  # decoded as needed


def test_a_rebuild_reuses_the_kept_transliterations(tmp_path: Path) -> None:
    from tests.screening.test_parallel_build import SCRIPTS

    from prosper.screening import cache

    snap = _Snap(SCRIPTS)
    get_index(snap, tmp_path)
    kept = cache.translit_path(tmp_path)
    known = cache.load_translit(kept)
    assert any(not text.isascii() for text in known)  # the build's transliterations were kept
    # the next lists (another version): the kept entries are what the build uses
    for text in known:
        known[text] = "Zzyzx"
    cache.save_translit(kept, known)
    other = replace(snap, entities=SCRIPTS)
    other.versions = lambda: {"us_ofac_sdn": "sha256:def"}  # type: ignore[method-assign]
    rebuilt = get_index(other, tmp_path)
    forms = [rebuilt._names[i][2] for i in range(rebuilt.name_count)]
    assert any(f.tokens == ("zzyzx",) for f in forms)
    kept.write_text("not json", encoding="utf-8")
    assert cache.load_translit(kept) == {}  # a damaged file costs only the transliterations


def test_the_transliteration_file_names_the_library_versions(tmp_path: Path) -> None:
    from prosper.screening import cache

    assert cache.translit_path(tmp_path) == cache.translit_path(tmp_path)
    assert cache.translit_path(tmp_path).name.startswith("translit-")


def test_party_maps_are_decoded_only_when_a_party_is_found(tmp_path: Path) -> None:
    """The mapped file's party maps (companion listings) are read for a screen that finds
    someone, not for one that finds no one — with the same answers as the built index."""
    built, _ = _mapped(tmp_path, ENTITIES)
    calls: list[int] = []
    mapped = open_index(tmp_path / "i.idx", ENTITIES)
    assert mapped is not None
    loader = mapped._party_loader
    assert loader is not None

    def counting() -> object:
        calls.append(1)
        return loader()

    mapped._party_loader = counting  # type: ignore[assignment]
    nobody = Query(name="Zebediah Quartermaine-Oyelaran")
    assert mapped.screen(nobody, 0.5) == built.screen(nobody, 0.5) == ()
    assert calls == []
    kim = Query(name="Kim Jong Un")
    hits = mapped.screen(kim, 0.5)
    assert hits
    assert hits == built.screen(kim, 0.5)
    assert calls == [1]


def test_a_table_of_any_keys_is_written_in_byte_order_and_found(tmp_path: Path) -> None:
    # the keys are sorted as str (code point order), which is their UTF-8 byte order: the
    # mapped table's byte-wise bisection finds every key, beyond the BMP too
    from prosper.screening.cache import _table

    table = {k: (i, i + 7) for i, k in enumerate(["z", "é", "a", "\U0001f600", "ab", "\uffff"])}
    sections = {name: memoryview(data) for name, data in _table(table)}
    mapped = MappedTable(sections)
    assert [mapped._keys[i] for i in range(len(mapped))] == sorted(k.encode() for k in table)
    for key, posting in table.items():
        assert list(mapped[key]) == list(posting)
    assert mapped.get("b") is None


def test_an_id_is_found_in_the_blob_as_a_map_would_find_it() -> None:
    """``_Strings.find``: the last equal string (a map's answer), never a part of one or a
    run across two; None when absent."""
    from array import array

    from prosper.screening.mapped import _Strings

    items = ["ab", "b", "abc", "", "b", "c:1", "x:1", "c:1x", "bab"]
    off = array("q", [0])
    for item in items:
        off.append(off[-1] + len(item.encode()))
    strings = _Strings(memoryview(off.tobytes()).cast("q"), memoryview("".join(items).encode()))
    assert list(strings) == items
    expected = {s: i for i, s in enumerate(items)}
    for text in [*items, "a", "bc", "abcb", "1x", "c", "x:1c", "zz", "ba"]:
        assert strings.find(text) == expected.get(text), text


def test_strong_name_keys_by_search_equal_those_by_map(tmp_path: Path) -> None:
    """The first look-ups of a mapped index search its ids; after :data:`FIND_IDS` of them a
    map is built: the same keys either way, and the same as the built index's."""
    from prosper.screening import index as index_module

    built, mapped = _mapped(tmp_path, ENTITIES)
    first = [mapped.strong_name_keys(e) for e in ENTITIES]
    assert getattr(mapped, "_by_id", None) is None or len(ENTITIES) > index_module.FIND_IDS
    mapped._id_finds = index_module.FIND_IDS  # the next look-up builds the map
    again = [mapped.strong_name_keys(e) for e in ENTITIES]
    assert mapped._by_id is not None
    assert first == again == [built.strong_name_keys(e) for e in ENTITIES]
    stranger = Entity("nobody:1", "us_ofac_sdn", "SDN", EntityType.PERSON, "Kim Jong Un")
    assert mapped.strong_name_keys(stranger) == built.strong_name_keys(stranger)


def test_party_maps_are_read_key_by_key(tmp_path: Path) -> None:
    built, mapped = _mapped(tmp_path, ENTITIES)
    by_name, by_ref = built._party_keys()
    m_name, m_ref = mapped._party_keys()
    assert dict(m_name.items()) == dict(by_name)
    assert dict(m_ref.items()) == dict(by_ref)
    for key, entities in by_name.items():
        assert m_name.get(key) == entities
    assert m_name.get(("nobody", "nowhere")) is None
    assert m_ref.get("QDi.000") is None
    assert m_name.get("not a tuple") is None  # type: ignore[call-overload]


def test_a_token_holding_the_party_separator_is_refused() -> None:
    from prosper.screening.cache import _party_tables
    from prosper.screening.mapped import PARTY_SEP

    with pytest.raises(ValueError, match="separator"):
        _party_tables(({("a" + PARTY_SEP + "b",): (1, 2)}, {}))


def test_normalisation_never_leaves_the_party_separator_in_a_token() -> None:
    from prosper.names.normalize import prepare_name
    from prosper.screening.mapped import PARTY_SEP

    for name in (f"KIM{PARTY_SEP}Jong Un", f"Rosoboron{PARTY_SEP}export", PARTY_SEP):
        assert all(PARTY_SEP not in t for t in prepare_name(name).tokens)
