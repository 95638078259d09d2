"""The one document reader: YAML 1.2 core schema, no aliases, limits, encodings (issue 13)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from prosper.charsets import detect_encoding
from prosper.errors import InputError
from prosper.reader import MAX_INT_DIGITS, InputLimits, parse_document


def _yaml(text: str | bytes, **kw: Any) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(data, syntax="yaml", field="DOC", **kw)


def _json(text: str | bytes, **kw: Any) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(data, syntax="json", field="DOC", **kw)


def _refused(fn: Any, text: str | bytes, **kw: Any) -> InputError:
    with pytest.raises(InputError) as info:
        fn(text, **kw)
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)
    return info.value


def test_yaml_1_2_core_schema() -> None:
    doc = _yaml(
        "destination_country: NO\ntpp: yes\nflag: on\nas_of: 2026-02-30\noctal: 012\n"
        "hex: 0x1F\nt: true\nf: False\nn: ~\nempty:\nfloat: 1.5e3\nsexagesimal: 1:20\n"
    )
    assert doc == {
        "destination_country": "NO",  # Norway, not false
        "tpp": "yes",  # not TPP 1.0
        "flag": "on",
        "as_of": "2026-02-30",  # text: the schema says it is no date
        "octal": 12,
        "hex": 31,
        "t": True,
        "f": False,
        "n": None,
        "empty": None,
        "float": 1500.0,
        "sexagesimal": "1:20",
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &x [1]\nb: *x\n", "aliases"),
        ("a: &x 1\n", "aliases"),
        ("a: !!python/object:os.system x\n", "unsupported YAML tag"),
        ("a: !!timestamp 2026-02-30\n", "unsupported YAML tag"),
        ("a: !!binary aGk=\n", "unsupported YAML tag"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("1: x\n", "must be text"),
        ("? [a]\n: b\n", "must be text"),
        ("a: [1\n", "invalid YAML"),
        ("---\na: 1\n---\nb: 2\n", "invalid YAML"),
        ("", "empty document"),
    ],
)
def test_yaml_refusals(text: str, words: str) -> None:
    err = _refused(_yaml, text)
    assert err.field == "DOC"
    assert words in err.message


def test_alias_bomb_is_refused_at_once() -> None:
    """200 KB of billion-laughs YAML: refused at the first alias, not expanded."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 20)]
    body = "\n".join(lines) + "\n"
    body += "pad: [" + ", ".join(["*a19"] * ((200_000 - len(body)) // 6)) + "]\n"
    assert len(body) >= 190_000
    started = time.perf_counter()
    err = _refused(_yaml, body)
    assert "aliases" in err.message
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("syntax", ["yaml", "json"])
@pytest.mark.parametrize("levels", [33, 500, 5_000, 100_000])
def test_deep_nesting_is_refused(syntax: str, levels: int) -> None:
    text = '{"a": ' + "[" * levels + "]" * levels + "}"
    err = _refused(_yaml if syntax == "yaml" else _json, text)
    assert "nested deeper than 32 levels" in err.message


def test_depth_limit_is_a_setting() -> None:
    assert _json("[[[1]]]", limits=InputLimits(max_depth=3)) == [[[1]]]
    _refused(_json, "[[[[1]]]]", limits=InputLimits(max_depth=3))


@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_huge_integers_name_their_field(syntax: str) -> None:
    digits = "1" + "0" * 4_300
    text = '{"items": [{"quantity": ' + digits + "}]}"
    err = _refused(_yaml if syntax == "yaml" else _json, text)
    assert err.field == "items[0].quantity"
    assert "4301 digits" in err.message
    ok = "9" * MAX_INT_DIGITS
    assert (_yaml if syntax == "yaml" else _json)(f'{{"n": {ok}}}') == {"n": int(ok)}


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('{"a": NaN}', "DOC", "not JSON"),
        ('{"a": Infinity}', "DOC", "not JSON"),
        ('{"a": [1e400]}', "a[0]", "not a finite number"),
        ('{"a": 1, "a": 2}', "DOC", "duplicate key"),
        ('{"a": "x\\u0000y"}', "a", "U+0000"),
        ('{"a": "\\ud800"}', "a", "U+D800"),
        ('{"a\\u0007": 1}', "DOC", "U+0007"),
        ('{"a": {"b\\nc": 1}}', "a", "U+000A"),
        ('{"' + "k" * 101 + '": 1}', "DOC", "over 100 characters"),
        ('{"a": ', "DOC", "invalid JSON"),
    ],
)
def test_json_refusals(text: str, field: str, words: str) -> None:
    err = _refused(_json, text)
    assert err.field == field
    assert words in err.message


def test_yaml_infinity_and_control_characters() -> None:
    assert _refused(_yaml, "tpp: .inf\n").field == "tpp"
    assert _refused(_yaml, 'name: "a\\0b"\n').field == "name"


def test_size_limit() -> None:
    err = _refused(_json, '{"a": "' + "x" * 100 + '"}', limits=InputLimits(max_bytes=50))
    assert "larger than the limit of 50" in err.message


def test_encodings() -> None:
    korean = "name: 김정은 조선광선은행\ncountry: KP\n"
    err = _refused(_yaml, korean.encode("cp949"))
    assert "not UTF-8" in err.message
    assert "cp949" in err.message  # the guess is named
    assert _yaml(korean.encode("cp949"), encoding="cp949")["name"] == "김정은 조선광선은행"
    assert _yaml(korean.encode("utf-8-sig"))["country"] == "KP"
    assert _yaml(korean.encode("utf-16"))["country"] == "KP"
    assert "unknown encoding" in _refused(_yaml, b"a: 1", encoding="klingon").message
    assert "not valid ascii" in _refused(_yaml, korean.encode("utf-8"), encoding="ascii").message


def test_detect_encoding_prefers_cp949_on_a_tie() -> None:
    assert detect_encoding("김정은".encode("cp949")) == "cp949"
    assert detect_encoding(b"plain ascii") is not None


def _paths(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every ``(path, node)`` in document order, paths as ``join_path`` builds them."""
    from prosper.reader import join_path

    out = [(path, value)]
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        out.extend(_paths(child, join_path(path, key)))
    return out


def test_a_refused_text_names_its_path_wherever_it_is() -> None:
    """The tree check builds a node's path only when it refuses it (issue 16: a check's body
    read): the field is the first bad node's path in document order, as before."""
    import random

    from prosper.reader import check_tree

    rng = random.Random(16)

    def tree(depth: int) -> Any:
        roll = rng.random()
        if depth > 4 or roll < 0.35:
            return rng.choice(["ok", "bad\x01", 7, 2.5, None])
        if roll < 0.7:
            keys = ("a", "b", "", "long" * 20, "name")  # long paths are shortened
            return {f"{rng.choice(keys)}{i}": tree(depth + 1) for i in range(rng.randint(0, 3))}
        return [tree(depth + 1) for _ in range(rng.randint(0, 3))]

    refused = 0
    for _ in range(2_000):
        value = tree(0)
        bad = [p for p, node in _paths(value) if isinstance(node, str) and "\x01" in node]
        if not bad:
            check_tree(value, field="DOC", max_depth=10)
            continue
        with pytest.raises(InputError) as info:
            check_tree(value, field="DOC", max_depth=10)
        want = bad[0] if len(bad[0]) <= 80 else bad[0][:77] + "…"
        assert info.value.field == (want or "DOC")
        refused += 1
    assert refused > 200
