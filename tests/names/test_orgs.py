"""Legal forms and long forms: the one-search shortcut gives the per-pattern passes' result."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.names import orgs
from prosper.names.glossary import translate_generic_words


def _extra_forms_pattern_by_pattern(folded: str) -> tuple[str, list[str]]:
    """``_remove_extra_forms`` as it was: every pattern tried in turn on every name."""
    found: list[str] = []
    for p, canonical in orgs._EXTRA_FORMS:
        if canonical in orgs._SHORT_FORMS and len(folded.split()) < 2:
            continue
        text, n = re.subn(rf"(?:^| )(?:{p})(?= |$)", " ", folded)
        if n and text.strip():
            folded = " ".join(text.split())
            found.append(canonical)
    return folded, found


def _abbreviations_pattern_by_pattern(folded: str) -> str:
    """``canonical_abbreviations`` as it was, without the glossary step."""
    for p, short in orgs._ABBREVIATIONS:
        folded = re.sub(rf"\b(?:{p})\b", short, folded)
    return folded


# the words of every form and long form, and others
_PIECES = sorted(
    {w for p, _ in orgs._EXTRA_FORMS + orgs._ABBREVIATIONS for w in re.findall(r"[a-z]+", p)}
    | {"emma", "bank", "of", "and", "trade", "x", "kim", "rtx", "fzco1", "s", "a"}
)


@pytest.mark.parametrize(
    "folded",
    [
        "emma llc",
        "otto gesellschaft mit beschrankter haftung",
        "mol nyilvanosan mukodo reszvenytarsasag",
        "rt",  # a short form alone is no form
        "magyar rt",
        "alpha fz llc trading fzco",
        "publichnoye aktsionernoye obshchestvo gazprom",
        "huawei gufen youxian gongsi",
        "zrt nyrt rt",
        "foreign trade bank of the democratic peoples republic of korea",
        "korea international chemical joint venture r and d laboratories",
        "hong kong manufacture united arab emirates",
        "",
        "internationale",  # not a whole word
    ],
)
def test_one_search_gives_the_pattern_by_pattern_result(folded: str) -> None:
    assert orgs._remove_extra_forms(folded) == _extra_forms_pattern_by_pattern(folded)
    if len(folded) >= 3:
        assert orgs.canonical_abbreviations(folded) == translate_generic_words(
            _abbreviations_pattern_by_pattern(folded)
        )


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=7))
def test_any_mix_of_form_words_gives_the_pattern_by_pattern_result(words: list[str]) -> None:
    folded = " ".join(words)
    assert orgs._remove_extra_forms(folded) == _extra_forms_pattern_by_pattern(folded)
    assert orgs._ANY_ABBREVIATION.search(folded) is not None or (
        _abbreviations_pattern_by_pattern(folded) == folded
    )
    if len(folded) >= 3:
        assert orgs.canonical_abbreviations(folded) == translate_generic_words(
            _abbreviations_pattern_by_pattern(folded)
        )


def test_a_name_without_a_form_is_not_searched_pattern_by_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail() -> None:
        raise AssertionError("the per-pattern passes ran")

    monkeypatch.setattr(orgs, "_extra_forms_res", fail)
    monkeypatch.setattr(orgs, "_abbreviation_res", fail)
    assert orgs._remove_extra_forms("emma daniels") == ("emma daniels", [])
    assert orgs.canonical_abbreviations("emma daniels") == "emma daniels"
    with pytest.raises(AssertionError):
        orgs._remove_extra_forms("emma rt")
