"""The Han / Hangul / kana tests of the glossary and the readings without their patterns: the
same answers as the character-class patterns they replace at import, and a Latin name compiles
none of them."""

from __future__ import annotations

import random
import re
import subprocess
import sys

from prosper.names import glossary, readings

NATIVE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
HAN_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,4}$")
HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# every range edge, its neighbours, and characters of the scripts the lists use
EDGES = [
    chr(c)
    for edge in (0x3040, 0x30FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xAC00, 0xD7AF, 0xF900, 0xFAFF)
    for c in (edge - 1, edge, edge + 1)
]
POOL = [*EDGES, "a", "Z", " ", "-", "é", "ŏ", "ж", "ب", "金", "김", "カ", "の", "\U00020000", ""]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randint(0, 6))) for _ in range(n)]


def _corpus() -> list[str]:
    words = list(glossary.glossary())
    return [*words, *_texts(20_000, 7), *EDGES, "", "Kim Jong Un", "金正恩", "단천상업은행"]


def test_native_words_are_sorted_as_by_the_pattern() -> None:
    for text in _corpus():
        assert glossary._is_native_word(text) == (NATIVE.search(text) is not None), text
    latin, native, arabic = glossary._words()
    assert native
    assert latin
    assert all(NATIVE.search(w) for w in native)
    assert not any(NATIVE.search(w) for w in latin + arabic)


def test_native_characters_are_the_patterns_findall() -> None:
    for text in _corpus():
        assert glossary._native_chars(text) == NATIVE.findall(text), text


def test_han_tests_answer_as_the_patterns() -> None:
    for text in _corpus():
        assert readings._has_han(text) == (HAN_CHAR.search(text) is not None), text
        expected = HAN_NAME.match(text) is not None
        assert (readings._han_name().match(text) is not None) == expected, text


def test_readings_are_unchanged() -> None:
    assert readings.hanja_to_hangul("金正恩") == "김정은"
    assert readings.hanja_to_hangul("Kim") is None
    assert readings.hanja_to_hangul("") is None
    assert readings.name_readings("金正恩") == ("金正恩", "김정은")
    assert readings.name_readings("Kim Jong Un") == ("Kim Jong Un",)


def test_a_latin_organisation_name_compiles_no_script_pattern() -> None:
    code = (
        "from prosper.model import EntityType\n"
        "from prosper.names import glossary, readings\n"
        "from prosper.names.normalize import prepare_name\n"
        "from prosper.names.readings import name_readings\n"
        "for name in ('Harborline Compute Distribution LLC', 'Saigon Lotus Cloud JSC',"
        " 'Ryŏng-hae Ch\\'oe'):\n"
        "    prepare_name(name, EntityType.ORGANIZATION)\n"
        "    name_readings(name)\n"
        "print(glossary._native_scripts.cache_info().currsize,"
        " readings._han_name.cache_info().currsize, readings._han_char.cache_info().currsize)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["0", "0", "0"]
