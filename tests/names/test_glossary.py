"""The generic organisation-word glossary (``names/data/org_glossary.tsv``)."""

from __future__ import annotations

import pytest

from prosper.matching import match_names
from prosper.model import EntityType
from prosper.names import glossary
from prosper.names.glossary import translate_generic_words, translate_native_words
from prosper.names.normalize import prepare_name

ORG = EntityType.ORGANIZATION


def test_every_row_parses_and_no_word_has_two_concepts() -> None:
    words = glossary.glossary()
    assert len(words) > 200
    assert words["zavod"] == words["uzina"] == words["factory"] == "plant"
    assert words["은행"] == words["banque"] == "bank"


def test_a_word_under_two_concepts_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    glossary.glossary.cache_clear()
    monkeypatch.setattr(
        glossary, "_rows", lambda: [("plant", "ru", ("zavod",)), ("group", "xx", ("zavod",))]
    )
    with pytest.raises(ValueError, match="zavod"):
        glossary.glossary()
    glossary.glossary.cache_clear()
    monkeypatch.undo()
    assert glossary.glossary()["zavod"] == "plant"


def test_latin_words_only_as_whole_words() -> None:
    assert translate_generic_words("great lakes business") == "great lakes business"  # usine
    assert translate_generic_words("avant speis") == "avant space"
    assert translate_generic_words("orel dis ticaret") == "orel foreign trade"


def test_native_words_need_an_organisation_or_a_long_name() -> None:
    assert translate_native_words("이은행", False) == "이은행"  # could be a person
    assert "bank" in translate_native_words("단천상업은행", False)
    assert translate_native_words("은행", True) == "은행"  # nothing but a concept: kept


def test_persons_are_never_translated() -> None:
    assert prepare_name("Ivan Zavod", EntityType.PERSON).tokens == ("ivan", "zavod")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("DJSC Factory Krasnoe Znamya", "OAO Zavod Krasnoe Znamya"),
        ("Fajr Industrial Group", "Grúpa Tionsclaíoch Fajr"),
        ("Scheepswerf JSC Zaliv", "stocznia JSC Zaliv"),
        ("صرافی روشان", "ROSHAN MONEY EXCHANGE"),
        ("华为技术有限公司", "Huawei Technologies Co. Ltd."),
        ("Avant-Space LLC", "OOO Avant-Spejs"),
    ],
)
def test_translated_generic_words_agree(a: str, b: str) -> None:
    assert match_names(a, b, ORG).score >= 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bank Melli", "Bank Mellat"),  # the distinctive word still has to agree
        ("Zavod Arzamas", "Uzina Kirov"),
        ("GLOBAL SHIPPING CO. LTD.", "GLOBAL MARITIME CO. LTD."),
        ("Isfahan Prison", "Isfahan University"),
        ("Beijing Sevenstar Electronics", "Beijing Huanjia Electronics"),
    ],
)
def test_a_shared_concept_alone_does_not_match(a: str, b: str) -> None:
    assert match_names(a, b, ORG).score < 0.8


def test_a_transliterated_arabic_generic_word_is_not_translated() -> None:
    # the lists keep "Maktab" as a word of the name, so مكتب is not in the glossary
    assert match_names("مكتب الخدمات", "MAKHTAB AL-KHIDAMAT", ORG).score >= 0.8


def test_czech_feminine_stem_only_of_a_foreign_surname() -> None:
    from prosper.names.variants import czech_feminine_stem, spelling_skeletons

    assert czech_feminine_stem("gonzalezova") == "gonzalez"
    assert czech_feminine_stem("ivanova") is None  # too short a stem
    assert czech_feminine_stem("denisova") is None  # of a given name
    assert czech_feminine_stem("ochotova") == "ochot"
    assert czech_feminine_stem("morales") is None
    assert spelling_skeletons("gonzalezova") & spelling_skeletons("gonzalez")


def test_persian_gh_meets_q_but_not_k() -> None:
    from prosper.names.variants import spelling_skeletons

    assert spelling_skeletons("ghoreishi") & spelling_skeletons("qureishi")
    assert not spelling_skeletons("ghasemi") & spelling_skeletons("kazemi")
    assert not spelling_skeletons("wright") & spelling_skeletons("wriqt")


def test_russian_joint_stock_form_spelt_with_oye() -> None:
    form = prepare_name("Otkrytoye Aktsionernoye Obshchestvo Kirov", ORG)
    assert form.tokens == ("kirov",)
    assert form.legal_forms == ("ao",)
    assert prepare_name("Aktsionernoye Kirov", ORG).tokens == ("aktsionernoye", "kirov")


def test_korean_words_in_both_tables_mean_the_same_concept() -> None:
    """``readings.KOREAN_ORG_WORDS`` (the English reading of a Korean organisation name) and
    the glossary's Korean rows are two tables for two mechanisms: where they share a word,
    the reading's English must be the glossary's concept (or a word the glossary reads so),
    so that the two cannot drift apart."""
    from prosper.names.readings import KOREAN_ORG_WORDS

    table = glossary.glossary()
    shared = [w for w in KOREAN_ORG_WORDS if w in table]
    assert len(shared) >= 10
    for word in shared:
        english = KOREAN_ORG_WORDS[word]
        assert table.get(english, english) == table[word], word
