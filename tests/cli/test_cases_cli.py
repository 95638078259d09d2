"""`prosper parties|alerts|webhooks` through the real entry point, on a small list engine."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cases.helpers import BASE, engine

from prosper import casework, service
from prosper.cli import main

CSV = (
    "id;name;type;countries\n"
    "C-1;Korea Mining Development Trading Corporation;organization;KP\n"
    "C-2;Acme Widgets GmbH;organization;DE\n"
    "C-3;Huawei Technologies Co., Ltd.;organization;CN\n"
)


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PROSPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PROSPER_DB_URL", raising=False)
    monkeypatch.delenv("PROSPER_ACTOR", raising=False)
    monkeypatch.delenv("PROSPER_CASES_ACTOR_FROM_ENV", raising=False)
    small = engine(BASE)
    monkeypatch.setattr(service, "get_engine", lambda settings=None: small)
    yield tmp_path / "data"
    casework.reset_stores()
    service.reset_engines()


def run(args: list[str], capsys: Any, monkeypatch: Any) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["prosper", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_import_screen_decide(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    path = tmp_path / "register.csv"
    path.write_text(CSV, "utf-8")
    code, out, err = run(["parties", "import", str(path)], capsys, monkeypatch)
    assert code == 0, err
    assert "imported 3 rows: 3 new" in out
    assert "screened 3: 2 alerts opened" in out
    code, out, _ = run(["alerts", "list", "--state", "open", "--json"], capsys, monkeypatch)
    alerts = json.loads(out)
    assert sorted(a["party_id"] for a in alerts) == ["C-1", "C-3"]
    komid = next(a for a in alerts if a["party_id"] == "C-1")
    # PROSPER_ACTOR is only a claim: the OS login decides
    monkeypatch.setattr(casework, "os_login", lambda: "alice")
    monkeypatch.setenv("PROSPER_ACTOR", "mallory")
    code, out, err = run(
        ["alerts", "decide", str(komid["id"]), "--as", "true_match", "--reason", "same"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    assert "pending" in out
    assert "mallory" not in out
    # the same (OS) user cannot confirm their own true match
    code, _, err = run(
        ["alerts", "decide", str(komid["id"]), "--as", "true_match", "--reason", "again"],
        capsys,
        monkeypatch,
    )
    assert code == 2
    assert "second reviewer" in err
    # claiming to be someone else does not make a second reviewer
    monkeypatch.setenv("PROSPER_CASES_ACTOR_FROM_ENV", "1")
    monkeypatch.setenv("PROSPER_ACTOR", "bob")
    code, _, err = run(
        ["alerts", "decide", str(komid["id"]), "--as", "true_match", "--reason", "again"],
        capsys,
        monkeypatch,
    )
    assert code == 2
    assert "second reviewer" in err
    monkeypatch.setattr(casework, "os_login", lambda: "carol")
    code, out, err = run(
        ["alerts", "decide", str(komid["id"]), "--as", "true_match", "--reason", "agree"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    assert out.strip() == f"alert {komid['id']}: true_match"
    code, out, _ = run(["alerts", "show", str(komid["id"]), "--json"], capsys, monkeypatch)
    shown = json.loads(out)
    assert [e["action"] for e in shown["events"]] == ["opened", "proposed", "confirmed"]
    assert [e["actor"] for e in shown["events"][1:]] == ["alice", "carol"]
    claims = {}
    for event in shown["events"][1:]:  # the claims are kept, labelled, beside the actor
        code, out, _ = run(["audit", "show", str(event["audit_id"]), "--json"], capsys, monkeypatch)
        record = json.loads(out)
        claims[record["actor"]] = record["input"]["claimed_actor"]
    assert claims == {"alice": "mallory", "carol": "bob"}
    assert shown["entry"]["name"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    code, out, _ = run(["audit", "verify"], capsys, monkeypatch)
    assert code == 0


def test_bad_rows_import_nothing(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    path = tmp_path / "register.csv"
    path.write_text("id,name,countries\nA,Good,KR\nB,Bad,XX\n", "utf-8")
    code, out, err = run(["parties", "import", str(path)], capsys, monkeypatch)
    assert code == 2
    assert "error: row 3: countries: unknown country code 'XX'" in err
    assert "nothing imported: 1 of 2 rows have errors" in err
    code, out, _ = run(["parties", "list", "--json"], capsys, monkeypatch)
    assert json.loads(out)["total"] == 0


def test_export_round_trips(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    path = tmp_path / "register.csv"
    path.write_text(CSV, "utf-8")
    assert run(["parties", "import", "--no-screen", str(path)], capsys, monkeypatch)[0] == 0
    out_file = tmp_path / "export.csv"
    code, _, err = run(["parties", "export", "-o", str(out_file)], capsys, monkeypatch)
    assert code == 0, err
    code, out, _ = run(["parties", "import", "--json", str(out_file)], capsys, monkeypatch)
    assert json.loads(out)["unchanged"] == 3
    code, out, _ = run(["parties", "show", "C-2", "--json"], capsys, monkeypatch)
    assert json.loads(out)["countries"] == ["DE"]
    code, _, err = run(["parties", "show", "NOPE"], capsys, monkeypatch)
    assert code == 2
    assert "no party 'NOPE'" in err


def test_bad_options_are_one_line(capsys: Any, monkeypatch: Any) -> None:
    code, _, err = run(["alerts", "list", "--state", "weird"], capsys, monkeypatch)
    assert code == 2
    assert "unknown state 'weird'" in err
    code, _, err = run(
        ["alerts", "decide", "1", "--as", "maybe", "--reason", "x"], capsys, monkeypatch
    )
    assert code == 2
    code, _, err = run(["alerts", "report", "--from", "yesterday"], capsys, monkeypatch)
    assert code == 2
    assert "--from" in err
    code, _, err = run(["webhooks", "add", "ftp://x"], capsys, monkeypatch)
    assert code == 2


def test_full_rescreen_and_report(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    path = tmp_path / "register.csv"
    path.write_text(CSV, "utf-8")
    assert run(["parties", "import", "--no-screen", str(path)], capsys, monkeypatch)[0] == 0
    code, out, err = run(["parties", "rescreen", "--json"], capsys, monkeypatch)
    assert code == 0, err
    result = json.loads(out)
    assert (result["screened"], result["opened"]) == (3, 2)
    code, out, _ = run(["alerts", "report", "--format", "csv"], capsys, monkeypatch)
    assert "by_state,open,2" in out
    code, out, _ = run(["alerts", "report"], capsys, monkeypatch)
    assert json.loads(out)["by_list"] == {"us_csl": 1, "us_ofac_sdn": 1}


def test_screens_are_on_the_record_unless_dry_run(capsys: Any, monkeypatch: Any) -> None:
    import prosper.cli.screen_name as screen_cli

    small = engine(BASE)
    monkeypatch.setattr(screen_cli, "_load", lambda settings: (small.snapshot, small.index))
    code, out, err = run(["screen", "Rosoboronexport", "--json"], capsys, monkeypatch)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["hits"][0]["entity_id"] == "us_ofac_sdn:3"
    record_id = doc["audit"]["record_id"]
    code, out, _ = run(["audit", "show", str(record_id), "--json"], capsys, monkeypatch)
    record = json.loads(out)
    assert record["kind"] == "screen"
    assert record["input"]["query"]["name"] == "Rosoboronexport"
    assert record["output"]["result_digest"].startswith("sha256:")
    assert record["versions"]["lists"]["us_ofac_sdn"] == "sha256:us_ofac_sdn-v1"
    assert "claimed_actor" not in record["input"]
    # a claimed name is recorded beside the OS login, never in its place
    monkeypatch.setenv("PROSPER_ACTOR", "someone-else")
    code, out, err = run(["screen", "Rosoboronexport", "--json"], capsys, monkeypatch)
    assert code == 0, err
    record_id = json.loads(out)["audit"]["record_id"]
    code, out, _ = run(["audit", "show", str(record_id), "--json"], capsys, monkeypatch)
    claimed = json.loads(out)
    assert claimed["input"]["claimed_actor"] == "someone-else"
    assert claimed["actor"] == record["actor"] != "someone-else"
    monkeypatch.delenv("PROSPER_ACTOR")
    code, out, err = run(["screen", "Rosoboronexport", "--json", "--dry-run"], capsys, monkeypatch)
    assert code == 0
    assert json.loads(out)["dry_run"] is True
    assert "audit" not in json.loads(out)
    assert "not part of the official record" in err
    code, out, _ = run(["audit", "list", "--json"], capsys, monkeypatch)
    assert len(json.loads(out)["records"]) == 2  # the dry run wrote nothing


def test_check_dry_run(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    tx = tmp_path / "tx.yaml"
    tx.write_text(
        "id: PO-9\norigin_country: KR\ndestination_country: DE\n"
        "parties:\n  - {role: end_user, name: Acme Widgets GmbH, country: DE}\n",
        "utf-8",
    )
    code, out, err = run(["check", str(tx), "--dry-run"], capsys, monkeypatch)
    assert code == 0, err
    assert "DRY RUN" in out
    assert "not part of the official record" in err
    code, out, _ = run(["audit", "list", "--json"], capsys, monkeypatch)
    assert json.loads(out)["records"] == []
