"""The population name-frequency table and the population factor of token weights."""

from __future__ import annotations

import pytest

from prosper.names.frequency import (
    merge_tables,
    parse_population_table,
    patronymic_surnames,
    population_frequency,
    population_table,
    world_given_names_table,
)
from prosper.names.weights import TokenWeights, default_weights


def test_parse_skips_comments_and_blank_lines() -> None:
    assert parse_population_table("# header\n\nsmith\t829.86\nkim\t170.52\n") == {
        "smith": 829.86,
        "kim": 170.52,
    }


def test_shipped_table_knows_common_and_rare_names() -> None:
    table = population_table()
    assert len(table) > 10_000
    assert population_frequency("smith") > 500  # US Census 2010: 828 per 100,000
    assert population_frequency("john") > 500  # US Census 2020 first names
    assert population_frequency("kim") > population_frequency("jong") > 0
    assert population_frequency("habbash") == 0.0  # not in the table: rare
    assert all(t == t.lower() and t.isalpha() for t in table)


def test_population_factor_lowers_only_common_tokens() -> None:
    w = TokenWeights(
        {"smith": 5, "habbash": 1},
        1000,
        population={"smith": 800.0, "jong": 2.0},
        population_weight=0.5,
        common_per_100k=100.0,
    )
    assert w.population_factor("smith") == pytest.approx(0.4)
    assert w.population_factor("jong") == 1.0  # under the common threshold
    assert w.population_factor("habbash") == 1.0
    assert w.weight("smith", person=True) == pytest.approx(w.weight("smith") * 0.4)
    assert w.weight("habbash", person=True) == w.weight("habbash")
    assert w.is_common("smith")
    assert not w.is_common("jong")


def test_without_a_table_nothing_changes() -> None:
    w = default_weights()
    assert w.population_weight == 0.0
    assert not w.is_common("smith")
    assert w.weight("smith", person=True) == w.weight("smith")


def test_with_population_keeps_the_list_idf() -> None:
    base = default_weights()
    w = base.with_population({"smith": 800.0}, 0.5, 100.0)
    assert w.idf("smith") == base.idf("smith")
    assert w.weight("smith", person=True) < base.weight("smith")


def test_world_table_knows_first_names_the_us_table_does_not() -> None:
    world = world_given_names_table()
    assert len(world) > 20_000
    # common in Ukraine, Iran, Russia; rare in the US Census tables
    for token in ("oleksandr", "fatemeh", "sergey", "mykola"):
        assert world[token] > 100 > population_table().get(token, 0.0)
    assert "habbash" not in world
    assert "smirnov" not in world
    assert all(t == t.lower() and t.isalpha() and len(t) > 1 for t in world)


def test_merge_tables_keeps_the_larger_value_per_token() -> None:
    merged = merge_tables({"smith": 830.0, "reza": 1.9}, {"reza": 125.0, "smith": 2.0}, 1.0)
    assert merged == {"smith": 830.0, "reza": 125.0}
    assert merge_tables({"reza": 1.9}, {"reza": 125.0}, 0.01) == {"reza": 1.9}


def test_patronymic_surnames_follow_the_rules() -> None:
    rules = [("", "ov"), ("y", "ev"), ("o", "enko"), ("a", "aei"), ("", "i")]
    given = {"ivan": 2000.0, "sergey": 4000.0, "petro": 500.0, "reza": 200.0, "ra": 900.0}
    out = patronymic_surnames(given, rules, 0.1, 150.0)
    assert out["ivanov"] == pytest.approx(200.0)
    assert out["sergeev"] == pytest.approx(400.0)
    assert out["petrenko"] == pytest.approx(50.0)
    assert out["rezaei"] == pytest.approx(20.0)
    assert "raov" in out
    assert "raei" not in out
    assert patronymic_surnames({"ivan": 100.0}, rules, 0.1, 150.0) == {}  # too rare a name
