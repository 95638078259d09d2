"""`prosper screen NAME` on the lean path (no Typer) against the full Typer app: the same
stdout, stderr and exit code for the same command line, the same audit records, and what it
hands back to Typer."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import prosper.audit.lite as lite
from prosper import cli
from prosper.audit import AuditLog
from prosper.cli import lean
from prosper.cli import screen_name as screen_cli
from prosper.model import Alias, Entity, EntityType, Identifier
from prosper.screening.index import ScreeningIndex
from prosper.settings import load_settings

ENTITIES = (
    Entity(
        "us_ofac_sdn:20157",
        "us_ofac_sdn",
        "SDN",
        EntityType.PERSON,
        "KIM, Jong Un",
        countries=("KP",),
        programs=("DPRK3",),
        dates_of_birth=("1984-01-08",),
        identifiers=(Identifier("passport", "PS123456"),),
    ),
    Entity(
        "un_sc:KPi.076",
        "un_sc",
        "UN",
        EntityType.PERSON,
        "RI PYONG CHUL",
        aliases=(Alias("Ri Pyong Chol"),),
    ),
    Entity("us_ofac_sdn:9", "us_ofac_sdn", "SDN", EntityType.VESSEL, "KIM SHIPPING STAR"),
)


@dataclass(frozen=True)
class _Source:
    source: str
    version: str
    published: str
    origin: str = "embedded"


@dataclass(frozen=True)
class _Snapshot:
    sources: tuple[_Source, ...]

    def versions(self) -> dict[str, str]:
        return {s.source: s.version for s in self.sources}


_SNAPSHOT = _Snapshot(
    (_Source("us_ofac_sdn", "sha256:aa", "2024-07-02"), _Source("un_sc", "sha256:bb", "2026"))
)


@pytest.fixture(autouse=True)
def small_lists(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    index = ScreeningIndex.build(ENTITIES)
    monkeypatch.setattr(screen_cli, "_load", lambda settings: (_SNAPSHOT, index))


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def _run(
    entry: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> Run:
    monkeypatch.setattr(sys, "argv", ["prosper", "screen", *args])
    capsys.readouterr()
    try:
        entry()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def full(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """The Typer app, as before the lean path existed."""
    return _run(cli.run_app, monkeypatch, capsys, list(args))


def lean_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> Run:
    """What `prosper screen ARGS` runs now (lean when it can)."""
    return _run(cli.main, monkeypatch, capsys, list(args))


def _without_record_ids(out: str) -> str:
    """JSON output with the audit record's id and hash set aside (they differ per run)."""
    if not out.startswith("{"):
        return out
    doc = json.loads(out)
    if "audit" in doc:
        assert isinstance(doc["audit"]["record_id"], int)
        assert doc["audit"]["hash"].startswith("sha256:")
        doc["audit"] = "<record>"
    return json.dumps(doc, sort_keys=True)


SAME = [
    ["Kim Jong Un", "--json"],
    ["Kim Jong Un", "--json", "--dry-run"],
    ["Kim Jong Un"],
    ["Lee Byung-chul", "--dry-run"],
    ["Samsung Electronics"],
    ["Kim Jong Un", "--json", "--country", "kp", "--country=CN"],
    ["--json", "Kim Jong Un", "--threshold", "0.95"],
    ["Kim Jong Un", "--json", "--threshold=1"],
    ["Kim Jong Un", "--json", "--threshold", "0.5", "--limit", "1"],
    ["Kim Jong Un", "--json", "--type", "person", "--dob", "1984-01-08", "--gender", "male"],
    ["Kim Shipping Star", "--type=vessel", "--json"],
    ["Kim Jong Un", "--json", "--id", "PS123456", "--id", "X1"],
    ["Kim Jong Un", "--json", "--source", "un_sc"],
    ["Kim Jong Un", "--json", "--source", "us_ofac_sdn", "--dry-run"],
    # errors: the same message on stderr and exit code 2
    ["Kim Jong Un", "--threshold", "1.5"],
    ["   ", "--json"],
    [],
    ["Kim Jong Un", "--limit", "0"],
    ["Kim Jong Un", "--type", "ship"],
    ["Kim Jong Un", "--dob", "1984-13-45"],
    ["Kim Jong Un", "--gender", "x"],
    ["Kim Jong Un", "--country", "Korea"],
    ["Kim Jong Un", "--source", "nope"],
]


@pytest.mark.parametrize("args", SAME, ids=lambda a: " ".join(a) or "(no args)")
def test_lean_output_is_the_full_paths(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lean.parse_screen(args) is not None  # these run on the lean path
    old = full(monkeypatch, capsys, *args)
    new = lean_run(monkeypatch, capsys, *args)
    assert (new.code, new.err) == (old.code, old.err)
    assert _without_record_ids(new.out) == _without_record_ids(old.out)
    assert new.code in (0, 2)
    assert ("error: " in new.err) == (new.code == 2)


def test_stale_list_warnings_are_the_same(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROSPER_LISTS_MAX_AGE_DAYS", "30")
    for args in (["Kim Jong Un", "--json"], ["Kim Jong Un"]):
        old = full(monkeypatch, capsys, *args)
        new = lean_run(monkeypatch, capsys, *args)
        assert "warning: us_ofac_sdn was published 2024-07-02" in new.err
        assert "warning: un_sc states no publication date" in new.err
        assert (new.code, new.err) == (old.code, old.err)
        assert _without_record_ids(new.out) == _without_record_ids(old.out)


def test_the_validated_freshness_limits_are_kept_and_reused(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    from prosper.screening.parties import load_screening_policy

    settings = load_settings()
    expected = dict(load_screening_policy().freshness.max_age_days)
    assert screen_cli.freshness_defaults(settings) == expected
    (kept,) = (data_dir / "cache").glob("freshness-*.json")
    assert json.loads(kept.read_text()) == expected
    kept.write_text(json.dumps({**expected, "us_ofac_sdn": 7}))  # read back, not revalidated
    assert screen_cli.freshness_defaults(settings)["us_ofac_sdn"] == 7
    kept.write_text("{not json")  # a damaged file is validated again and rewritten
    assert screen_cli.freshness_defaults(settings) == expected
    assert json.loads(kept.read_text()) == expected


FALLBACK = [
    ["--help"],
    ["Kim Jong Un", "--file", "names.csv"],
    ["Kim Jong Un", "Lee"],
    ["Kim Jong Un", "--threshold", "abc"],
    ["Kim Jong Un", "--threshold", ".5"],
    ["Kim Jong Un", "--limit", "-1"],
    ["Kim Jong Un", "--limit"],
    ["Kim Jong Un", "--json=yes"],
    ["Kim Jong Un", "--type", "person", "--type", "vessel"],
    ["Kim Jong Un", "--bogus"],
    ["-x"],
    ["--", "-Kim"],
]


@pytest.mark.parametrize("args", FALLBACK, ids=" ".join)
def test_anything_else_runs_the_typer_app(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lean.parse_screen(args) is None
    old = full(monkeypatch, capsys, *args)
    new = lean_run(monkeypatch, capsys, *args)
    assert new == old


def test_lean_records_verify_and_continue_the_chain(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """Full, lean, lean, full: one chain; the lean records are written with sqlite3 and hold
    what the full path records (query, result digest, versions, actor, claimed actor)."""
    monkeypatch.setenv("PROSPER_ACTOR", "mallory")
    written: list[int] = []
    append = lite.append_sqlite

    def spy(*args: Any, **kwargs: Any) -> Any:
        record = append(*args, **kwargs)
        if record is not None:
            written.append(record.id)
        return record

    monkeypatch.setattr(lite, "append_sqlite", spy)
    docs = []
    for entry in (cli.run_app, cli.main, cli.main, cli.run_app):
        run = _run(entry, monkeypatch, capsys, ["Kim Jong Un", "--json", "--country", "KP"])
        assert run.code == 0, run.err
        docs.append(json.loads(run.out))
    assert written == [2, 3]  # the first full run created the log; the lean runs used sqlite3
    assert [d["audit"]["record_id"] for d in docs] == [1, 2, 3, 4]
    with AuditLog.from_settings(load_settings()) as log:
        report = log.verify()
        assert report.ok, report
        records = [log.get(i) for i in (1, 2, 3, 4)]
    assert [r.hash for r in records] == [d["audit"]["hash"] for d in docs]
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    for r in records:
        assert r.signature is not None
        assert r.actor == records[0].actor != "mallory"  # the OS login
        assert r.input["claimed_actor"] == "mallory"
        assert (r.kind, r.input, r.output, r.versions) == (
            records[0].kind,
            records[0].input,
            records[0].output,
            records[0].versions,
        )
    assert records[1].output["result_digest"].startswith("sha256:")
    assert records[1].versions == {"lists": {"us_ofac_sdn": "sha256:aa", "un_sc": "sha256:bb"}}


def test_dry_run_writes_no_record(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    run = lean_run(monkeypatch, capsys, "Kim Jong Un", "--json", "--dry-run")
    assert run.code == 0
    assert json.loads(run.out)["dry_run"] is True
    assert not (data_dir / "audit.sqlite3").exists()


HEAVY = (
    *("typer", "click", "sqlalchemy", "pydantic", "rich", "prosper.service", "prosper.engine"),
    *("yaml", "normality", "rigour.text", "rigour.names", "multiprocessing", "prosper.cases"),
    # the check's transaction and decision classes, pycountry and its importlib.metadata
    *("prosper.transactions", "pycountry", "importlib.metadata"),
    # packaged files are read from the package folder (prosper.packagedata)
    *("importlib.resources", "zipfile", "tempfile"),
)


def test_a_json_screen_imports_no_typer_sqlalchemy_or_pydantic(data_dir: Path) -> None:
    """In a fresh interpreter, on a warm data folder (the log exists, the packaged freshness
    limits were validated once; the small index is built there)."""
    AuditLog.from_settings(load_settings()).close()
    screen_cli.freshness_defaults(load_settings())
    code = f"""
import json, sys
from prosper.model import Entity, EntityType
from prosper.screening.index import ScreeningIndex
import prosper.cli.screen_name as s
kim = Entity("x:1", "us_ofac_sdn", "SDN", EntityType.PERSON, "KIM, Jong Un")
index = ScreeningIndex.build([kim])
class Snap:
    sources = ()
s._load = lambda settings: (Snap(), index)
sys.argv = ["prosper", "screen", "Kim Jong Un", "--json"]
from prosper.cli import main
main()
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)
"""
    src = str(Path(cli.__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PROSPER_DATA_DIR": str(data_dir), "PYTHONPATH": src},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["audit"]["record_id"] == 1
    assert json.loads(done.stderr.splitlines()[-1]) == []


def test_the_first_screen_of_a_new_data_folder_creates_the_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """No log yet: the sqlite3 writer does not apply, the SQLAlchemy writer creates it; the
    next lean screen appends with sqlite3."""
    first = lean_run(monkeypatch, capsys, "Kim Jong Un", "--json")
    second = lean_run(monkeypatch, capsys, "Kim Jong Un", "--json")
    assert (first.code, second.code) == (0, 0)
    ids = [json.loads(r.out)["audit"]["record_id"] for r in (first, second)]
    assert ids == [1, 2]
    with AuditLog.from_settings(load_settings()) as log:
        assert log.verify().ok


def test_an_interrupted_screen_ends_as_the_typer_app_ends_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(screen_cli, "screen_name", interrupted)
    old = full(monkeypatch, capsys, "Kim Jong Un", "--json")
    new = lean_run(monkeypatch, capsys, "Kim Jong Un", "--json")
    assert new == old
    assert (new.code, new.err) == (130, "")
