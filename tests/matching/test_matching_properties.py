"""Invariants of the pairwise scorer: bounded, symmetric, identity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.matching import match_names, ofac_score
from prosper.model import EntityType

NAMES = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz  -,.'김정은리병철РосияمحمدABC123")),
    max_size=30,
)
TYPES = st.sampled_from([None, EntityType.PERSON, EntityType.ORGANIZATION])


@settings(max_examples=150, deadline=None)
@given(NAMES, NAMES, TYPES)
def test_scores_are_in_unit_interval(a: str, b: str, type_: EntityType | None) -> None:
    result = match_names(a, b, type_)
    assert 0.0 <= result.score <= 1.0
    assert result.ofac_score is not None
    assert 0.0 <= result.ofac_score <= 1.0
    for e in result.explanation:
        assert 0.0 <= e.score <= 1.0


@settings(max_examples=150, deadline=None)
@given(NAMES, NAMES)
def test_person_name_score_is_symmetric(a: str, b: str) -> None:
    # symmetric by construction for persons; for organisations only the brand rule is
    # directional on purpose (a short query standing for a long legal name)
    p = EntityType.PERSON
    assert abs(match_names(a, b, p).score - match_names(b, a, p).score) < 1e-6


def test_brand_rule_is_directional() -> None:
    legal = "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert match_names("Hikvision", legal).score > match_names(legal, "Hikvision").score


@settings(max_examples=200, deadline=None)
@given(NAMES, TYPES)
def test_a_name_matches_itself(a: str, type_: EntityType | None) -> None:
    if any(ch.isalnum() for ch in a):
        assert match_names(a, a, type_).score == 1.0


def test_ofac_score_is_latin_only() -> None:
    assert ofac_score("Владимир Путин", "Vladimir Putin") == 0.0
    assert ofac_score("Vladimir Putin", "PUTIN, Vladimir") > 0.9


def test_pinyin_syllable_file_matches_pypinyin() -> None:
    """names/data/pinyin_syllables.txt is pypinyin's syllable set, regenerated unchanged."""
    from importlib import resources

    from prosper.matching.syllables import pinyin_syllables_from_pypinyin

    shipped = resources.files("prosper.names").joinpath("data/pinyin_syllables.txt").read_text()
    assert frozenset(shipped.split()) == pinyin_syllables_from_pypinyin()


def test_is_syllable_tells_syllables_from_typos() -> None:
    from prosper.matching.syllables import is_syllable, syllable_count

    assert all(is_syllable(t) for t in ("zhong", "zhang", "song", "sang", "hun", "lu"))
    assert not any(is_syllable(t) for t in ("jomg", "ruong", "andrew", "guiying"))
    assert [syllable_count(t) for t in ("kim", "guiying", "ryan", "andrew")] == [1, 2, 1, 2]
