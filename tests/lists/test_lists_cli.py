"""`prosper lists show|update|diff` from the command line, including every error path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prosper.cli import app, main
from prosper.lists.snapshot import CURRENT

runner = CliRunner()


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run the console entry point (which maps errors to exit codes); return the exit code."""
    monkeypatch.setattr("sys.argv", ["prosper", *args])
    try:
        main()
    except SystemExit as exc:
        return 0 if exc.code is None else int(exc.code)
    return 0


ORIGINAL_SOURCES = {"us_ofac_sdn", "us_ofac_cons", "un_sc", "us_bis_dpl", "us_csl"}
ANY = ("--allow-older", "--allow-shrink")  # small test files over the larger, newer default


def test_show_embedded(data_dir: Path) -> None:
    result = runner.invoke(app, ["lists", "show"])
    assert result.exit_code == 0, result.output
    assert "list snapshot: embedded" in result.stdout
    assert "us_ofac_sdn" in result.stdout
    assert "sha256:" in result.stdout
    assert "warning: us_ofac_sdn: data published " in result.stderr
    assert "embedded default" in result.stderr
    assert "update it with `prosper lists update`" in result.stderr


def test_show_json(data_dir: Path) -> None:
    result = runner.invoke(app, ["lists", "show", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["snapshot"] == "embedded"
    by_source = {s["source"]: s for s in doc["sources"]}
    assert set(by_source) >= ORIGINAL_SOURCES
    sdn = by_source["us_ofac_sdn"]
    assert sdn["entity_count"] > 15_000
    assert sdn["stale"] is True
    assert sdn["origin"] == "embedded"
    assert sdn["version"].startswith("sha256:")
    assert len(doc["warnings"]) == len(by_source)  # embedded data is always old


def test_update_and_show_installed(data_dir: Path, lists_dir: Path) -> None:
    un = str(lists_dir / "un_sc_consolidated_2026-02-27")
    refused = runner.invoke(app, ["lists", "update", "--from", un])
    assert refused.exit_code == 2
    assert "error: un_sc: the new data (2026-02-27, 1,003 entities) is older than" in refused.stderr
    result = runner.invoke(app, ["lists", "update", "--from", un, "--allow-older"])
    assert result.exit_code == 0, result.output
    assert "installed" in result.stdout
    assert "un_sc (2026-08-01 -> 2026-02-27): +" in result.stdout
    assert "reading un_sc" in result.stderr  # progress on stderr
    shown = json.loads(runner.invoke(app, ["lists", "show", "--json"]).stdout)
    assert shown["snapshot"].startswith(str(data_dir / "lists"))
    origins = {s["source"]: s["origin"] for s in shown["sources"]}
    assert origins["un_sc"] == "installed"
    assert origins["us_ofac_sdn"] == "embedded"


def test_update_json_with_delta(data_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    shutil.copy(fixtures_dir / "dpl_bad_rows.txt", folder / "dpl.txt")
    result = runner.invoke(app, ["lists", "update", "--from", str(folder), "--json", *ANY])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["updated"] == ["us_bis_dpl"]
    assert doc["problem_counts"] == {"us_bis_dpl": 3}
    (delta,) = doc["delta"]
    assert delta["source"] == "us_bis_dpl"
    assert delta["added"] == 1  # BAD DATE PERSON
    assert delta["examples"]["added"][0]["name"] == "BAD DATE PERSON"
    assert delta["removed"] > 500  # the embedded DPL has hundreds of entries, the file 4
    assert delta["new_version"] == doc["versions"]["us_bis_dpl"]


def test_diff_default_and_json(data_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["lists", "diff"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("unchanged") == len(json.loads(_show())["sources"])
    folder = tmp_path / "new"
    folder.mkdir()
    shutil.copy(fixtures_dir / "un_bad_entry.xml", folder / "consolidated.xml")
    runner.invoke(app, ["lists", "update", "--from", str(folder), *ANY])
    doc = json.loads(runner.invoke(app, ["lists", "diff", "--json"]).stdout)
    assert doc["from"] == "embedded"
    assert doc["to"] == "current"
    un = next(d for d in doc["delta"] if d["source"] == "un_sc")
    assert un["new_published"] == "2026-03-01"
    assert (un["added"], un["changed"]) == (0, 2)
    text = runner.invoke(app, ["lists", "diff"]).stdout
    assert f"-{un['removed']} removed, ~2 changed" in text
    assert "~ RI WON HO (un_sc:KPi.033)" in text
    back = json.loads(
        runner.invoke(
            app, ["lists", "diff", "--from", "current", "--to", "embedded", "--json"]
        ).stdout
    )
    un_back = next(d for d in back["delta"] if d["source"] == "un_sc")
    assert (un_back["added"], un_back["removed"]) == (un["removed"], 0)


def _show() -> str:
    return runner.invoke(app, ["lists", "show", "--json"]).stdout


def test_diff_official_files(data_dir: Path, lists_dir: Path) -> None:
    """A folder of official files is a side too; only the sources on both sides compare."""
    folder = str(lists_dir / "us_ofac_non_sdn_2025-12")
    assert runner.invoke(app, ["lists", "update", "--from", folder, *ANY]).exit_code == 0
    result = runner.invoke(app, ["lists", "diff", "--from", "current", "--to", folder, "--json"])
    assert result.exit_code == 0, result.output
    (delta,) = json.loads(result.stdout)["delta"]
    assert delta["source"] == "us_ofac_cons"
    assert (delta["added"], delta["removed"], delta["changed"]) == (0, 0, 0)


def test_error_missing_folder(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = _main(monkeypatch, "lists", "update", "--from", str(tmp_path / "nope"))
    err = capsys.readouterr().err
    assert code == 2
    assert f"error: {tmp_path / 'nope'}: no such file or folder" in err
    assert not (data_dir / "lists" / CURRENT).exists()


def test_error_malformed_file(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "dpl.txt").write_text("this is not the list\n", encoding="utf-8")
    code = _main(monkeypatch, "lists", "update", "--from", str(tmp_path / "dpl.txt"), "--json")
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "error: dpl.txt: not a Denied Persons List file" in err
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1
    assert not (data_dir / "lists" / CURRENT).exists()


def test_error_shrinking_source(
    data_dir: Path,
    fixtures_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A file with far fewer entries than the current list (a cut download) is refused."""
    (tmp_path / "dpl.txt").write_bytes((fixtures_dir / "dpl_bad_rows.txt").read_bytes())
    code = _main(
        monkeypatch, "lists", "update", "--from", str(tmp_path / "dpl.txt"), "--allow-older"
    )
    assert code == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert len(err) == 1
    assert err[0].startswith("error: us_bis_dpl: the new data (2022-08-29, 4 entities) drops ")
    assert err[0].endswith("(use --allow-shrink to install it anyway)")
    assert not (data_dir / "lists" / CURRENT).exists()


def test_error_unreachable_url(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _main(monkeypatch, "lists", "update", "--from", "http://127.0.0.1:9/sdn.csv")
    assert code == 2
    assert "error: http://127.0.0.1:9/sdn.csv: download failed" in capsys.readouterr().err


def test_error_usage_and_bad_diff_side(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(monkeypatch, "lists", "update", "--wait", "-1") == 2
    capsys.readouterr()
    assert _main(monkeypatch, "lists", "diff", "--from", "/no/such/snapshot") == 2
    assert "no such snapshot, file or folder" in capsys.readouterr().err


def test_error_corrupt_installed_snapshot(
    data_dir: Path,
    lists_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dpl = str(lists_dir / "us_bis_dpl_2023-11")
    assert _main(monkeypatch, "lists", "update", "--from", dpl, *ANY) == 0
    (data_dir / "lists" / CURRENT).write_text("20000101T000000000000Z\n", encoding="utf-8")
    assert _main(monkeypatch, "lists", "show") == 2
    assert "no snapshot manifest there" in capsys.readouterr().err


def test_update_without_from_uses_the_official_urls(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No --from: every source from its official URL (here a mirror on 127.0.0.1, as
    PROSPER_LISTS_MIRROR allows); a source that fails keeps its data, one line, exit 2."""
    from tests.reliability.conftest import FaultServer

    with FaultServer() as server:
        server.serve_official()
        monkeypatch.setenv("PROSPER_LISTS_MIRROR", server.base)
        monkeypatch.setenv("PROSPER_LISTS_DEADLINE", "10")
        assert _main(monkeypatch, "lists", "update", *ANY, "--json") == 0
        first = json.loads(capsys.readouterr().out)
        assert first["installed"] is True
        assert first["failed"] == first["refused"] == []
        assert {"us_ofac_sdn", "un_sc", "us_bis_dpl"} <= set(first["updated"])
        server.routes["dpl.txt"].fault = "404"
        assert _main(monkeypatch, "lists", "update", *ANY) == 2
        out, err = capsys.readouterr()
        assert "nothing new" in out
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1
        assert errors[0].startswith("error: us_bis_dpl: ")
        assert "HTTP 404" in errors[0]
    shown = json.loads(runner.invoke(app, ["lists", "show", "--json"]).stdout)
    dpl = next(s for s in shown["sources"] if s["source"] == "us_bis_dpl")
    assert dpl["entity_count"] == 4  # the last good data
