"""The per-hit work the hits stage remembers or hoists answers as the plain definitions do
(issue 16: fewer regexes and splits per hit, same results)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.matching import config as cfg
from prosper.matching.ofac import _latin, ofac_score
from prosper.matching.population import _minor
from prosper.matching.syllables import is_thin, syllable_count
from prosper.names.normalize import prepare_name


def test_minor_is_an_initial_or_a_configured_particle() -> None:
    particles = cfg.PARTICLES.split()
    assert particles  # the test would prove nothing without them
    for word in particles:
        assert _minor(word)
    for word in ("j", "x", "smith", "kim", "ali", "jong"):
        assert _minor(word) is (len(word) == 1 or word in particles)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("aeiouybcdhkjlmnrstwz", min_size=1, max_size=9), max_size=5))
def test_is_thin_counts_the_syllables_of_every_token(tokens: list[str]) -> None:
    form = prepare_name(" ".join(tokens))
    want = (
        bool(form.tokens)
        and "arabic" not in form.scripts
        and sum(syllable_count(t) for t in form.tokens) <= cfg.THIN_NAME_SYLLABLES
    )
    assert is_thin(form) is want
    assert is_thin(form) is want  # asked again: the remembered answer is the same


def test_is_thin_examples() -> None:
    assert is_thin(prepare_name("Li Li"))
    assert is_thin(prepare_name("李丽"))
    assert not is_thin(prepare_name("Vladimir Putin"))
    assert not is_thin(prepare_name("علي"))  # Arabic script: never thin


def test_latin_is_remembered_and_the_same() -> None:
    for name in ("Vladimir Putin", "PUTIN, Vladimir", "José-María Núñez", "Владимир"):
        first = _latin(name)
        assert _latin(name) == first
    assert _latin("Владимир") is None
    assert _latin("José-María Núñez, Jr.") == "JOSE MARIA NUNEZ JR"
    assert ofac_score("George Bush", "George Habbash") == ofac_score(
        "George Bush", "George Habbash"
    )
