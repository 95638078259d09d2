"""The strict loader: unknown keys, bad dates, bad operators are errors naming file, id, field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from prosper.errors import RulebookError
from prosper.rulebook import AllOf, AnyOf, Leaf, NotOf, load_rulebook
from prosper.rulebook.loader import load_rule_file, parse_condition

GOOD_RULE = """
rules:
  - id: test.rule
    title: A rule
    regime: US-EAR
    citation: {source: 15 CFR, section: "742.6", url: "https://www.ecfr.gov/"}
    effective_from: 2024-01-01
    status: enforced
    when: {fact: destination.country, in: [NO, SE]}
    then: {verdict: license_required}
    rationale: because
"""


def write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rule_loads_and_norway_stays_a_string(tmp_path: Path) -> None:
    (rule,) = load_rule_file(write(tmp_path, GOOD_RULE))
    assert rule.id == "test.rule"
    assert rule.effective_from == date(2024, 1, 1)
    assert rule.when == Leaf("destination.country", "in", ("NO", "SE"))
    assert rule.file == "r.yaml"


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("    rationale: because", "    rationale: because\n    colour: red", "colour"),
        ("effective_from: 2024-01-01", "effective_from: 2024-13-01", "effective_from"),
        ("effective_from: 2024-01-01", "effective_from: yesterday", "not a date"),
        ("effective_from: 2024-01-01", "effective_from: 20240101", "effective_from"),
        ("effective_from: 2024-01-01", "effective_from: 2024-01-01T10:00:00", "effective_from"),
        ("status: enforced", "status: maybe", "status"),
        ("regime: US-EAR", "regime: US-XYZ", "regime"),
        ("{verdict: license_required}", "{verdict: perhaps}", "then.verdict"),
        ("{verdict: license_required}", "{verdict: review, colour: red}", "then.colour"),
        ("in: [NO, SE]", "inn: [NO, SE]", "unknown operator 'inn'"),
        ("in: [NO, SE]", "in: NO", "a list"),
        ("{fact: destination.country, in: [NO, SE]}", "{all: []}", "non-empty"),
        ("{fact: destination.country, in: [NO, SE]}", "{fact: x, gt: many}", "a number"),
        ("{fact: destination.country, in: [NO, SE]}", "{fact: x, eq: 1, ne: 2}", "one operator"),
        ('url: "https://www.ecfr.gov/"', 'url: "ecfr"', "citation.url"),
        ("id: test.rule", "id: Test Rule", "id"),
    ],
)
def test_bad_rule_is_an_error_naming_file_rule_and_field(
    tmp_path: Path, old: str, new: str, needle: str
) -> None:
    assert old in GOOD_RULE
    path = write(tmp_path, GOOD_RULE.replace(old, new))
    with pytest.raises(RulebookError) as err:
        load_rule_file(path)
    text = str(err.value)
    assert "r.yaml" in text
    assert needle in text
    if "id: Test Rule" not in new:
        assert "test.rule" in text


def test_effective_to_before_from_is_an_error(tmp_path: Path) -> None:
    text = GOOD_RULE.replace("status:", "effective_to: 2023-01-01\n    status:")
    with pytest.raises(RulebookError, match="effective_to"):
        load_rule_file(write(tmp_path, text))


def test_top_level_unknown_key(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="rulez"):
        load_rule_file(write(tmp_path, GOOD_RULE.replace("rules:", "rulez:")))


def test_parse_condition_tree() -> None:
    cond = parse_condition(
        {
            "all": [
                {"fact": "a", "eq": 1},
                {"any": [{"fact": "b", "missing": True}]},
                {"not": {"fact": "c", "ne": "x"}},
            ]
        },
        "here",
    )
    assert cond == AllOf(
        (Leaf("a", "eq", 1), AnyOf((Leaf("b", "missing", True),)), NotOf(Leaf("c", "ne", "x")))
    )


def _manifest(tmp_path: Path, rule_text: str, extra: str = "") -> Path:
    write(tmp_path, rule_text, "a.yaml")
    return write(
        tmp_path,
        f"id: test\nversion: 2026.11.0\nrule_files: [a.yaml]\n{extra}",
        "manifest.yaml",
    )


def test_manifest_digest_changes_with_rule_bytes(tmp_path: Path) -> None:
    book1 = load_rulebook(_manifest(tmp_path, GOOD_RULE))
    assert book1.digest.startswith("sha256:")
    assert len(book1.digest) == 71
    book2 = load_rulebook(_manifest(tmp_path, GOOD_RULE.replace("because", "because!")))
    assert book1.digest != book2.digest
    assert book1.version == "2026.11.0"


def test_duplicate_rule_id_is_an_error(tmp_path: Path) -> None:
    twice = GOOD_RULE + GOOD_RULE.split("rules:\n", 1)[1]
    with pytest.raises(RulebookError, match="duplicate rule id"):
        load_rulebook(_manifest(tmp_path, twice))


def test_missing_rule_file_and_bad_version(tmp_path: Path) -> None:
    path = write(tmp_path, "id: t\nversion: 2026.11.0\nrule_files: [nope.yaml]\n", "m.yaml")
    with pytest.raises(RulebookError, match=r"nope\.yaml"):
        load_rulebook(path)
    path = write(tmp_path, "id: t\nversion: latest\nrule_files: [a.yaml]\n", "m2.yaml")
    with pytest.raises(RulebookError, match="version"):
        load_rulebook(path)


def test_case_naming_unknown_rule_is_an_error(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, GOOD_RULE)
    write(
        tmp_path,
        "cases:\n  - id: c1\n    regime: US-EAR\n    as_of: 2026-01-01\n    facts: {}\n"
        "    expect: {rules: [no.such.rule]}\n",
        "a.cases.yaml",
    )
    with pytest.raises(RulebookError, match=r"no\.such\.rule"):
        load_rulebook(manifest)


def test_case_with_bad_date_names_case(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, GOOD_RULE)
    write(
        tmp_path,
        "cases:\n  - id: c1\n    regime: US-EAR\n    as_of: someday\n    facts: {}\n"
        "    expect: {rules: []}\n",
        "a.cases.yaml",
    )
    with pytest.raises(RulebookError, match="case c1"):
        load_rulebook(manifest)


def test_package_rulebook_loads() -> None:
    book = load_rulebook()
    assert book.version.count(".") == 2
    assert {r.regime for r in book.rules} >= {"US-EAR", "KR-FTA"}
    for rule in book.rules:
        assert rule.citation.url.startswith("http")
        assert rule.rationale
