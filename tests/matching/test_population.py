"""Common-name detection over a name alignment (``prosper.matching.population``)."""

from __future__ import annotations

import pytest

from prosper.matching import config as cfg
from prosper.matching.names import score_name
from prosper.matching.population import common_name_match, population_weights
from prosper.model import EntityType
from prosper.names.normalize import prepare_name

P = EntityType.PERSON


@pytest.mark.parametrize(
    ("a", "b", "common"),
    [
        ("John Smith", "SMITH, John", True),
        ("Wayne Smith", "Wayne P. Smith", True),  # the initial counts neither way
        ("Maria Garcia", "GARCIA LOPEZ, Maria", True),
        ("Kim Jong Un", "KIM, Jong Un", False),  # "jong", "un" are rare among people
        ("George Habbash", "HABBASH, George", False),
        ("Aleksandr Timofeev", "TIMOFEEV, Aleksandr", False),
        # the query's words decide: a common name however the list spells it ...
        ("Kelly Smith", "SMYTH, Richard Kelly", True),
        # ... but a typo in the query is no common word (the listed name keeps its score)
        ("Kelly Smtih", "SMITH, Kelly", False),
    ],
)
def test_common_name_match(a: str, b: str, common: bool) -> None:
    w = population_weights()
    result = score_name(prepare_name(a, P), prepare_name(b, P), w, P)
    assert common_name_match(result, w) is common


def test_population_weights_use_the_config() -> None:
    w = population_weights()
    assert w.population_weight == cfg.POPULATION_WEIGHT
    assert w.common_per_100k == cfg.COMMON_TOKEN_PER_100K
    assert w.weight("smith", person=True) < w.weight("smith")
    assert w.weight("habbash", person=True) == w.weight("habbash")


def test_no_alignment_is_not_common() -> None:
    w = population_weights()
    result = score_name(prepare_name("John Smith", P), prepare_name("Xu Zhao", P), w, P)
    assert not common_name_match(result, w)


def test_matcher_population_adds_world_first_names_and_patronymic_surnames() -> None:
    from prosper.matching.population import matcher_population
    from prosper.names.frequency import population_table

    table = matcher_population()
    us = population_table()
    assert table["smith"] == us["smith"]  # the US value where it is the larger
    for token in ("oleksandr", "fatemeh", "ivanov", "petrenko", "hosseini", "alizadeh"):
        assert table[token] > cfg.COMMON_TOKEN_PER_100K > us.get(token, 0.0)
    for token in ("habbash", "lukashenko", "timofeev"):  # not common anywhere it knows
        assert table.get(token, 0.0) <= cfg.COMMON_TOKEN_PER_100K


@pytest.mark.parametrize(
    ("a", "b"),
    [("Reza Hosseini", "HOSSEINI, Reza"), ("Sergey Ivanov", "IVANOV, Sergey")],
)
def test_world_common_names_are_common(a: str, b: str) -> None:
    w = population_weights()
    result = score_name(prepare_name(a, P), prepare_name(b, P), w, P)
    assert common_name_match(result, w)


def test_matcher_population_token_by_token_is_the_whole_table() -> None:
    """The lazy table answers every token as the table built at once, and nothing else: every
    token of the built table, and variants of them (a suffix added or a letter taken away, a
    patronymic suffix on a rare or short stem) that may or may not be in it."""
    from prosper.matching.population import MatcherPopulation, build_matcher_population

    full = build_matcher_population()
    lazy = MatcherPopulation()
    for token, value in full.items():
        assert lazy[token] == value, token
    suffixes = [suffix for rule in cfg.PATRONYMIC_SURNAMES.split() for suffix in rule.split(":")]
    variants = {"", "a", "ab", "ov", "aov", "abov", "habbash"}
    for token in list(full)[::7]:
        variants.update({token + "x", token[:-1], token[1:], *(token + s for s in suffixes)})
    for token in variants:
        assert (token in lazy) == (token in full), token
        assert lazy.get(token) == full.get(token), token
    assert bool(lazy)
    fresh = MatcherPopulation()  # sizing or iterating builds the whole table
    assert len(fresh) == len(full)
    assert dict(fresh) == full


def test_common_name_by_both_sides_when_the_query_spelling_rule_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cfg, "COMMON_NAME_QUERY_SPELLING", False)
    w = population_weights()
    result = score_name(prepare_name("Kelly Smith", P), prepare_name("SMYTH, Kelly", P), w, P)
    assert not common_name_match(result, w)  # "smyth" is not in the population table
