"""The plain reading of a transaction (``prosper.intake``) gives what the pydantic schema
gives: the same Transaction for every document it accepts, pydantic's error for the rest."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from prosper import intake, schema
from prosper.errors import InputError
from prosper.reader import InputLimits, parse_document

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "examples").glob("*.yaml"))
BAD = ROOT / "tests" / "fixtures" / "transactions" / "bad_inputs.yaml"
TODAY = date(2026, 12, 7)


def _outcome(parse: Any, raw: Any) -> tuple[str, Any]:
    try:
        return "ok", parse(raw, today=TODAY, limits=InputLimits())
    except InputError as exc:
        return "error", (str(exc), exc.field)


def _doc(path: Path) -> Any:
    return parse_document(path.read_bytes(), syntax="yaml", field=path.name)


def test_the_fields_are_the_schemas() -> None:
    models = {
        name: cls
        for name, cls in vars(schema).items()
        if isinstance(cls, type) and issubclass(cls, schema._Strict) and cls is not schema._Strict
    }
    assert set(intake.FIELDS) == set(models)
    for name, cls in models.items():
        assert set(intake.FIELDS[name]) == set(cls.model_fields), name


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_example_is_read_plainly_and_the_same(path: Path) -> None:
    raw = _doc(path)
    assert intake.read_plain(raw) is not None  # the fast path is taken
    assert _outcome(intake.parse_transaction, raw) == _outcome(schema.parse_transaction, raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"parties": [{"name": "A", "country": "XX"}]}, "unknown country code"),
        ({"parties": [{"name": " "}]}, "at least 1 character"),
        ({"items": [{"description": "d", "kind": "other", "tpp": True}]}, "valid number"),
        ({"items": [{"description": "d", "kind": "other", "quantity": 1.0}]}, "valid integer"),
        ({"parties": [{"name": "A", "nickname": "B"}]}, "unknown field"),
        ({"as_of": "2026-02-30"}, "not a real date"),
        ({"parties": [{"name": "A", "owners": [{"name": "B", "percent": 70},
                                               {"name": "C", "percent": 40}]}]}, "more than 100"),
        ({"data_transfers": [{"from_country": "KR", "to_country": "US", "categories": []}]},
         "at least 1 item"),
    ],
)  # fmt: skip
def test_an_invalid_document_gets_pydantics_error(raw: dict[str, Any], message: str) -> None:
    assert intake.read_plain(raw) is None
    kind, (text, field) = _outcome(intake.parse_transaction, raw)
    assert kind == "error"
    assert message in text
    assert _outcome(schema.parse_transaction, raw) == (kind, (text, field))


def test_every_bad_input_of_the_fixtures_gets_the_same_error() -> None:
    cases = yaml.safe_load(BAD.read_text(encoding="utf-8"))
    assert len(cases) > 10
    for case in cases:
        expected = _outcome(schema.parse_transaction, case["doc"])
        assert expected[0] == "error"
        assert _outcome(intake.parse_transaction, case["doc"]) == expected, case["case"]


def test_values_pydantic_would_change_go_to_pydantic() -> None:
    for raw in (
        {"parties": [{"name": " Padded "}]},  # stripped by pydantic
        {"parties": [{"name": "A", "country": "kr"}]},  # accepted: check_country upper-cases
        {"items": [{"description": "d", "kind": "other", "tpp": 5}]},  # an int for a float
    ):
        assert _outcome(intake.parse_transaction, raw) == _outcome(schema.parse_transaction, raw)
    assert intake.read_plain({"parties": [{"name": " Padded "}]}) is None
    plain = intake.read_plain({"items": [{"description": "d", "kind": "other", "tpp": 5}]})
    assert plain is not None
    assert type(plain.items[0].tpp) is float


_VALUES = st.sampled_from(
    [None, "", " ", "x", " KR", "KR", "kr", "XX", "US", "person", "organization", "exporter",
     "other", "integrated_circuit", "3A090", "3a090", "EAR99", "5D002.c", "4A994 ", "contact",
     "controller", "remote", "2026-01-31", "2026-02-30", "1984", "1984-02", "1984-13", 0, 1, -1,
     50, 100, 101, 512, 513, 10**12, 10**13, 2**60, 0.0, 0.5, 99.99, 100.0, -0.1, 1e308,
     float("inf"), float("nan"), True, False, [], [{}], {}, {"name": "A"},
     {"name": "O", "percent": 60}, {"country": "KR", "percent": 20}, ["x"], [" x"], "a" * 501]
)  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _paths(sub, (*prefix, i))
    return out


def _mutate(raw: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    doc = copy.deepcopy(raw)
    if not path:
        return doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "set":
        parent[last] = value
    elif how == "delete" and isinstance(parent, dict):
        del parent[last]
    elif how == "extra" and isinstance(parent[last], dict):
        parent[last]["unexpected"] = value
    elif how == "append" and isinstance(parent[last], list):
        parent[last].append(value)
    return doc


_EXAMPLES = [d for d in (_doc(p) for p in DOCS) if isinstance(d, dict)]


@settings(max_examples=1500, deadline=None)
@given(
    st.integers(0, len(_EXAMPLES) - 1),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(["set", "delete", "extra", "append"]),
                  _VALUES),
        min_size=1, max_size=3,
    ),
)  # fmt: skip
def test_mutated_documents_read_the_same(which: int, edits: list[tuple[int, str, Any]]) -> None:
    raw = _EXAMPLES[which]
    for pick, how, value in edits:
        paths = _paths(raw)
        raw = _mutate(raw, paths[pick % len(paths)], how, copy.deepcopy(value))
    plain = intake.read_plain(raw) if isinstance(raw, dict) else None
    expected = _outcome(schema.parse_transaction, raw)
    if plain is not None:
        assert expected[0] == "ok"  # accepted plainly only what pydantic accepts
    assert _outcome(intake.parse_transaction, raw) == expected


def test_reading_plainly_imports_no_pydantic(fresh_python: Callable[[str], list[str]]) -> None:
    code = (
        "import sys\n"
        "from prosper.intake import parse_transaction\n"
        "parse_transaction({'parties': [{'name': 'A', 'country': 'KR'}]})\n"
        "print('pydantic' in sys.modules)\n"
        "parse_transaction({'parties': [{'name': ' A'}]})\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = fresh_python(code)
    assert out == ["False", "True"]
