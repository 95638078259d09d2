"""Names prepared on several processes give the index built in one."""

from __future__ import annotations

import pytest
from tests.screening.test_index import ENTITIES

from prosper.model import Alias, Entity, EntityType
from prosper.screening import parallel_build
from prosper.screening.index import ScreeningIndex
from prosper.screening.query import Query

SCRIPTS = (
    *ENTITIES,
    Entity(
        id="eu_fsf:1",
        source="eu_fsf",
        list_code="EU",
        type=EntityType.ORGANIZATION,
        name="Рособоронэкспорт",
        aliases=(Alias("Société Générale de Défense"),),
    ),
    Entity(
        id="un_sc:KPi.1",
        source="un_sc",
        list_code="UN",
        type=EntityType.PERSON,
        name="CH'OE Ryŏng-hae",
        aliases=(Alias("최룡해"), Alias("محمد علي")),
    ),
)


def test_parallel_build_is_the_serial_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_build, "MIN_PARALLEL_NAMES", 1)
    serial = ScreeningIndex.build(ENTITIES)
    parallel = parallel_build.build_index(ENTITIES, workers=2)
    assert list(parallel._names) == list(serial._names)
    assert dict(parallel._postings) == dict(serial._postings)
    assert dict(parallel._identifiers) == dict(serial._identifiers)
    for name in ("Kim Jong Un", "Rosoboroneksport", "김정은"):
        assert parallel.screen(Query(name), threshold=0.5) == serial.screen(
            Query(name), threshold=0.5
        )


def test_few_names_build_in_this_process() -> None:
    assert ScreeningIndex.name_jobs(ENTITIES)  # one job per distinct (name, type)
    built = parallel_build.build_index(ENTITIES, workers=2)  # under MIN_PARALLEL_NAMES
    assert built.name_count == ScreeningIndex.build(ENTITIES).name_count


def test_a_process_running_threads_builds_in_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_build, "MIN_PARALLEL_NAMES", 1)
    monkeypatch.setattr(parallel_build.threading, "active_count", lambda: 2)
    forked: list[int] = []
    monkeypatch.setattr(parallel_build.multiprocessing, "get_context", lambda _: forked.append(1))
    built = parallel_build.build_index(ENTITIES, workers=2)
    assert not forked
    assert built.name_count == ScreeningIndex.build(ENTITIES).name_count


def test_the_memo_is_used_filled_and_only_inside_its_block() -> None:
    from prosper.names import normalize

    known = {"Ryŏng": "Planted"}  # a seeded entry is taken as it is: the memo is consulted
    with normalize.transliteration_memo(known):
        assert normalize.fold_text("Ryŏng") == "planted"
        assert normalize.fold_text("Société Générale") == "societe generale"
        assert normalize.fold_text("Kim") == "kim"  # ASCII is never transliterated
    assert known == {"Ryŏng": "Planted", "Société Générale": "Societe Generale"}
    assert normalize.fold_text("Ryŏng") == "ryong"  # outside the block: the library again
    assert normalize.fold_text("Ūsama") == "usama"
    assert "Ūsama" not in known


@pytest.mark.parametrize("workers", [1, 2])
def test_known_transliterations_give_the_same_index_and_are_completed(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(parallel_build, "MIN_PARALLEL_NAMES", 1)
    serial = ScreeningIndex.build(SCRIPTS)
    known: dict[str, str] = {}
    first = parallel_build.build_index(SCRIPTS, workers=workers, known=known)
    # the workers' transliterations came back (Hangul is romanized before, syllable by syllable)
    assert {"Рособоронэкспорт", "CH'OE Ryŏng-hae", "محمد علي"} <= set(known)
    again = parallel_build.build_index(SCRIPTS, workers=workers, known=dict(known))
    for built in (first, again):
        assert list(built._names) == list(serial._names)
        assert dict(built._postings) == dict(serial._postings)


def test_form_fields_are_every_field_of_a_form_in_order() -> None:
    import dataclasses
    import marshal

    from prosper.names.normalize import NameForm, prepare_name

    names = [f.name for f in dataclasses.fields(NameForm)]
    form = prepare_name("CH'OE Ryŏng-hae 최룡해 Co., Ltd.", EntityType.ORGANIZATION)
    fields = parallel_build.form_fields(form)
    assert fields == tuple(getattr(form, name) for name in names)  # a new field fails here
    assert NameForm(*marshal.loads(marshal.dumps(fields))) == form


def test_a_form_field_marshal_cannot_write_fails_loudly() -> None:
    import marshal

    class Token(str):
        pass

    with pytest.raises(ValueError, match="unmarshallable"):  # never silently sent as something else
        marshal.dumps([("x", (Token("kim"),))])
