"""`prosper check FILE` on the lean path (no Typer, the lists mapped and decoded lazily, the
rulebook's YAML from the data folder's cache, the check recorded by the standard-library SQLite
writer) against the old path (the engine of ``service.build_engine``, every list decoded, the
rulebook parsed, the record appended by ``AuditLog``): the same JSON and exit code for every
file in ``examples/``, and one audit chain that verifies after both writers appended to it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prosper import cli, service
from prosper.audit import AuditLog
from prosper.cli import lean
from prosper.errors import ProsperError
from prosper.model import Verdict
from prosper.settings import load_settings

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One data folder for the module: the index is built once, both writers share the log."""
    folder = tmp_path_factory.mktemp("prosper-lean-check")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROSPER_DATA_DIR", str(folder))
        mp.delenv("PROSPER_DB_URL", raising=False)
        mp.setenv("PROSPER_ACTOR", "test-officer")
        yield folder
    service.reset_engines()


def _old(path: Path, args: list[str]) -> tuple[int, str]:
    """What `prosper check PATH ARGS` printed and returned before the lean path (the code of
    the former Typer command: ``service.run_check`` or ``evaluate`` on a fully loaded engine)."""
    settings = load_settings()
    service.reset_engines()
    service.get_engine(settings)  # service.build_engine: every list decoded, YAML parsed
    try:
        raw = service.read_document(path, limits=settings.input_limits)
        if "--dry-run" in args:
            doc = {**service.evaluate(raw, settings=settings), "dry_run": True}
        else:
            doc = service.run_check(raw, settings=settings, claim=settings.actor_claim)
    except ProsperError as exc:
        return exc.exit_code, f"error: {exc}"
    finally:
        service.reset_engines()
    out = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    code = 3 if Verdict(doc["verdict"]).severity >= Verdict.REVIEW.severity else 0
    return code, out


def _new(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], path: Path, args: list[str]
) -> tuple[int, str]:
    """What `prosper check PATH ARGS --fail-on review` prints and returns now (lean path)."""
    argv = [str(path), *args, "--fail-on", "review"]
    assert lean.parse_check(argv) is not None
    monkeypatch.setattr(sys, "argv", ["prosper", "check", *argv])
    with monkeypatch.context() as m:  # the lean path only: no Typer app, no SQLAlchemy writer
        m.setattr(cli, "run_app", lambda: pytest.fail("the Typer app ran"))
        m.setattr(service, "audit_log", lambda s: pytest.fail("the AuditLog writer ran"))
        m.setattr(service, "build_engine", lambda s: pytest.fail("the full engine was built"))
        service.reset_engines()
        capsys.readouterr()
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            service.reset_engines()
    captured = capsys.readouterr()
    return code, captured.out if captured.out else captured.err.strip().splitlines()[-1]


def _comparable(out: str) -> Any:
    """The JSON output with the audit record's id and hash set aside (they differ per run)."""
    if not out.startswith("{"):
        return out
    doc = json.loads(out)
    if "audit" in doc:
        assert isinstance(doc["audit"]["record_id"], int)
        assert doc["audit"]["hash"].startswith("sha256:")
        doc["audit"] = "<record>"
    return doc


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_lean_check_is_the_old_check(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: Path,
) -> None:
    for args in (["--json"], ["--json", "--dry-run"]):
        old_code, old_out = _old(path, args)
        new_code, new_out = _new(monkeypatch, capsys, path, args)
        assert (new_code, _comparable(new_out)) == (old_code, _comparable(old_out)), args
        if old_out.startswith("{"):  # byte for byte, once the record's id and hash agree
            doc = json.loads(new_out)
            if "audit" in doc:
                doc["audit"] = json.loads(old_out)["audit"]
            assert json.dumps(doc, ensure_ascii=False, indent=2) + "\n" == old_out


def test_mixed_writers_leave_one_verified_chain(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """AuditLog and the SQLite writer appending in turn: one chain, verified, and the two
    records of the same transaction hold the same content."""
    with AuditLog.from_settings(load_settings()) as log:
        before = log.head()
    start = 0 if before is None else before[0]
    for path in EXAMPLES[:3]:
        _old(path, ["--json"])
        _new(monkeypatch, capsys, path, ["--json"])
    with AuditLog.from_settings(load_settings()) as log:
        report = log.verify()
        assert report.ok, report.problems
        head = log.head()
        assert head is not None
        assert head[0] == start + 6
        old, new = log.get(head[0] - 1), log.get(head[0])
    assert old.kind == new.kind == "check"
    assert (old.input, old.output, old.versions, old.actor) == (
        new.input,
        new.output,
        new.versions,
        new.actor,
    )


def test_rulebook_yaml_cache_is_keyed_by_content(data_dir: Path, tmp_path: Path) -> None:
    """The second load reads the cache; a changed file is parsed again, not read stale."""
    from prosper.rulebook.loader import read_yaml
    from prosper.rulebook.yamlcache import yaml_cache

    cache = tmp_path / "cache"
    rule = tmp_path / "r.yaml"
    rule.write_text("a: [1, 2]\nNO: yes\n", encoding="utf-8")
    with yaml_cache(cache):
        first = read_yaml(rule)
        assert len(list(cache.glob("yaml-*.json"))) == 1
        assert read_yaml(rule) == first == {"a": [1, 2], "NO": "yes"}
        rule.write_text("a: [3]\n", encoding="utf-8")
        assert read_yaml(rule) == {"a": [3]}
        rule.write_text("1: one\n", encoding="utf-8")  # integer key: JSON would change it
        assert read_yaml(rule) == {1: "one"}
        assert read_yaml(rule) == {1: "one"}
    assert len(list(cache.glob("yaml-*.json"))) == 2
    rule.write_text("a: [4]\n", encoding="utf-8")
    assert read_yaml(rule) == {"a": [4]}  # outside the block: nothing cached
    assert len(list(cache.glob("yaml-*.json"))) == 2


def test_lean_check_creates_a_new_log_through_auditlog(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No log yet: the SQLite writer does not apply, the SQLAlchemy writer creates it; the
    next lean check is appended by the SQLite writer to the same verified chain."""
    import prosper.audit.lite as lite

    monkeypatch.setenv("PROSPER_DB_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    written: list[object] = []
    real = lite.append_sqlite

    def spy(*args: Any, **kwargs: Any) -> Any:
        record = real(*args, **kwargs)
        written.append(record)
        return record

    monkeypatch.setattr(lite, "append_sqlite", spy)
    for _ in range(2):
        monkeypatch.setattr(sys, "argv", ["prosper", "check", str(EXAMPLES[0]), "--json"])
        service.reset_engines()
        capsys.readouterr()
        cli.main()
        assert json.loads(capsys.readouterr().out)["audit"]["record_id"] == len(written)
    service.reset_engines()
    assert written[0] is None  # no log: the AuditLog writer created it
    assert written[1] is not None
    with AuditLog.from_settings(load_settings()) as log:
        assert log.verify().ok
        head = log.head()
    assert head is not None
    assert head[0] == 2


def test_a_warm_json_check_imports_no_pydantic_typer_or_normality(data_dir: Path) -> None:
    """In a fresh interpreter on a warm data folder (the first run fills the caches): a
    valid transaction of Latin-script names is decided and recorded without pydantic, Typer,
    SQLAlchemy, normality or rigour's Python packages."""
    heavy = ("pydantic", "typer", "click", "sqlalchemy", "rich", "normality", "rigour.text",
             "rigour.names", "multiprocessing", "prosper.cases",
             # pycountry (its codes are read from its database file) and the
             # importlib.metadata it would import (YAML is the transaction's own format)
             "pycountry", "importlib.metadata",
             # packaged files read from the package folder (prosper.packagedata)
             "importlib.resources", "zipfile", "tempfile")  # fmt: skip
    example = EXAMPLES[0].parent / "export_us_h100_to_vietnam.yaml"
    code = f"""
import json, sys
sys.argv = ["prosper", "check", {str(example)!r}, "--json"]
from prosper.cli import main
try:
    main()
finally:
    print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""
    src = str(Path(cli.__file__).resolve().parents[2])
    env = {"PROSPER_DATA_DIR": str(data_dir), "PYTHONPATH": src, "PROSPER_ACTOR": "t"}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )
    assert done.returncode in (0, 3), done.stderr
    assert json.loads(done.stdout)["verdict"]
    assert json.loads(done.stderr.splitlines()[-1]) == []


def test_a_warm_check_parses_no_screening_policy_yaml(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screening policy's parsed table is kept beside the rulebook's (the first check
    writes it): a warm check reads the same policy from there, parsing no YAML."""
    from prosper.screening import parties

    def no_yaml(text: str) -> Any:
        raise AssertionError("parsed the screening policy's YAML again")

    parties.load_screening_policy.cache_clear()
    service.reset_engines()
    try:
        service.prime_cli_engine(load_settings())
        assert list((data_dir / "cache").glob("yaml-*.json"))
        expected = parties.load_screening_policy()
        parties.load_screening_policy.cache_clear()
        service.reset_engines()
        monkeypatch.setattr(parties, "_parse_yaml", no_yaml)
        service.prime_cli_engine(load_settings())
        assert parties.load_screening_policy() == expected
    finally:
        parties.load_screening_policy.cache_clear()
        service.reset_engines()
