"""Name normalisation: the pipeline steps, legal forms, Korean keys, invariants."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.model import EntityType
from prosper.names import fold_text, korean_key, prepare_name

MODULES = [
    "prosper.names.normalize",
    "prosper.names.korean",
    "prosper.names.orgs",
    "prosper.names.variants",
    "prosper.names.weights",
    "prosper.matching",
    "prosper.matching.names",
    "prosper.matching.ofac",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ＫＩＭ Ｊｏｎｇ", "kim jong"),  # NFKC full-width
        ("Société Générale", "societe generale"),  # diacritics
        ("CH'OE Ryŏng-hae", "choe ryong hae"),  # apostrophe deleted, hyphen splits, breve
        ("O’Brien", "obrien"),
        ("김정은", "gim jeong eun"),  # one token per Hangul syllable
        ("Владимир Путин", "vladimir putin"),
        ("習近平", "xi jin ping"),
        ("  many   spaces ", "many spaces"),
    ],
)
def test_fold_text(raw: str, folded: str) -> None:
    assert fold_text(raw) == folded


def test_last_first_is_reordered_for_persons_only() -> None:
    assert prepare_name("KIM, Jong Un", EntityType.PERSON).tokens == ("jong", "un", "kim")
    org = prepare_name("Samsung Electronics Co., Ltd.", EntityType.ORGANIZATION)
    assert org.tokens == ("samsung", "electronics")
    assert org.legal_forms == ("coltd",)


@pytest.mark.parametrize(
    ("name", "tokens", "forms"),
    [
        ("OOO ROMASHKA", ("romashka",), ("ooo",)),
        ("ООО Ромашка", ("romashka",), ("ooo",)),
        ("EMMA LLC", ("emma",), ("llc",)),
        ("BELLETECH CORP", ("belletech",), ("corp",)),
        ("삼성전자 주식회사", ("sam", "seong", "electronics"), ("coltd",)),  # 전자: the glossary
        ("(주)삼성", ("sam", "seong"), ("coltd",)),
        ("华为技术有限公司", ("hua", "wei", "technology"), ("ltd",)),  # 技术: the glossary
        ("トヨタ株式会社", ("toyota",), ("kk",)),
        ("LLC", ("llc",), ("llc",)),  # a name that is only a legal form keeps its word
    ],
)
def test_legal_forms_are_not_name_tokens(
    name: str, tokens: tuple[str, ...], forms: tuple[str, ...]
) -> None:
    form = prepare_name(name)
    assert form.tokens == tokens
    assert form.legal_forms == forms


def test_person_names_keep_legal_form_lookalikes() -> None:
    assert prepare_name("KIM Se", EntityType.PERSON).tokens == ("kim", "se")


@pytest.mark.parametrize(
    "spellings",
    [
        ("lee", "yi", "rhee", "ri", "i", "li"),
        ("park", "pak", "bak", "bag"),
        ("choi", "choe", "chwe"),
        ("kim", "gim"),
        ("jung", "jeong", "chong"),
        ("pyong", "byeong", "byung", "byoung"),
        ("chol", "cheol", "chul"),
        ("ryu", "yu"),  # 류 → 유
        ("ro", "lo", "no"),  # 로 → 노
        ("thae", "tae"),
    ],
)
def test_korean_spellings_share_a_key(spellings: tuple[str, ...]) -> None:
    keys = {korean_key(s) for s in spellings}
    assert len(keys) == 1
    assert None not in keys


def test_non_korean_tokens_have_no_korean_key() -> None:
    assert korean_key("smith") is None
    assert korean_key("rosoboronexport") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_fold_text_is_idempotent(text: str) -> None:
    once = fold_text(text)
    assert fold_text(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_prepare_name_tokens_are_plain_ascii_words(text: str) -> None:
    for token in prepare_name(text).tokens:
        assert token
        assert token.isascii()
        assert token.isalnum()
        assert token == token.lower()


def _scripts_char_by_char(text: str) -> frozenset[str]:
    """``detect_scripts`` as it was: every character classified in turn."""
    from prosper.names.normalize import _char_script

    return frozenset(s for s in map(_char_script, text) if s is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=20))
def test_scripts_per_distinct_character_are_the_scripts_of_every_character(text: str) -> None:
    from prosper.names.normalize import detect_scripts

    assert detect_scripts(text) == _scripts_char_by_char(text)
    assert detect_scripts(text) == detect_scripts(text)  # the memo answers the same
