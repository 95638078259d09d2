"""Word-by-word transliteration (``normalize._ascii_by_word``) gives ICU's whole-text result."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rigour.text import ascii_text
from rigour.text.scripts import text_scripts
from rigour.text.translit import maybe_ascii

from prosper.names import normalize

# the texts where transliterating word by word naively differs from the whole text, and
# ordinary names of each admitted and non-admitted script
EXAMPLES = [
    "Владимир Владимирович Путин",
    "ООО «Ромашка» (Россия)",
    "Министерство на народните въоръжени сили (MPAF)",
    "Ольга Валерiївна ПОЗДНЯКОВА",  # a Latin i inside Cyrillic words
    "АО Институт Гипростроймост – Санкт-Петербург",
    "Αθήνα ;",  # ; is the Greek question mark: ? in a Greek text
    "Joint-stock company «Dubnensky plant» που πήρε το όνομά της από τον N.P. Fedorov·",
    "شيخ الفاتح ، الفاتح،",  # an Arabic comma alone: ? alone, , in Arabic text
    "محمد علي",
    "Akrin Saleh Akrin (أقرين صالح أقرين)",
    "Jin Tiesan (金铁三)",
    "金正恩",
    "Pyongyang Informatics Centre (平壌情報センター)",
    "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda",
    "Islamic State in Iraq and the Levant – West Africa (ISIL-WA)",
    "Lord’s Resistance Movement/Army (LRM/A)",
    "Société  Générale ",  # two spaces and a trailing one: empty words
    " Ryŏng",
    "– «»",  # no script at all
    "Ægir ÆGIR Œuvre ß ẞtraße",
    "Հայաստան Ереван",
    "საქართველო",
    "שלום עליכם",
    "राम प्रसाद",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_word_by_word_equals_the_whole_text(text: str) -> None:
    assert normalize._ascii_by_word(text) == ascii_text(text)


def _calls(monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    """The texts handed to the library (``ascii_text`` or ``maybe_ascii``) for ``text``."""
    seen: list[str] = []

    def recording(library: Callable[[str], str]) -> Callable[[str], str]:
        def call(arg: str) -> str:
            seen.append(arg)
            return str(library(arg))

        return call

    monkeypatch.setattr(normalize, "ascii_text", recording(ascii_text))
    monkeypatch.setattr(normalize, "maybe_ascii", recording(maybe_ascii))
    assert normalize._ascii_by_word(text) == ascii_text(text)
    return seen


def test_words_of_the_texts_scripts_are_transliterated_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _calls(monkeypatch, "Владимир Путин (1952)") == ["Владимир", "Путин"]
    # punctuation alone in a Latin-only text is Latin-to-ASCII's anywhere; an accented Latin
    # word that NFKD makes ASCII needs no library (_word_ascii), one that it does not does
    assert _calls(monkeypatch, "Jérôme – Kakwavu") == ["–"]
    assert _calls(monkeypatch, "Jérôme – Løkke") == ["–", "Løkke"]
    # scripts rigour does not admit: normality word by word
    assert _calls(monkeypatch, "محمد (علي)") == ["محمد", "(علي)"]


@pytest.mark.parametrize(
    "text",
    [
        "شيخ الفاتح ، الفاتح،",  # a word without a script, in Arabic text
        "Joint-stock company που N.P. Fedorov·",  # a Latin word in a Latin + Greek text
        "Αθήνα ;",  # ASCII punctuation in a Greek text
        "– «»",  # no script
        "Jin Tiesan (金铁三)",  # Latin words in a Han + Latin text
        "، (MPAF) $",  # a mark rigour cannot read sends a Latin text to normality: $ dropped
        "محمد $",  # normality drops $ beside Arabic
    ],
)
def test_a_word_that_may_read_otherwise_sends_the_whole_text(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    assert _calls(monkeypatch, text)[-1] == text  # the whole text decides


_WORDS = st.sampled_from(
    [
        "Иван", "ПЕТРОВ", "Ёлка", "Юрiйович", "Αθήνα", "Σώμα", "محمد", "الفاتح،", "،",
        "金铁三", "センター", "Jérôme", "Ægir", "ẞtraße", "–", "«Факел»", "(MPAF)", "N.P.",
        "Kim", "1995", ";", "·", "$", "(+1)", "№", "ا$", "Fedorov·", "Ерёменко", "Հայաստան",
        "שלום", "",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=6))
def test_any_mix_of_words_transliterates_as_the_whole_text(words: list[str]) -> None:
    text = " ".join(words)
    assert normalize._ascii_by_word(text) == ascii_text(text)


_BLOCKS = [(33, 127), (0xA1, 0xC0), (0xD7, 0xD8), (0xF7, 0xF8), (0x2010, 0x2060), (0x20A0, 0x20C0),
           (0x2100, 0x2150), (0x2190, 0x21A0), (0x2200, 0x2240), (0x3000, 0x3020), (0x060C, 0x060E),
           (0x061B, 0x0620), (0x066A, 0x066E), (0x06D4, 0x06D5), (0x0387, 0x0388), (0x037E, 0x037F),
           (0x055A, 0x0560), (0x0589, 0x058B), (0x05BE, 0x05C1), (0x05F3, 0x05F5), (0x0964, 0x0966),
           (0xFF01, 0xFF10)]  # fmt: skip


def test_punctuation_and_symbols_read_the_same_next_to_every_script() -> None:
    # every punctuation mark and symbol without a script (ASCII, Latin-1, general punctuation,
    # currency, arrows, maths, CJK, Arabic, Greek, Armenian, Hebrew, Devanagari, full-width)
    # alone, around a letter or stuck to a word, before or after a word of each script: the
    # cases where a word may read otherwise alone (``$`` is dropped beside Arabic or Han text)
    samples = ["Иван", "Αθήνα", "محمد", "金铁三", "センター", "Jérôme", "Kim", "Հայաստան", "ქართლი",
               "שלום", "राम", "Иван Kim"]  # fmt: skip
    marks = {unicodedata.normalize("NFKC", chr(c)) for lo, hi in _BLOCKS for c in range(lo, hi)}
    marks = {m for m in marks if m.strip() and not text_scripts(m)}
    assert len(marks) > 300
    for sample in samples:
        for mark in sorted(marks):
            for word in (mark, f"({mark}1)", f"{sample}{mark}", f"{mark}{sample}"):
                for text in (f"{sample} {word}", f"{word} {sample}", f"{word} {sample} $"):
                    assert normalize._ascii_by_word(text) == ascii_text(text), text


# ----------------------------------------------------------------- accented Latin without ICU


def _latin_samples() -> list[str]:
    """Every character below U+0250 but ASCII (Latin-1 Supplement, Latin Extended-A and -B),
    alone, between letters of either case, doubled, and beside every ASCII character."""
    ascii_all = "".join(map(chr, range(128)))
    out = []
    for cp in range(0x80, 0x250):
        ch = chr(cp)
        out += [ch, f"a{ch}b", f"A{ch}B", f"{ch}x", f"X{ch}", ch + ch, f"é{ch}", ch + ascii_all]
        out += [ascii_all + ch]
    return out


def test_accented_latin_reads_as_rigour_reads_it() -> None:
    samples = _latin_samples()
    assert len(samples) > 4_000
    for word in samples:
        assert normalize._word_ascii(word) == maybe_ascii(word), repr(word)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F), min_size=1, max_size=12))
def test_any_word_below_u0250_reads_as_rigour_reads_it(word: str) -> None:
    assert normalize._word_ascii(word) == maybe_ascii(word)


def test_only_words_nfkd_makes_ascii_skip_icu(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def recording(word: str) -> str:
        sent.append(word)
        return str(maybe_ascii(word))

    monkeypatch.setattr(normalize, "maybe_ascii", recording)
    assert normalize._word_ascii("Société") == "Societe"
    assert normalize._word_ascii("ÑANDÚ") == "NANDU"
    assert normalize._word_ascii("Ryŏng") == "Ryong"  # McCune-Reischauer breve
    assert sent == []  # no ICU
    # letters NFKD keeps (ø, ł, æ, ß), a mark outside the combining block, another script
    others = ["Løkke", "Łódź", "Ægir", "Straße", "©2024", "Ерёменко", "Αθήνα"]
    for word in others:
        assert normalize._word_ascii(word) == maybe_ascii(word)
    assert sent == others


def test_the_embedded_lists_words_read_as_rigour_reads_them() -> None:
    from prosper.lists import load_snapshot

    words = {
        word
        for entity in load_snapshot().entities
        for name, _ in entity.all_names()
        for word in unicodedata.normalize("NFKC", name).split(" ")
        if not word.isascii() and max(word) < "\u0250"
    }
    assert len(words) > 5_000
    for word in words:
        assert normalize._word_ascii(word) == maybe_ascii(word), word
