"""``prosper.names.primitives`` (rigour's compiled functions, called directly) give what
rigour's public functions give, and preparing an ASCII name does not import normality."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache

import pytest

from prosper.lists.snapshot import load_embedded_snapshot
from prosper.names import primitives
from prosper.names.normalize import fold_text

MIXED = [
    "Владимир Владимирович Путин", "ООО «Ромашка» (Россия)", "Αθήνα ;", "محمد علي",
    "Jin Tiesan (金铁三)", "金正恩", "Pyongyang Informatics Centre (平壌情報センター)",
    "Société Générale S.A.", "Ægir ÆGIR Œuvre ß ẞtraße", "Հայաստան Ереван", "საქართველო",
    "שלום עליכם", "राम प्रसाद", "김정은", "KIM, Jong Un", "– «»", "", " ", "$ محمد",
    "Hangzhou Hikvision Digital Technology Co., Ltd.", "emma llc", "Gazprom OAO", "ООО Газпром",
]  # fmt: skip


@cache
def _corpus() -> tuple[str, ...]:
    """Every name and alias of the embedded lists, the examples above, and their folded forms."""
    names: set[str] = set(MIXED)
    for entity in load_embedded_snapshot().entities:
        names.add(entity.name)
        names.update(alias.name for alias in entity.aliases)
    folded = {fold_text(unicodedata.normalize("NFKC", n)) for n in names}
    return tuple(sorted(names | folded))


def test_the_compiled_functions_are_in_use() -> None:
    assert primitives.CORE  # rigour 2.6's compiled module has them: no fallback


@pytest.mark.parametrize(
    "name", ["text_scripts", "maybe_ascii", "ascii_text", "extract_org_types", "remove_org_types"]
)
def test_each_text_function_equals_rigours_public_one(name: str) -> None:
    ours = getattr(primitives, name)
    public = primitives.public_functions()[name]
    corpus = _corpus()
    assert len(corpus) > 20_000
    for text in corpus:
        assert ours(text) == public(text), text


def test_metaphone_equals_rigours_on_every_token() -> None:
    public = primitives.public_functions()["metaphone"]
    tokens = {t for text in _corpus() if text.isascii() for t in text.split()}
    assert len(tokens) > 10_000
    for token in sorted(tokens):
        assert primitives.metaphone(token) == public(token), token


def test_ascii_text_goes_to_normality_only_past_rigours_scripts() -> None:
    # Han is not one of rigour's admitted scripts: normality reads it, as rigour's own does
    assert primitives.ascii_text("金正恩") == primitives.public_functions()["ascii_text"]("金正恩")
    assert primitives.ascii_text("金正恩").isascii()


def test_an_ascii_name_is_prepared_without_normality(
    fresh_python: Callable[[str], list[str]],
) -> None:
    code = (
        "import sys\n"
        "from prosper.names import prepare_name\n"
        "from prosper.model import EntityType\n"
        "prepare_name('KIM, Jong Un', EntityType.PERSON)\n"
        "prepare_name('Hangzhou Hikvision Digital Technology Co., Ltd.')\n"
        "prepare_name('Ryŏng-hae Société')\n"  # Latin with diacritics: rigour's maybe_ascii
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('normality', 'rigour')))\n"
        "prepare_name('金正恩')\n"  # Han: normality now
        "print('normality' in sys.modules)\n"
    )
    out = fresh_python(code)
    assert out == ["['rigour', 'rigour._core']", "True"]
