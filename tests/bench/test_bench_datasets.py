"""Pieces of the data-set builder: Korean romanization, mutations, the listed-name filter."""

from __future__ import annotations

import random

from make_datasets import fold, loose_keys, name_key, rr_name, south_hangul, typo


def test_revised_romanization_of_dprk_names() -> None:
    assert rr_name("리병철", popular=True) == "Lee Byung-chul"
    assert rr_name("리병철", popular=False) == "I Byeong-cheol"
    assert rr_name("최룡해", popular=True) == "Choi Ryong-hae"
    assert rr_name("김경희", popular=False) == "Gim Gyeong-hui"
    assert rr_name("박봉주", popular=True) == "Park Bong-ju"


def test_south_korean_initial_sound_rule() -> None:
    assert south_hangul("리병철") == "이병철"
    assert south_hangul("최룡해") == "최용해"
    assert south_hangul("류진") == "유진"
    assert south_hangul("김정은") == "김정은"


def test_typo_changes_one_token_but_not_its_first_letter() -> None:
    rng = random.Random(1)
    for _ in range(200):
        out = typo("Vladimir Vladimirovich PUTIN", rng)
        before, after = ["Vladimir", "Vladimirovich", "PUTIN"], out.split()
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert len(changed) == 1
        assert changed[0][0][0] == changed[0][1][0]


def test_keys_and_cross_script_filter() -> None:
    assert name_key("KIM, Jong-Un") == name_key("Jong Un Kim")
    assert fold("CH'OE Ryong-Hae") == "choe ryong hae"
    # the South Korean Hangul of a listed MR name is recognised as that name …
    assert loose_keys("이병철") & loose_keys("RI Pyong Chol")
    assert loose_keys("张伟") & loose_keys("ZHANG Wei")
    # … while a different given name is not
    assert not loose_keys("이병헌") & loose_keys("RI Pyong Chol")
