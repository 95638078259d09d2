"""The population name-frequency table and the population factor of token weights."""

from __future__ import annotations

import pytest

from prosper.names.frequency import parse_population_table, population_frequency, population_table
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
