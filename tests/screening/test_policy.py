"""The screening-policy table read with plain checks (``prosper.screening.policy``) equals
the strict pydantic reading (``policy_schema``), and a bad table gets pydantic's error."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from prosper.errors import RulebookError
from prosper.screening import policy_schema
from prosper.screening.parties import load_screening_policy
from prosper.screening.policy import from_validated, read_plain, read_policy

TEXT = resources.files("prosper.rules").joinpath("screening_policy.yaml").read_text("utf-8")
RAW = yaml.load(TEXT, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _strict(raw: Any) -> tuple[str, Any]:
    try:
        return "ok", from_validated(policy_schema.validate_policy(raw, "t"))
    except RulebookError as exc:
        return "error", str(exc)


def _ours(raw: Any) -> tuple[str, Any]:
    try:
        return "ok", read_policy(raw, "t")
    except RulebookError as exc:
        return "error", str(exc)


def test_the_packaged_table_is_read_plainly_and_equal() -> None:
    plain = read_plain(RAW)
    assert plain is not None
    assert ("ok", plain) == _strict(RAW)
    assert load_screening_policy() == plain


def test_the_fields_are_the_models() -> None:
    from dataclasses import fields

    from prosper.screening import policy

    for ours, theirs in (
        (policy.ListRule, policy_schema.ListRuleIn),
        (policy.NoMatchRule, policy_schema.NoMatchRuleIn),
        (policy.Freshness, policy_schema.FreshnessIn),
        (policy.ScreeningPolicy, policy_schema.ScreeningPolicyIn),
    ):
        assert [f.name for f in fields(ours)] == list(theirs.model_fields)


def test_a_custom_list_takes_the_custom_row_naming_the_list() -> None:
    policy = load_screening_policy()
    assert policy.custom is not None
    rule = policy.rule_for("custom_denied")
    assert rule.rule_id == f"{policy.custom.rule_id}.denied"
    assert rule.summary == f"{policy.custom.summary} (denied)"
    assert policy.rule_for("no such list") == policy.default


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("lists", "SDN", "strong"), "blocked", "Input should be 'prohibited'"),
        (("lists", "SDN", "colour"), "red", "Extra inputs are not permitted"),
        (("freshness", "max_age_days", "us_ofac_sdn"), "thirty", "valid integer"),
        (("version",), 2026, "valid string"),
    ],
)
def test_a_bad_table_gets_pydantics_error(path: tuple[str, ...], value: Any, message: str) -> None:
    raw = copy.deepcopy(RAW)
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert read_plain(raw) is None
    kind, text = _ours(raw)
    assert kind == "error"
    assert message in text
    assert text.startswith("t: ")
    assert _strict(raw) == (kind, text)


def test_values_pydantic_coerces_are_pydantics() -> None:
    raw = copy.deepcopy(RAW)
    raw["lists"]["SDN"]["effective_from"] = "1995-01-24"  # text, not a YAML date
    raw["lists"]["SDN"]["conditions"] = ("a",)
    assert read_plain(raw) is None
    assert _ours(raw) == _strict(raw)
    assert _ours(raw)[1].lists["SDN"].effective_from == date(1995, 1, 24)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _paths(sub, (*prefix, i))
    return out


_PATHS = _paths(RAW)
_VALUES = st.sampled_from(
    [None, "", "x", "review", "prohibited", "case_by_case", 0, 30, -1, True, 1.5, [], ["x"],
     ("x",), {}, {"a": 1}, date(2020, 1, 1), datetime(2020, 1, 1), "2020-01-01", "DELETE"]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_PATHS) - 1), _VALUES), min_size=1, max_size=3))
def test_mutated_tables_read_the_same(edits: list[tuple[int, Any]]) -> None:
    raw = copy.deepcopy(RAW)
    for which, value in edits:
        path = _PATHS[which]
        target = raw
        try:
            for key in path[:-1]:
                target = target[key]
            if value == "DELETE" and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed the path
    plain = read_plain(raw)
    expected = _strict(raw)
    if plain is not None:
        assert expected == ("ok", plain)
    assert _ours(raw) == expected


def test_the_packaged_table_loads_without_pydantic(
    fresh_python: Callable[[str], list[str]],
) -> None:
    code = (
        "import sys\n"
        "from prosper.screening.parties import load_screening_policy\n"
        "load_screening_policy()\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = fresh_python(code)
    assert out == ["False"]


def test_the_parsed_table_is_cached_by_content_and_read_back_equal(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside ``yaml_cache`` (a command-line check) the parsed table is kept by digest; the
    next load reads it without parsing YAML and gives the same policy."""
    from prosper.cachefile import yaml_cache
    from prosper.screening import parties

    expected = read_policy(RAW, "screening_policy.yaml")
    load_screening_policy.cache_clear()
    try:
        with yaml_cache(tmp_path):
            assert load_screening_policy() == expected
        assert len(list(tmp_path.glob("yaml-*.json"))) == 1
        load_screening_policy.cache_clear()

        def no_yaml(text: str) -> Any:
            raise AssertionError("parsed the YAML again")

        monkeypatch.setattr(parties, "_parse_yaml", no_yaml)
        with yaml_cache(tmp_path):
            assert load_screening_policy() == expected
        # a damaged cache file is parsed again (the same policy), never an error
        for kept in tmp_path.glob("yaml-*.json"):
            kept.write_text("{not json", "utf-8")
        monkeypatch.undo()
        load_screening_policy.cache_clear()
        with yaml_cache(tmp_path):
            assert load_screening_policy() == expected
    finally:
        load_screening_policy.cache_clear()
