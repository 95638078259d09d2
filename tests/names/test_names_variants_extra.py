"""Given-name families, Arabic compound joins, legal forms across languages and generic
organisation words (prosper.names.given_names, .compounds, .orgs)."""

from __future__ import annotations

import pytest

from prosper.model import EntityType
from prosper.names.compounds import join_compounds
from prosper.names.given_names import given_name_family, same_given_name
from prosper.names.normalize import prepare_name, with_compounds_joined
from prosper.names.orgs import acronym_of, is_generic_word


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("sergey", "serhii"),
        ("sergei", "siarhei"),
        ("evgeny", "yauhen"),
        ("yevgeniy", "yevhen"),
        ("nikita", "mykyta"),
        ("gennadiy", "henadz"),
        ("igor", "ihar"),
        ("elena", "jelena"),
        ("yuriy", "jurij"),
        ("aleksandr", "aliaksandr"),
    ],
)
def test_forms_of_one_given_name_are_one_family(a: str, b: str) -> None:
    assert same_given_name(a, b)
    assert same_given_name(b, a)


@pytest.mark.parametrize(("a", "b"), [("sergey", "yevgeny"), ("igor", "oleg"), ("ivan", "ivan")])
def test_different_or_unknown_given_names_are_not_one_family(a: str, b: str) -> None:
    assert not same_given_name(a, b)  # "ivan" has one spelling: no family needed


def test_family_keys_do_not_collide() -> None:
    assert given_name_family("serhii") == given_name_family("sergey") == "sergey"
    assert given_name_family("yauhen") == "yevgeny"
    assert given_name_family("zzzz") is None


@pytest.mark.parametrize(
    ("tokens", "joined"),
    [
        (("bd", "allh", "hsn"), ("bdallh", "hsn")),
        (("abd", "al", "karim"), ("abdalkarim",)),
        (("abu", "bakr", "shekau"), ("abubakr", "shekau")),
        (("zia", "ur", "rahman"), ("ziaurrahman",)),
        (("shams", "ud", "din"), ("shamsuddin",)),
        (("salah", "eddine"), ("salaheddine",)),
        (("muhyi", "al", "din"), ("muhyialdin",)),
        (("ahmed", "al", "dib"), ("ahmed", "al", "dib")),
        (("abu",), ("abu",)),
    ],
)
def test_join_compounds(tokens: tuple[str, ...], joined: tuple[str, ...]) -> None:
    assert join_compounds(tokens) == joined


def test_with_compounds_joined_recomputes_the_token_keys() -> None:
    form = prepare_name("Abdul Rahman Yasin", EntityType.PERSON)
    joined = with_compounds_joined(form)
    assert joined is not None
    assert joined.tokens == ("abdulrahman", "yasin")
    assert len(joined.phonetic) == len(joined.variant) == len(joined.korean) == 2
    assert with_compounds_joined(prepare_name("Yasin Hassan", EntityType.PERSON)) is None


@pytest.mark.parametrize(
    ("name", "tokens", "form"),
    [
        ("Rheingold Gesellschaft mit beschränkter Haftung", ("rheingold",), "gmbh"),
        ("DUKS részvénytársaság", ("duks",), "rt"),
        ("ITMIVT Rt.", ("itmivt",), "rt"),
        ("Spółka akcyjna DUKS", ("duks",), "sa"),
        ("Lobaye Invest SARLU", ("lobaye", "invest"), "sarl"),
        ("FSUE SZ Morye", ("sz", "morye"), "fsue"),
        ("Skylinks FZC", ("skylinks",), "fz"),
        ("Profflab OSOO", ("profflab",), "ooo"),
    ],
)  # fmt: skip
def test_legal_forms_across_languages_are_removed(
    name: str, tokens: tuple[str, ...], form: str
) -> None:
    prepared = prepare_name(name, EntityType.ORGANIZATION)
    assert prepared.tokens == tokens
    assert form in prepared.legal_forms


def test_a_short_form_alone_stays_a_name() -> None:
    assert prepare_name("RT", EntityType.ORGANIZATION).tokens == ("rt",)


def test_abbreviated_organisation_words() -> None:
    assert prepare_name("AO Kaspersky Laboratory", EntityType.ORGANIZATION).tokens == (
        "kaspersky",
        "lab",
    )
    assert "rnd" in prepare_name("Huawei R&D UK", EntityType.ORGANIZATION).tokens


def test_generic_words_and_acronyms() -> None:
    assert is_generic_word("company")
    assert is_generic_word("technologies")
    assert not is_generic_word("kaspersky")
    assert acronym_of("ssrc", ("scientific", "studies", "and", "research", "center"))
    assert acronym_of("ttp", ("tehrik", "e", "taliban", "pakistan"))
    assert not acronym_of("xyz", ("scientific", "studies"))
    assert not acronym_of("s", ("scientific",))  # one letter is no acronym


def test_generic_words_of_other_languages_are_written_in_english() -> None:
    org = EntityType.ORGANIZATION
    assert prepare_name("Grupo Wagner", org).tokens == ("group", "wagner")
    assert prepare_name("Grupul Wagner", org).tokens == ("group", "wagner")
    assert prepare_name("Fundación Russkiy Mir", org).tokens == ("fundacion", "russkiy", "mir")
    assert prepare_name("bataljun Vostok", org).tokens == ("battalion", "vostok")
    assert prepare_name("Grupo Wagner", EntityType.PERSON).tokens == ("grupo", "wagner")
