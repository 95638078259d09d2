"""prosper.names.glossary: the Latin words rewritten by a scan (the first texts of a process)
exactly as the compiled pattern rewrites them (every later text)."""

from __future__ import annotations

import random
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path

import prosper
from prosper.lists.snapshot import load_embedded_snapshot
from prosper.names import glossary as g
from prosper.names.normalize import fold_text


def _by_pattern(text: str) -> str:
    pattern = g._latin_pattern()
    assert pattern is not None
    return pattern.sub(g._concept, text)


@cache
def _corpus() -> tuple[str, ...]:
    """Every name and alias of the embedded lists, as written and folded (lower case)."""
    names: set[str] = set()
    for entity in load_embedded_snapshot().entities:
        names.add(entity.name)
        names.update(alias.name for alias in entity.aliases)
    folded = {fold_text(unicodedata.normalize("NFKC", n)) for n in names}
    return tuple(sorted(names | folded | {n.lower() for n in names}))


def test_the_scan_equals_the_pattern_on_every_listed_name() -> None:
    corpus = _corpus()
    assert len(corpus) > 100_000
    changed = 0
    for text in corpus:
        want = _by_pattern(text)
        assert g._latin_scan(text) == want, text
        changed += want != text
    assert changed > 1_000  # the corpus exercises the rewriting, not only its absence


def test_the_scan_equals_the_pattern_on_mixed_texts() -> None:
    rng = random.Random(14)
    words = g._words()[0]
    pieces = [*words, *(w[:-1] for w in words), *(w[1:] for w in words if len(w) > 1)]
    pieces += ["", "x", "_", "9", "é", "ß", "٣", "²", "김", "-", ".", "'", "co", "ltd"]
    seps = [" ", "  ", "", "-", "_", ".", ",", "/", "1", "a", "é", "\t"]
    for _ in range(30_000):
        text = "".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 6)))
        assert g._latin_scan(text) == _by_pattern(text), text
    for word in words:  # every word alone, glued to word characters, between separators
        for text in (word, f"x{word}", f"{word}x", f"_{word}", f"{word}_", f"-{word}-"):
            assert g._latin_scan(text) == _by_pattern(text), text


def test_translate_generic_words_switches_to_the_pattern_with_the_same_results() -> None:
    texts = [t for t in _corpus() if t.islower()][: 3 * g.SCANNED_TEXTS]
    want = [_by_pattern(t) for t in texts]
    g._scanned = 0
    assert [g.translate_generic_words(t) for t in texts] == want
    assert g._scanned == g.SCANNED_TEXTS


def test_preparing_one_name_compiles_no_glossary_pattern() -> None:
    code = (
        "from prosper.names import glossary as g\n"
        "from prosper.names.normalize import prepare_name\n"
        "from prosper.model import EntityType\n"
        "prepare_name('Uzina de Constructii de Masini Arzamas OOO', EntityType.ORGANIZATION)\n"
        "prepare_name('Kim Jong Un')\n"
        "print(g._latin_pattern.cache_info().currsize, g._native_pattern.cache_info().currsize,"
        " g._arabic_pattern.cache_info().currsize)\n"
    )
    src = str(Path(prosper.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONPATH": src}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "0", "0"]
