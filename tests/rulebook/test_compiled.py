"""The compiled rulebook kept in the data folder (:mod:`prosper.rulebook.compiled`): the same
rulebook as the loader's, read back without YAML or pydantic when current, and compiled again
when the cache file is damaged or foreign, a rule, case or table file changed, a case file
appeared, or the code changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prosper.errors import RulebookError
from prosper.rulebook import book as book_module
from prosper.rulebook import compiled, load_rulebook
from prosper.rulebook.book import DEFAULT_MANIFEST, Rulebook
from prosper.rulebook.compiled import cache_path, load_compiled_rulebook


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the packaged rules folder (its manifest), free to edit."""
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_MANIFEST.parent, folder)
    return folder / "manifest.yaml"


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each call of the YAML loader (``read_rulebook``) from here on, by manifest."""
    calls: list[Path] = []
    real = book_module.read_rulebook

    def counting(path: Path) -> tuple[Rulebook, tuple[Path, ...], tuple[Path, ...]]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(compiled, "read_rulebook", counting)
    return calls


def test_the_packaged_rulebook_round_trips_and_is_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_loads(monkeypatch)
    first = load_compiled_rulebook(tmp_path)
    assert first == load_rulebook()
    assert cache_path(tmp_path, DEFAULT_MANIFEST).is_file()
    second = load_compiled_rulebook(tmp_path)
    assert second == first
    assert second.digest == first.digest
    assert second.version == first.version
    assert len(calls) == 1  # the second one came from the cache
    # the decoded rules are the loader's, down to the condition trees and enums
    assert [r.when for r in second.rules] == [r.when for r in first.rules]
    assert [r.then for r in second.rules] == [r.then for r in first.rules]


def test_no_directory_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_loads(monkeypatch)
    assert load_compiled_rulebook(None) == load_rulebook()
    assert load_compiled_rulebook(None) == load_rulebook()
    assert len(calls) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "not json {",
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "",
        lambda text: json.dumps({"format": 1}),  # foreign
        lambda text: json.dumps([1, 2, 3]),
        # one character of the compiled rules changed inside a still valid JSON file
        lambda text: text.replace("license_required", "license_requirex", 1),
    ],
    ids=["garbage", "truncated", "empty", "foreign", "list", "edited-inside"],
)
def test_a_damaged_cache_file_is_detected_and_rebuilt(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    expected = load_compiled_rulebook(tmp_path, rules)
    target = cache_path(tmp_path, rules)
    target.write_text(damage(target.read_text("utf-8")), encoding="utf-8")  # type: ignore[operator]
    calls = _count_loads(monkeypatch)
    assert load_compiled_rulebook(tmp_path, rules) == expected
    assert len(calls) == 1  # compiled again
    assert load_compiled_rulebook(tmp_path, rules) == expected
    assert len(calls) == 1  # and the rewritten file is read back


def test_a_changed_rule_file_is_detected_and_rebuilt(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = load_compiled_rulebook(tmp_path, rules)
    rule_file = rules.parent / "us_ear.yaml"
    first = before.rules[[r.file for r in before.rules].index("us_ear.yaml")]
    text = rule_file.read_text("utf-8")
    assert text.count(f"title: {first.title}") >= 1
    rule_file.write_text(
        text.replace(f"title: {first.title}", f"title: {first.title} (edited)", 1), "utf-8"
    )
    calls = _count_loads(monkeypatch)
    after = load_compiled_rulebook(tmp_path, rules)
    assert len(calls) == 1
    assert after == load_rulebook(rules)
    assert after.rule(first.id).title == f"{first.title} (edited)"
    assert after.digest != before.digest


def test_a_changed_table_is_detected(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_compiled_rulebook(tmp_path, rules)
    calls = _count_loads(monkeypatch)
    table_path = rules.parent / "tables" / "ear_embargoes.yaml"
    text = table_path.read_text("utf-8")
    assert "\ntitle: " in text
    table_path.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), "utf-8")
    got = load_compiled_rulebook(tmp_path, rules)
    assert len(calls) == 1
    assert got == load_rulebook(rules)
    assert got.tables["ear_embargoes"].title.startswith("Edited ")


def test_a_case_file_that_goes_or_appears_is_detected(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_compiled_rulebook(tmp_path, rules)
    calls = _count_loads(monkeypatch)
    cases = rules.parent / "us_ear.cases.yaml"
    kept = cases.read_text("utf-8")
    cases.unlink()
    gone = load_compiled_rulebook(tmp_path, rules)
    assert not any(c.file == cases.name for c in gone.cases)
    assert len(calls) == 1
    cases.write_text(kept, "utf-8")  # appears again: it was among the absent ones
    back = load_compiled_rulebook(tmp_path, rules)
    assert any(c.file == cases.name for c in back.cases)
    assert back == load_rulebook(rules)
    assert len(calls) == 2


def test_changed_code_is_detected(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_compiled_rulebook(tmp_path, rules)
    calls = _count_loads(monkeypatch)
    load_compiled_rulebook(tmp_path, rules)
    assert calls == []
    monkeypatch.setattr(compiled, "code_digest", lambda: "0" * 64)
    load_compiled_rulebook(tmp_path, rules)
    assert len(calls) == 1


def test_a_broken_rule_file_is_an_error_and_never_cached(tmp_path: Path, rules: Path) -> None:
    good = load_compiled_rulebook(tmp_path, rules)
    rule_file = rules.parent / "us_ear.yaml"
    text = rule_file.read_text("utf-8")
    rule_file.write_text(text.replace("effective_from:", "effective_fron:", 1), "utf-8")
    with pytest.raises(RulebookError):
        load_compiled_rulebook(tmp_path, rules)
    with pytest.raises(RulebookError):  # still an error: the old compiled file is not used
        load_compiled_rulebook(tmp_path, rules)
    rule_file.write_text(text, "utf-8")
    assert load_compiled_rulebook(tmp_path, rules) == good


def test_an_unwritable_cache_path_only_costs_the_load(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    assert load_compiled_rulebook(blocker / "cache") == load_rulebook()


def test_a_warm_load_imports_neither_yaml_loader_nor_pydantic(tmp_path: Path) -> None:
    load_compiled_rulebook(tmp_path)
    code = (
        "import sys; from pathlib import Path;"
        "from prosper.rulebook.compiled import load_compiled_rulebook;"
        f"book = load_compiled_rulebook(Path({str(tmp_path)!r}));"
        "print(len(book.rules), 'prosper.rulebook.loader' in sys.modules,"
        " 'pydantic' in sys.modules)"
    )
    src = str(Path(compiled.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert out == [str(len(load_rulebook().rules)), "False", "False"]
