"""The compiled rulebook kept in the data folder (:mod:`prosper.rulebook.compiled`): read back
equal to the rulebook loaded from YAML, and never served when it is damaged, foreign or stale."""

from __future__ import annotations

import hashlib
import marshal
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prosper.rulebook import compiled, load_rulebook
from prosper.rulebook.book import DEFAULT_MANIFEST, Rulebook

RULES = DEFAULT_MANIFEST.parent


@pytest.fixture(scope="module")
def packaged() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the packaged rules folder (its manifest path), to edit."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target / DEFAULT_MANIFEST.name


@pytest.fixture
def no_yaml(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails the test if the rulebook is loaded from its files."""

    def refuse(path: Path) -> object:
        pytest.fail(f"the rulebook was read from its files ({path})")

    with monkeypatch.context() as m:
        m.setattr(compiled, "read_rulebook", refuse)
        yield


def _kept(cache: Path, manifest: Path) -> Path:
    return compiled.cache_path(cache, manifest)


def _rewrite(path: Path, payload: bytes) -> None:
    """``path`` holding ``payload`` with a correct digest (as a foreign writer would)."""
    path.write_bytes(compiled.MAGIC + hashlib.sha256(payload).digest() + payload)


def test_the_kept_rulebook_equals_the_loaded_one(
    tmp_path: Path, packaged: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = compiled.load_compiled_rulebook(cache)
    assert first == packaged
    kept = _kept(cache, DEFAULT_MANIFEST)
    assert kept.name.endswith(".marshal")
    assert kept.read_bytes().startswith(compiled.MAGIC)
    monkeypatch.setattr(compiled, "read_rulebook", lambda p: pytest.fail("read from YAML"))
    second = compiled.load_compiled_rulebook(cache)
    assert second == packaged
    assert second.digest == packaged.digest
    assert second.cases == packaged.cases
    assert [r.when for r in second.rules] == [r.when for r in packaged.rules]


def test_without_a_folder_nothing_is_kept(packaged: Rulebook) -> None:
    assert compiled.load_compiled_rulebook(None) == packaged


@pytest.mark.parametrize(
    "damage",
    ["flip", "cut", "magic", "empty", "digest", "garbage"],
)
def test_a_damaged_file_is_never_decoded(tmp_path: Path, packaged: Rulebook, damage: str) -> None:
    cache = tmp_path / "cache"
    compiled.load_compiled_rulebook(cache)
    kept = _kept(cache, DEFAULT_MANIFEST)
    data = bytearray(kept.read_bytes())
    if damage == "flip":
        data[-100] ^= 0x01
    elif damage == "cut":
        data = data[: len(data) // 2]
    elif damage == "magic":
        data[:8] = b"somethin"
    elif damage == "empty":
        data = bytearray()
    elif damage == "digest":
        data[len(compiled.MAGIC)] ^= 0xFF
    else:
        data = bytearray(b"\x00\xff" * 100)
    kept.write_bytes(bytes(data))
    assert compiled._read(kept, compiled.code_digest()) is None
    assert compiled.load_compiled_rulebook(cache) == packaged  # loaded again, file rewritten
    assert compiled._read(kept, compiled.code_digest()) == packaged


@pytest.mark.parametrize(
    "payload",
    [
        marshal.dumps([1, 2, 3]),
        marshal.dumps({"format": compiled.FORMAT}),
        marshal.dumps(None),
        b"\xff\x00not marshal",
    ],
)
def test_a_foreign_payload_with_a_good_digest_is_loaded_again(
    tmp_path: Path, packaged: Rulebook, payload: bytes
) -> None:
    cache = tmp_path / "cache"
    compiled.load_compiled_rulebook(cache)
    kept = _kept(cache, DEFAULT_MANIFEST)
    _rewrite(kept, payload)
    assert compiled._read(kept, compiled.code_digest()) is None
    assert compiled.load_compiled_rulebook(cache) == packaged


def test_a_payload_of_the_wrong_shape_is_loaded_again(tmp_path: Path, packaged: Rulebook) -> None:
    cache = tmp_path / "cache"
    compiled.load_compiled_rulebook(cache)
    kept = _kept(cache, DEFAULT_MANIFEST)
    doc = compiled._payload(kept)
    assert isinstance(doc, dict)
    doc["book"]["rules"][0]["then"]["verdict"] = "not a verdict"
    _rewrite(kept, marshal.dumps(doc))
    assert compiled._read(kept, compiled.code_digest()) is None
    doc["book"]["rules"] = "text"
    _rewrite(kept, marshal.dumps(doc))
    assert compiled._read(kept, compiled.code_digest()) is None
    assert compiled.load_compiled_rulebook(cache) == packaged


def test_another_python_or_format_is_loaded_again(tmp_path: Path, packaged: Rulebook) -> None:
    cache = tmp_path / "cache"
    compiled.load_compiled_rulebook(cache)
    kept = _kept(cache, DEFAULT_MANIFEST)
    doc = compiled._payload(kept)
    for key, value in (("python", "2.7 marshal 1"), ("format", 1)):
        changed = {**doc, key: value}
        _rewrite(kept, marshal.dumps(changed))
        assert compiled._read(kept, compiled.code_digest()) is None
    assert compiled._read(kept, "another code digest") is None


def test_a_changed_rule_file_is_compiled_again(tmp_path: Path, rules: Path) -> None:
    cache = tmp_path / "cache"
    before = compiled.load_compiled_rulebook(cache, rules)
    rule_file = rules.parent / before.rules[0].file
    text = rule_file.read_text("utf-8")
    title = before.rules[0].title
    assert text.count(title) >= 1
    rule_file.write_text(text.replace(title, title + " (edited)", 1), "utf-8")
    after = compiled.load_compiled_rulebook(cache, rules)
    assert after.rules[0].title == title + " (edited)"
    assert after.digest != before.digest
    assert after == load_rulebook(rules)


def test_a_changed_table_is_compiled_again(tmp_path: Path, rules: Path) -> None:
    cache = tmp_path / "cache"
    before = compiled.load_compiled_rulebook(cache, rules)
    table_file = rules.parent / "tables" / "ear_embargoes.yaml"
    assert "ear_embargoes" in before.tables
    table_file.write_text(table_file.read_text("utf-8") + "\n# edited\n", "utf-8")
    after = compiled.load_compiled_rulebook(cache, rules)
    assert after.digest != before.digest
    assert after == load_rulebook(rules)


def test_a_case_file_that_appears_is_compiled_again(tmp_path: Path, rules: Path) -> None:
    cache = tmp_path / "cache"
    case_files = sorted(rules.parent.glob("*.cases.yaml"))
    assert case_files
    moved = case_files[0].with_name("moved-away.txt")
    case_files[0].rename(moved)
    without = compiled.load_compiled_rulebook(cache, rules)
    moved.rename(case_files[0])
    with_cases = compiled.load_compiled_rulebook(cache, rules)
    assert len(with_cases.cases) > len(without.cases)
    assert with_cases == load_rulebook(rules)


def test_a_broken_rule_file_is_an_error_not_the_old_rulebook(tmp_path: Path, rules: Path) -> None:
    from prosper.errors import RulebookError

    cache = tmp_path / "cache"
    before = compiled.load_compiled_rulebook(cache, rules)
    rule_file = rules.parent / before.rules[0].file
    rule_file.write_text(rule_file.read_text("utf-8") + "\n  - {not: [a rule\n", "utf-8")
    with pytest.raises(RulebookError):
        compiled.load_compiled_rulebook(cache, rules)


def test_an_unwritable_folder_only_costs_the_load(tmp_path: Path, packaged: Rulebook) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert compiled.load_compiled_rulebook(blocker / "cache") == packaged
    assert not (blocker / "cache").exists()


def test_a_warm_load_imports_neither_yaml_nor_pydantic(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    compiled.load_compiled_rulebook(cache)
    code = (
        "import sys; from pathlib import Path; "
        "from prosper.rulebook.compiled import load_compiled_rulebook; "
        f"load_compiled_rulebook(Path({str(cache)!r})); "
        "mods = ('yaml', 'pydantic', 'prosper.rulebook.loader'); "
        "print(sorted(m for m in mods if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
