"""A romanized syllable one letter short of another agrees weakly (ranking, not alerting)."""

from __future__ import annotations

import pytest

from prosper.matching import config as cfg
from prosper.matching.names import score_name
from prosper.matching.population import population_weights
from prosper.matching.syllables import one_letter_dropped
from prosper.model import EntityType
from prosper.names.normalize import prepare_name

P = EntityType.PERSON


def _score(a: str, b: str) -> tuple[float, str]:
    result = score_name(prepare_name(a, P), prepare_name(b, P), population_weights(), P)
    return result.score, result.detail()


@pytest.mark.parametrize(
    ("a", "b", "dropped"),
    [
        ("sog", "song", True),
        ("song", "sog", True),  # either way round
        ("jon", "jong", True),
        ("cho", "chol", True),
        ("sng", "song", True),
        ("sang", "song", False),  # a letter replaced: another syllable
        ("ong", "song", False),  # never the first letter
        ("so", "song", False),  # two letters
        ("song", "song", False),
        ("o", "oh", False),  # a one-letter token is an initial, not a syllable
    ],
)
def test_one_letter_dropped(a: str, b: str, dropped: bool) -> None:
    assert one_letter_dropped(a, b) is dropped


def test_the_entity_whose_other_syllables_agree_ranks_first() -> None:
    right, right_detail = _score("Hwa Sog PAK", "PAK, Hwa Song")
    other, _ = _score("Hwa Sog PAK", "Hwang Sok-Hwa")
    assert right > other
    assert "'sog'≈'song' letter_dropped 0.20" in right_detail


def test_a_dropped_letter_never_counts_more_than_its_weight() -> None:
    # the agreement is SYLLABLE_LETTER_DROPPED, whatever the typo similarity says (0.75)
    _, detail = _score("Kim Jon Un", "KIM Jong Un")
    assert f"'jon'≈'jong' letter_dropped {cfg.SYLLABLE_LETTER_DROPPED:.2f}" in detail


def test_a_dropped_letter_alone_does_not_alert() -> None:
    for a, b in (("Kim Jon Un", "KIM Jong Un"), ("Son Hyo Nam", "SONG Hyo Nam")):
        score, detail = _score(a, b)
        assert score < 0.8, detail


def test_a_replaced_letter_in_a_syllable_still_does_not_agree() -> None:
    score, detail = _score("Kim Sang-hun", "KIM, Song Hun")
    assert "'sang' unmatched in query" in detail
    assert score < 0.7


def test_without_the_feature_the_right_entity_ranked_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the failure this guards against: with no credit the nearer-sounding other name won
    monkeypatch.setattr(cfg, "SYLLABLE_LETTER_DROPPED", 0.0)
    right, _ = _score("Hwa Sog PAK", "PAK, Hwa Song")
    other, _ = _score("Hwa Sog PAK", "Hwang Sok-Hwa")
    assert right < other
