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
