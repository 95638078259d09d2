"""Readings of a name field, Korean syllable cuts, spelling skeletons, nicknames."""

from __future__ import annotations

import pytest

from prosper.model import EntityType
from prosper.names.korean import joined_given_name_cuts, looks_korean_person, split_syllables
from prosper.names.nicknames import are_nicknames
from prosper.names.normalize import prepare_name
from prosper.names.orgs import canonical_abbreviations
from prosper.names.readings import hanja_to_hangul, korean_org_reading, name_readings
from prosper.names.variants import spelling_skeleton, spelling_skeletons


def test_mixed_script_field_gives_each_half() -> None:
    assert name_readings("이병철 (Lee Byung-chul)")[1:] == ("이병철", "Lee Byung-chul")
    assert "김여정" in name_readings("Gim Yeo-jeong / 김여정")
    assert name_readings("Kim Jong Un") == ("Kim Jong Un",)


@pytest.mark.parametrize(
    ("hanja", "hangul"), [("金正恩", "김정은"), ("金與正", "김여정"), ("崔龍海", "최룡해")]
)
def test_hanja_read_as_korean_with_the_surname_kim(hanja: str, hangul: str) -> None:
    assert hanja_to_hangul(hanja) == hangul
    assert hangul in name_readings(hanja)


def test_korean_organisation_glossary_translates_words_and_keeps_proper_names() -> None:
    assert korean_org_reading("조선광선은행") == "korea gwangseon bank"
    assert korean_org_reading("조선") is None  # 조선 alone is no organisation
    assert korean_org_reading("Korea Bank") is None


def test_joined_given_name_split_and_every_cut_a_reading() -> None:
    assert split_syllables("yeongcheol") == ("yeong", "cheol")
    assert split_syllables("cheol") is None  # one syllable is never cut
    assert set(joined_given_name_cuts(("gang", "mungil"))) == {
        ("gang", "mun", "gil"),
        ("gang", "mung", "il"),
    }
    assert prepare_name("GIM YEONGCHEOL", EntityType.PERSON).tokens == ("gim", "yeong", "cheol")
    assert prepare_name("Kim Anderson", EntityType.PERSON).tokens == ("kim", "anderson")


def test_legal_forms_stay_in_a_korean_person_name_of_unknown_type() -> None:
    assert looks_korean_person("im in ho")
    assert prepare_name("Im In Ho").tokens == ("im", "in", "ho")
    assert prepare_name("EMMA LLC").tokens == ("emma",)


def test_abbreviations_as_the_lists_write_them() -> None:
    text = "foreign trade bank of the democratic peoples republic of korea"
    assert canonical_abbreviations(text) == "foreign trade bank of the dprk"
    assert prepare_name("Korea International Chemical", EntityType.ORGANIZATION).tokens[1] == "intl"


def test_spelling_skeletons_fold_transliterations_not_names() -> None:
    assert spelling_skeleton("aliaksei") == spelling_skeleton("aleksey")
    assert spelling_skeleton("kochkin") == spelling_skeleton("kotjkin")
    assert spelling_skeletons("chochlun") & spelling_skeletons("khokhlun")
    assert spelling_skeleton("petrov") != spelling_skeleton("popov")


def test_nicknames() -> None:
    assert are_nicknames("bob", "robert")
    assert not are_nicknames("bob", "john")
