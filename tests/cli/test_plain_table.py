"""The plain-text hits table (`prosper.cli.plain_table`) against rich's own rendering of the
same table: byte for byte wherever it answers, and None wherever rich must decide."""

from __future__ import annotations

import io
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import _SINGLE_CELL_UNICODE_RANGES, cell_len
from rich.console import Console

from prosper.cli import plain_table
from prosper.cli.plain_table import console_width, render_plain
from prosper.cli.screen_name import print_hits, render_hits

FIXTURE = Path(__file__).parent / "plain_table_docs.json"
"""Result documents of real screens (`prosper screen NAME --json --dry-run`, threshold 0.5,
limit 40, embedded lists): organisations with Entity List policies, persons, vessels."""


def rich_output(doc: dict[str, Any], width: int) -> str:
    """What `render_hits(doc, Console())` writes on a non-terminal console `width` wide."""
    buffer = io.StringIO()
    render_hits(doc, Console(file=buffer, width=width, _environ={}))
    return buffer.getvalue()


def _word(rng: random.Random) -> str:
    alphabet = rng.choice(
        [
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,'-()&/",
            "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćŁłŃńŚśŠšŽžǍǎ",
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩ",
            "§·°±²³µ¶¹º»¼½¾¿ΑΒΓΔαβγδ—–‘’“”…≈→•",
        ]
    )
    length = rng.choice([1, 2, 3, 5, 8, 12, 20, 35, 60, 90])
    return "".join(rng.choice(alphabet) for _ in range(length))


def _text(rng: random.Random, words: int) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, words)):
        parts.append(_word(rng))
        parts.append(rng.choice([" ", " ", " ", "  ", "   ", "\n", "; ", ", "]))
    if parts and rng.random() < 0.7:
        parts.pop()
    return "".join(parts)


def _hit(rng: random.Random) -> dict[str, Any]:
    listings = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        policy = None
        if rng.random() < 0.4:
            policy = {
                "license_requirement": _text(rng, 12) or None,
                "license_policy": _text(rng, 4) or None,
                "footnotes": [_word(rng) for _ in range(rng.randint(0, 2))],
            }
        listings.append({"source": _word(rng), "list_code": _word(rng), "policy": policy})
    explanation = [
        {"feature": "name_match", "score": rng.random(), "detail": _text(rng, 10)},
        {"feature": "ofac_score", "score": 1.0, "detail": "for comparison only"},
    ]
    for feature in rng.sample(["dob", "country", "identifier", "gender"], rng.randint(0, 3)):
        explanation.append({"feature": feature, "score": rng.uniform(-1, 1), "detail": ""})
    return {
        "entity_id": f"{_word(rng)}:{rng.randint(1, 99999)}",
        "source": _word(rng),
        "list_code": _word(rng),
        "name": _text(rng, 8),
        "matched_name": _text(rng, 8),
        "score": rng.random(),
        "match": rng.random() < 0.5,
        "programs": [_word(rng) for _ in range(rng.randint(0, 4))],
        "explanation": explanation,
        "listings": listings,
    }


def generated_docs(count: int, seed: int = 16) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for _ in range(count):
        yield {
            "query": {"name": _text(rng, 6).replace("\n", " ") or "x"},
            "threshold": rng.random(),
            "hits": [_hit(rng) for _ in range(rng.choice([0, 1, 1, 2, 3, 6]))],
        }


def real_docs() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = json.loads(FIXTURE.read_text("utf-8"))
    return docs


def test_real_screens_are_rich_byte_for_byte() -> None:
    answered = 0
    for doc in real_docs():
        for width in (40, 41, 57, 80, 99, 120, 160, 200, 333):
            text = render_plain(doc, width)
            if text is not None:
                answered += 1
                assert text == rich_output(doc, width), (doc["query"]["name"], width)
    assert answered >= 0.75 * len(real_docs()) * 9  # most: a few hits have Han or Hangul names


def test_generated_tables_are_rich_byte_for_byte() -> None:
    answered = compared = 0
    rng = random.Random(7)
    for doc in generated_docs(200):
        for width in rng.sample(range(plain_table.MIN_WIDTH, 201), 4):
            compared += 1
            text = render_plain(doc, width)
            if text is not None:
                answered += 1
                assert text == rich_output(doc, width), (doc, width)
    assert answered > compared * 0.6  # most are answered: the comparison is not vacuous


def test_every_width_of_one_real_table() -> None:
    doc = next(d for d in real_docs() if d["query"]["name"] == "Bank Melli Iran")
    for width in range(plain_table.MIN_WIDTH, 201):
        text = render_plain(doc, width)
        assert text is not None
        assert text == rich_output(doc, width), width


HIT = {
    "entity_id": "us_ofac_sdn:20157",
    "source": "us_ofac_sdn",
    "list_code": "SDN",
    "name": "KIM, Jong Un",
    "matched_name": "KIM, Jong Un",
    "score": 1.0,
    "match": True,
    "programs": ["DPRK3"],
    "explanation": [{"feature": "name_match", "score": 1.0, "detail": "'kim'='kim' exact 1.00"}],
    "listings": [],
}


def _doc(name: str = "Kim Jong Un", **hit: Any) -> dict[str, Any]:
    return {"query": {"name": name}, "threshold": 0.8, "hits": [{**HIT, **hit}]}


@pytest.mark.parametrize(
    "doc",
    [
        _doc("김정은"),  # Hangul: two cells a character, rich's
        _doc(name="金正恩"),
        _doc(matched_name="كيم جونغ أون"),  # Arabic script
        _doc(name="KIM [bold]"),  # markup
        _doc(name="a\\b"),  # a markup escape
        _doc(name="smile :smile: here"),  # an emoji code
        _doc(programs=["A\tB"]),  # a control character
        _doc(matched_name="e\u0301"),  # a combining accent
        _doc(matched_name="Ｋｉｍ"),  # full-width Latin: two cells
        _doc(matched_name=None),  # not text: rich prints an empty cell
        _doc(programs=[1]),  # not text
    ],
)
def test_what_rich_must_lay_out_is_left_to_rich(doc: dict[str, Any]) -> None:
    assert render_plain(doc, 80) is None


def test_narrow_consoles_are_left_to_rich() -> None:
    assert render_plain(_doc(), plain_table.MIN_WIDTH - 1) is None
    assert render_plain(_doc(), plain_table.MIN_WIDTH) == rich_output(_doc(), 40)


def test_no_hits() -> None:
    doc = {"query": {"name": "Nobody"}, "threshold": 0.8, "hits": []}
    assert (
        render_plain(doc, 80)
        == rich_output(doc, 80)
        == ("Nobody — 0 hit(s) at threshold 0.80\nno match\n")
    )


def test_the_single_cell_ranges_are_richs() -> None:
    assert list(plain_table._SINGLE_CELL_RANGES) == list(_SINGLE_CELL_UNICODE_RANGES)
    assert all(cell_len(c) == 1 for c in plain_table._NARROW_PUNCTUATION)


ENVIRONMENTS: list[dict[str, str]] = [
    {},
    {"COLUMNS": "120"},
    {"COLUMNS": "55", "LINES": "10"},
    {"COLUMNS": "wide"},
    {"FORCE_COLOR": "1"},
    {"FORCE_COLOR": ""},
    {"TTY_COMPATIBLE": "1"},
    {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
    {"TTY_COMPATIBLE": "2"},
]


class _Out(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty, self._encoding = tty, encoding

    def isatty(self) -> bool:
        return self._tty

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda e: ",".join(e) or "(none)")
def test_console_width_is_richs_or_none(
    env: dict[str, str], tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdout", _Out(tty))
    rich = Console(_environ=env)
    width = console_width(env)
    if rich.is_terminal or rich.encoding != "utf-8":
        assert width is None
    else:
        assert width == rich.width


def test_a_non_utf8_output_is_left_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _Out(False, "ascii"))
    assert console_width({}) is None


@pytest.mark.parametrize("tty", [False, True])
def test_print_hits_writes_what_rich_writes(tty: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal rich prints (with its colours); elsewhere the plain table, equal."""
    for env in ({"COLUMNS": "90"}, {"COLUMNS": "90", "FORCE_COLOR": "1"}):
        for name in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for doc in (_doc(), _doc("김정은"), real_docs()[0]):
            out = _Out(tty)
            monkeypatch.setattr(sys, "stdout", out)
            print_hits(doc)
            expected = _Out(tty)
            render_hits(doc, Console(file=expected, _environ=env))
            assert out.getvalue() == expected.getvalue()


def test_a_plain_table_imports_no_rich(tmp_path: Path) -> None:
    code = f"""
import json, sys
from prosper.cli.screen_name import print_hits
print_hits(json.loads({json.dumps(json.dumps(real_docs()[0]))}))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "rich")), file=sys.stderr)
"""
    import subprocess

    src = str(Path(plain_table.__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src, "COLUMNS": "100"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stderr.splitlines()[-1]) == []
    assert done.stdout == rich_output(real_docs()[0], 100)
