"""`prosper screen` and `prosper match` from the command line: output and every error path."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from prosper.cli import main
from prosper.cli import screen_name as screen_cli
from prosper.model import Alias, Entity, EntityType
from prosper.screening.index import ScreeningIndex

ENTITIES = (
    Entity(
        "us_ofac_sdn:20157",
        "us_ofac_sdn",
        "SDN",
        EntityType.PERSON,
        "KIM, Jong Un",
        countries=("KP",),
        programs=("DPRK3",),
    ),
    Entity(
        "un_sc:KPi.076",
        "un_sc",
        "UN",
        EntityType.PERSON,
        "RI PYONG CHUL",
        aliases=(Alias("Ri Pyong Chol"),),
    ),
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
    entities: tuple[Entity, ...]

    def versions(self) -> dict[str, str]:
        return {s.source: s.version for s in self.sources}


_SDN = _Source("us_ofac_sdn", "sha256:aa", "2024-07-02")
_INDEX = ScreeningIndex.build(ENTITIES)


@pytest.fixture(autouse=True)
def small_lists(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    snap = _Snapshot(
        (_Source("us_ofac_sdn", "sha256:aa", "2024-07-02"), _Source("un_sc", "sha256:bb", "2026")),
        ENTITIES,
    )
    index = ScreeningIndex.build(ENTITIES)
    monkeypatch.setattr(screen_cli, "_load", lambda settings: (snap, index))


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["prosper", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_screen_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, "screen", "Kim Jong Un", "--json", "--country", "kp") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["query"]["countries"] == ["KP"]
    assert doc["threshold"] == 0.8
    assert doc["lists"][0] == {
        "source": "us_ofac_sdn",
        "version": "sha256:aa",
        "published": "2024-07-02",
        "origin": "embedded",
        "status": None,  # the fake source does not say official or derived
    }
    hit = doc["hits"][0]
    assert hit["entity_id"] == "us_ofac_sdn:20157"
    assert hit["match"] is True
    assert [e["feature"] for e in hit["explanation"]][:2] == ["name_match", "country_match"]


def test_screen_warns_about_stale_lists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list older than its allowed age: one line per list on stderr and in --json."""
    monkeypatch.setenv("PROSPER_LISTS_MAX_AGE_DAYS", "30")  # the packaged default, unpinned
    assert run(monkeypatch, "screen", "Kim Jong Un", "--json") == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    sdn = [w for w in doc["warnings"] if w.startswith("us_ofac_sdn was published 2024-07-02: ")]
    assert len(sdn) == 1
    assert "(allowed 30)" in sdn[0]
    assert any(w.startswith("un_sc states no publication date") for w in doc["warnings"])
    assert f"warning: {sdn[0]}" in captured.err
    assert doc["hits"][0]["entity_id"] == "us_ofac_sdn:20157"  # the hits are unchanged
    # the table output warns on stderr too
    assert run(monkeypatch, "screen", "Kim Jong Un") == 0
    assert "warning: us_ofac_sdn was published 2024-07-02" in capsys.readouterr().err


def test_screen_has_no_warnings_when_lists_are_fresh(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROSPER_LISTS_MAX_AGE_DAYS", "us_ofac_sdn=100000,un_sc=0,*=0")
    monkeypatch.setattr(
        screen_cli, "_load", lambda settings: (_Snapshot((_SDN,), ENTITIES), _INDEX)
    )
    assert run(monkeypatch, "screen", "Kim Jong Un", "--json") == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] == []
    assert "warning" not in captured.err


def test_screen_table(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, "screen", "Lee Byung-chul") == 0
    out = capsys.readouterr().out
    assert "RI PYONG CHUL" in out
    assert "MATCH" in out
    assert run(monkeypatch, "screen", "Samsung Electronics") == 0
    assert "no match" in capsys.readouterr().out


def test_screen_source_and_threshold(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("screen", "Ri Pyong Chol", "--json", "--source", "us_ofac_sdn", "--threshold", "0.5")
    assert run(monkeypatch, *args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["threshold"] == 0.5
    assert all(h["source"] == "us_ofac_sdn" for h in doc["hits"])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("screen", "x", "--type", "robot"), "--type"),
        (("screen", "x", "--dob", "1984-13-01"), "--dob"),
        (("screen", "x", "--threshold", "1.5"), "--threshold"),
        (("screen", "x", "--country", "Korea"), "--country"),
        (("screen", "x", "--source", "eu_fsf"), "--source"),
        (("screen", "x", "--limit", "0"), "--limit"),
        (("screen",), "NAME"),
        (("screen", "--file", "missing.csv", "--output", "o.csv"), "--file"),
        (("match", "only one"), "NAME_B"),
        (("match", "a", "b", "--type", "robot"), "--type"),
        (("match", "--pairs", "missing.csv", "--output", "o.csv"), "--pairs"),
    ],
)
def test_errors_exit_2_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: Any, field: str
) -> None:
    assert run(monkeypatch, *args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {field}:"), err
    assert len(err.splitlines()) == 1


def test_screen_file_with_progress_and_resume(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("name,id\nKim Jong Un,1\n,2\nJohn Smith,3\n", "utf-8")
    assert run(monkeypatch, "screen", "--file", str(src), "--output", str(out)) == 0
    first = out.read_text("utf-8")
    assert "us_ofac_sdn:20157" in first
    assert "name: empty name" in first
    assert "screened 3 rows" in capsys.readouterr().err
    args = ("screen", "--file", str(src), "--output", str(out), "--resume")
    assert run(monkeypatch, *args) == 0
    assert out.read_text("utf-8") == first
    assert "(3 already done)" in capsys.readouterr().err


def test_screen_file_unknown_column(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("full_name\nKim\n", "utf-8")
    assert run(monkeypatch, "screen", "--file", str(src), "--output", str(tmp_path / "o.csv")) == 2
    assert capsys.readouterr().err.startswith("error: name:")
    assert run(monkeypatch, "screen", "--file", str(src)) == 2


def test_match_pair(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(monkeypatch, "match", "리병철", "RI Pyong Chol", "--type", "person", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["match"] is True
    assert "romanization" in doc["explanation"][0]["detail"]
    assert doc["ofac_score"] == 0.0  # OFAC's tool does not read Hangul
    assert run(monkeypatch, "match", "George Bush", "George Habbash") == 0
    assert "no match" in capsys.readouterr().out


def test_match_pairs_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src, out = tmp_path / "p.csv", tmp_path / "o.csv"
    src.write_text('name1,name2\nKim Jong Un,"KIM, Jong Un"\n', "utf-8")
    assert run(monkeypatch, "match", "--pairs", str(src), "--output", str(out)) == 0
    assert "score" in out.read_text("utf-8").splitlines()[0]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", "utf-8")
    assert run(monkeypatch, "match", "--pairs", str(bad), "--output", str(out)) == 2
    assert capsys.readouterr().err.strip().endswith("the input has no 'name1' column")


@pytest.mark.slow
def test_real_lists_kim_jong_un_json(tmp_path: Path) -> None:
    env = {"PROSPER_DATA_DIR": str(tmp_path), "PATH": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "prosper", "screen", "Kim Jong Un", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    top = doc["hits"][0]
    assert top["entity_id"] == "us_ofac_sdn:20157"
    assert top["match"] is True
    assert top["explanation"]
    assert {s["source"] for s in doc["lists"]} >= {"us_ofac_sdn", "un_sc"}
