"""Token agreement (prosper.matching.tokens): organisation stems, given-name families,
Arabic-script consonant classes, and the per-pair memo."""

from __future__ import annotations

import pytest

from prosper.matching import config as cfg
from prosper.matching.skeleton import (
    long_vowel_mismatch,
    nisba_mismatch,
    sound_classes,
    whole_name_long_vowel_mismatch,
    whole_name_nisba_mismatch,
)
from prosper.matching.tokens import org_stem, token_agreement


def _agree(q: str, c: str, person: bool = True, abjad: bool = False) -> tuple[float, str]:
    return token_agreement(q, "", None, c, "", None, person, abjad)


def test_organisation_word_forms_share_a_stem() -> None:
    assert org_stem("technologies") == org_stem("technology")
    assert org_stem("managing") == org_stem("management")
    assert org_stem("electronics") == org_stem("electronic")
    assert _agree("technologies", "technology", person=False) == (cfg.STEM, "stem")
    # a word and its derivative are two words ("invest" / "investment"), and persons keep
    # the strict stem
    assert _agree("investment", "invest", person=False)[1] != "stem"
    assert _agree("technologies", "technology", person=True)[1] != "stem"


def test_given_name_families_agree_for_persons_only() -> None:
    assert _agree("serhii", "sergey") == (cfg.GIVEN_NAME_VARIANT, "given_name")
    assert _agree("serhii", "sergey", person=False)[1] != "given_name"


def test_arabic_consonant_classes() -> None:
    assert sound_classes("fdl") == sound_classes("fzl")
    assert _agree("fdl", "fazl", abjad=True) == (cfg.TRANSLITERATED_CLASS, "transliterated")
    assert _agree("fdl", "fazl", abjad=False)[0] < cfg.TRANSLITERATED_CLASS


def test_token_agreement_is_memoised() -> None:
    token_agreement.cache_clear()
    _agree("serhii", "sergey")
    _agree("serhii", "sergey")
    info = token_agreement.cache_info()
    assert info.hits == 1
    assert info.misses == 1


def test_a_three_letter_syllable_typed_with_two_letters_swapped() -> None:
    assert _agree("osp", "sop") == (cfg.FUZZY_START_SWAP, "fuzzy")
    assert _agree("ski", "sik") == (cfg.FUZZY_START_SWAP, "fuzzy")
    assert _agree("amr", "mar")[0] < cfg.FUZZY_START_SWAP  # two names, neither a syllable


def test_nisba_ending_splits_a_surname_in_i_from_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """محمدی "mhmdy" (Mohammadi) is not "Muhammad"; موسی "mwsy" is still "Musa"; a Latin -i
    may write a dropped letter (طالع "tal" / "Tali"); config.NISBA_ENDING off restores it."""
    assert nisba_mismatch("mhmdy", "muhammad")
    assert nisba_mismatch("ahmad", "ahmdy")
    assert not nisba_mismatch("mwsy", "musa")
    assert not nisba_mismatch("mhdy", "mahdi")
    assert not nisba_mismatch("tali", "tal")
    assert not nisba_mismatch("ly", "al")
    assert whole_name_nisba_mismatch(("ly", "mhmdy"), ("ali", "muhammad"))
    # a partner that has the ending too: the whole name may still agree
    assert not whole_name_nisba_mismatch(("mhmdy", "gl"), ("mohammad", "muhammadi", "gul"))
    assert token_agreement("mhmdy", "", None, "muhammad", "", None, True, True)[0] == 0.0
    monkeypatch.setattr(cfg, "NISBA_ENDING", False)
    assert not nisba_mismatch("mhmdy", "muhammad")
    assert not whole_name_nisba_mismatch(("ly", "mhmdy"), ("ali", "muhammad"))


def test_long_vowel_letters_must_agree_across_arabic_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """احسان "ahsan" (Ehsan) is not "Hossein" (ā against "ei"), معصومه "mswmh" not "Maysam",
    زهرا "zhra" not "Zawahiri"; unwritten short vowels, a final ی for a long a, the article's
    alef in a compound and an initial alef are not compared; config.LONG_VOWEL_LETTERS off
    restores the consonant agreement."""
    assert long_vowel_mismatch("ahsan", "hossein")
    assert long_vowel_mismatch("hossein", "ahsan")  # either order
    assert long_vowel_mismatch("mswmh", "maysam")  # both without e / i / o / u
    assert long_vowel_mismatch("zhra", "zawahiri")
    assert long_vowel_mismatch("krymy", "karami")
    assert long_vowel_mismatch("alqwasm", "qasem")
    for abjad, latin in [
        ("ahsan", "ehsan"),
        ("mhmwd", "mahmoud"),
        ("mhmd", "muhammad"),
        ("mstfy", "mostafa"),
        ("syd", "saeed"),
        ("hsyn", "hussein"),
        ("krymy", "karimi"),
        ("khyrallh", "khairullah"),
        ("bdalhy", "abdulhai"),
        ("bas", "abbas"),
    ]:
        assert not long_vowel_mismatch(abjad, latin), (abjad, latin)
    assert whole_name_long_vowel_mismatch(("ahsan", "hryryan"), ("harooni", "hossein"))
    assert not whole_name_long_vowel_mismatch(("ahsan", "krymy"), ("ehsan", "karimi"))
    assert token_agreement("ahsan", "", None, "hossein", "", None, True, True)[0] < 0.8
    monkeypatch.setattr(cfg, "LONG_VOWEL_LETTERS", False)
    long_vowel_mismatch.cache_clear()
    try:
        assert not long_vowel_mismatch("ahsan", "hossein")
        assert not whole_name_long_vowel_mismatch(("ahsan", "hryryan"), ("harooni", "hossein"))
    finally:
        long_vowel_mismatch.cache_clear()


def test_nisba_ending_holds_for_a_word_merged_from_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """خسروی "khsrwy" (Khosravi) is not "Ali QAASIR" read as one word ("aliqaasir" → "ksr")."""
    from prosper.matching.compact import merge_split_tokens

    def merges() -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
        return merge_split_tokens(("ali", "qaasir"), ("mhmd", "hsyn", "khsrwy"), set(), set(), True)

    assert merges() == []
    # a compound that keeps its ending on both sides still merges: عبدالطیف / Abdul Latif
    assert merge_split_tokens(("bdaltyf",), ("abdul", "latif"), set(), set(), True)
    monkeypatch.setattr(cfg, "NISBA_ENDING", False)
    # "khsrwy" writes a long ū (و) that "aliqaasir" lacks: LONG_VOWEL_LETTERS blocks it too
    assert merges() == []
    monkeypatch.setattr(cfg, "LONG_VOWEL_LETTERS", False)
    long_vowel_mismatch.cache_clear()
    try:
        assert merges() != []
    finally:
        long_vowel_mismatch.cache_clear()


@pytest.mark.parametrize("mismatch", [True, False])
def test_whole_name_tests_are_asked_only_for_skeletons_that_join(
    monkeypatch: pytest.MonkeyPatch, mismatch: bool
) -> None:
    """``compact_score`` asks the whole-name -i and long-vowel tests (pure Python) only when the
    consonant skeletons without spaces are similar enough to count, and their answer decides."""
    from prosper.matching import compact
    from prosper.names.normalize import prepare_name

    asked: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

    def spy(one: tuple[str, ...], two: tuple[str, ...]) -> bool:
        asked.append((one, two))
        return mismatch

    monkeypatch.setattr(compact, "whole_name_long_vowel_mismatch", spy)
    query = prepare_name("احسان حریریان")
    far = compact.compact_score(query, prepare_name("John SMITH"), True)
    assert far == 0.0
    assert asked == []  # "hsn hryryn" is nothing like "jhn smth": not asked
    listed = prepare_name("HAROONI, Hossein")
    near = compact.compact_score(query, listed, True)
    assert asked == [(query.tokens, listed.tokens)]
    assert (near == 0.0) is mismatch  # refused by the test, else joined by the skeletons
