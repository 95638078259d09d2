"""Each input defect of issue 13, replayed: one line naming the field, exit 2 / HTTP 422.

The CLI cases that fail before any list is loaded run ``python -m prosper`` in a subprocess,
so what is checked is what a user sees: the exit code and stderr, with no traceback. The rest
run in process on one shared data folder (the engine and its index are built once).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prosper.api import ApiLimits, create_app
from prosper.cli import app as cli_app
from prosper.errors import ProsperError
from prosper.keys import KeyStore, Role
from prosper.service import reset_engines
from prosper.settings import load_settings

NESTED = "parties: " + "[" * 600 + "]" * 600 + "\n"
HUGE = "items: [{description: chip, kind: hbm, quantity: 1" + "0" * 4_400 + "}]\n"


def _alias_bomb() -> str:
    """About 200 KB of YAML whose aliases would expand to millions of parties."""
    lines = ["p: &p0 {name: Kim Jong Un}", "l0: &l0 [*p0, *p0, *p0, *p0, *p0, *p0, *p0, *p0]"]
    lines += [f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]" for i in range(1, 12)]
    body = "\n".join(lines) + "\nparties: ["
    body += ", ".join(["*l11"] * ((200_000 - len(body)) // 7)) + "]\n"
    return body


# ------------------------------------------------------------------ the CLI as a user runs it


def _prosper(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROSPER_DATA_DIR": str(data_dir), "PROSPER_ACTOR": "defects"}
    env.pop("PROSPER_DB_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "prosper", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("nesting of 600 levels", NESTED, "TRANSACTION: nested deeper than 32 levels"),
        ("non-UTF-8 file", "parties: [{name: 김정은}]\n".encode("cp949"), "TRANSACTION: not UTF-8"),
        ("as_of: 2026-02-30", "as_of: 2026-02-30\n", "as_of: not a real date"),
        ("a 4,401-digit integer", HUGE, "items[0].quantity: a number of 4401 digits"),
        ("tpp: yes", "items: [{description: c, kind: hbm, tpp: yes}]\n", "items[0].tpp:"),
        ("die_area_mm2: true", "items: [{description: c, kind: hbm, die_area_mm2: true}]\n", ""),
        ("dob 1984-02-30", 'parties: [{name: Kim, dob: "1984-02-30"}]\n', "parties[0].dob:"),
        ("200 KB alias bomb", _alias_bomb(), "TRANSACTION: anchors and aliases"),
    ],
)
def test_check_refuses_with_one_line(
    tmp_path: Path, name: str, body: str | bytes, field: str
) -> None:
    path = tmp_path / "tx.yaml"
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    started = time.perf_counter()
    result = _prosper(["check", str(path)], tmp_path / "data")
    assert result.returncode == 2, (name, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: " + (field or "items[0].die_area_mm2:")), lines[0]
    assert time.perf_counter() - started < 60


def test_screen_country_xx_is_refused(tmp_path: Path) -> None:
    result = _prosper(["screen", "Kim Jong Un", "--country", "XX"], tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: --country: unknown country code 'XX' (ISO 3166-1 alpha-2 expected)"
    )


# ------------------------------------------------------------------ in process, real engine


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("prosper-defects")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROSPER_DATA_DIR", str(folder))
        mp.delenv("PROSPER_DB_URL", raising=False)
        mp.setenv("PROSPER_ACTOR", "defects")
        yield folder
    reset_engines()


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, list(args))
    exc = result.exception
    if isinstance(exc, ProsperError):
        return exc.exit_code, result.stdout, str(exc)
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc
    return result.exit_code, result.stdout, ""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_cp949_csv_is_screened(env: Path) -> None:
    """A CP949 CSV (Korean Excel's default) crashed ``screen --file``; now Kim is found."""
    src, out = env / "cp949.csv", env / "cp949-out.csv"
    rows = [("번호", "name", "country")] + [(str(i), f"거래처 {i}", "KR") for i in range(20)]
    rows.append(("99", "Kim Jong Un", "KP"))
    src.write_bytes("".join(",".join(r) + "\r\n" for r in rows).encode("cp949"))
    code, _, error = _cli("screen", "--file", str(src), "--output", str(out))
    assert code == 0, error
    got = _rows(out)
    assert got[0]["name"] == "거래처 0"
    assert got[-1]["match"] == "True"


def test_unterminated_quote_stops_before_screening(env: Path) -> None:
    """It merged the rest of the file into one name (Kim Jong Un unscreened, exit 0)."""
    src, out = env / "quote.csv", env / "quote-out.csv"
    src.write_text('name,country\nAcme,KR\n"Acme Trading,CN\nKim Jong Un,KP\n', "utf-8")
    code, _, error = _cli("screen", "--file", str(src), "--output", str(out))
    assert code == 2
    assert error == '--file: line 3: a quoted field is never closed (unterminated ")'
    assert not out.exists()


def test_existing_output_is_not_overwritten(env: Path) -> None:
    src, out = env / "plain.csv", env / "plain-out.csv"
    src.write_text("name\nKim Jong Un\n", "utf-8")
    out.write_text("yesterday's results\n", "utf-8")
    code, _, error = _cli("screen", "--file", str(src), "--output", str(out))
    assert code == 2
    assert error.startswith("--output:")
    assert out.read_text("utf-8") == "yesterday's results\n"
    assert _cli("screen", "--file", str(src), "--output", str(out), "--force")[0] == 0
    assert _rows(out)[0]["match"] == "True"


def test_resume_after_a_cut_inside_a_multiline_name(env: Path) -> None:
    """It lost up to 14 rows; now the resumed output equals an uninterrupted run."""
    src, full, out = env / "multi.csv", env / "multi-full.csv", env / "multi-out.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name"])
        for i in range(20):
            writer.writerow([i, f"Trading\nHouse {i}\nLtd" if i % 3 else "Kim Jong Un"])
    assert _cli("screen", "--file", str(src), "--output", str(full))[0] == 0
    complete = full.read_bytes()
    for cut in (complete.index(b"House 4") + 3, complete.index(b"House 13\n") + 9):
        out.write_bytes(complete[:cut])
        code, _, error = _cli("screen", "--file", str(src), "--output", str(out), "--resume")
        assert code == 0, error
        assert out.read_bytes() == complete


def test_norway_stays_norway(env: Path) -> None:
    path = env / "no.yaml"
    path.write_text("as_of: 2026-11-27\ndestination_country: NO\n", "utf-8")
    code, stdout, error = _cli("check", str(path), "--json")
    assert code == 0, error
    record = json.loads(stdout)["audit"]["record_id"]
    shown = json.loads(_cli("audit", "show", str(record), "--json")[1])
    assert shown["input"]["destination_country"] == "NO"


# ------------------------------------------------------------------ the HTTP API


@pytest.fixture(scope="module")
def api(env: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app_settings = load_settings()
    store = KeyStore.open(app_settings.db_url)
    key = store.create(Role.SCREENER, "defects").secret
    app = create_app(app_settings, key_store=store, limits=ApiLimits(rate_per_minute=1e9))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, {"X-API-Key": key}


def _post(
    api: tuple[TestClient, dict[str, str]], path: str, body: str | bytes, kind: str, **params: Any
) -> Any:
    client, headers = api
    data = body.encode("utf-8") if isinstance(body, str) else body
    return client.post(
        path, content=data, headers={**headers, "Content-Type": kind}, params=params or None
    )


@pytest.mark.parametrize(
    ("body", "kind", "field"),
    [
        (NESTED, "application/yaml", "body"),
        ('{"parties": ' + "[" * 600 + "]" * 600 + "}", "application/json", "parties[0][0]"),
        ("parties: [{name: 김정은}]\n".encode("cp949"), "application/yaml", "body"),
        ("as_of: 2026-02-30\n", "application/yaml", "as_of"),
        ('{"as_of": "2026-02-30"}', "application/json", "as_of"),
        (HUGE, "application/yaml", "items[0].quantity"),
        (
            '{"items": [{"description": "c", "kind": "hbm", "quantity": 1' + "0" * 4400 + "}]}",
            "application/json",
            "items[0].quantity",
        ),
        ("items: [{description: c, kind: hbm, tpp: yes}]\n", "application/yaml", "items[0].tpp"),
        (
            '{"items": [{"description": "c", "kind": "hbm", "die_area_mm2": true}]}',
            "application/json",
            "items[0].die_area_mm2",
        ),
        (
            '{"parties": [{"name": "Kim", "dob": "1984-02-30"}]}',
            "application/json",
            "parties[0].dob",
        ),
        (
            '{"parties": [{"name": "Acme", "country": "XX"}]}',
            "application/json",
            "parties[0].country",
        ),
    ],
)
def test_api_check_refuses_with_422(
    api: tuple[TestClient, dict[str, str]], body: str | bytes, kind: str, field: str
) -> None:
    response = _post(api, "/v1/check", body, kind)
    assert response.status_code == 422, response.text
    assert response.json()["field"].startswith(field), response.json()


def test_api_alias_bomb_is_refused_at_once(api: tuple[TestClient, dict[str, str]]) -> None:
    """200 KB expanding to 50,000 parties took 37 s and wrote a 51 MB audit record."""
    before = api[0].get("/v1/audit", headers=api[1])
    started = time.perf_counter()
    response = _post(api, "/v1/check", _alias_bomb(), "application/yaml")
    assert time.perf_counter() - started < 5
    assert response.status_code == 422
    assert "aliases" in response.json()["message"]
    after = api[0].get("/v1/audit", headers=api[1])
    if before.status_code == 200:  # a screener may not list the log; then nothing to compare
        assert after.json()["records"] == before.json()["records"]


def test_api_party_limit(api: tuple[TestClient, dict[str, str]]) -> None:
    body = json.dumps({"parties": [{"name": f"P{i}"} for i in range(1_001)]})
    response = _post(api, "/v1/check", body, "application/json")
    # the server's own cap (PROSPER_API_MAX_PARTIES, 500 names) refuses it before the
    # document limit (PROSPER_MAX_PARTIES, 1,000 parties) would
    assert response.status_code == 413
    assert response.json()["field"] == "parties"
    assert "PROSPER_API_MAX_PARTIES" in response.json()["message"]


@pytest.mark.parametrize("as_of", ["0", "2026-02-30", "20261127"])
def test_api_as_of_query_is_a_real_date(api: tuple[TestClient, dict[str, str]], as_of: str) -> None:
    """``?as_of=0`` was 1970-01-01 and was recorded."""
    body = '{"parties": [{"name": "Acme", "country": "KR"}]}'
    response = _post(api, "/v1/check", body, "application/json", as_of=as_of)
    assert response.status_code == 422
    assert response.json()["field"] == "as_of"
    response = _post(
        api, "/v1/classify", '{"description": "c", "kind": "hbm"}', "application/json", as_of=as_of
    )
    assert response.status_code == 422


def test_api_rules_as_of_is_a_real_date(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    assert client.get("/v1/rules", params={"as_of": "2026-11-27"}, headers=headers).is_success
    response = client.get("/v1/rules", params={"as_of": "0"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "as_of"


def test_api_yaml_no_is_norway(api: tuple[TestClient, dict[str, str]]) -> None:
    body = "as_of: 2026-11-27\ndestination_country: NO\n"
    response = _post(api, "/v1/check", body, "application/yaml")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"name": "Kim Jong Un", "countries": ["XX"]}, "countries[0]"),
        ({"name": "Kim Jong Un", "dob": "1984-02-30"}, "dob"),
        ({"name": "Kim Jong Un", "threshold": True}, "threshold"),
        ({"name": "Kim Jong Un", "limit": True}, "limit"),
    ],
)
def test_api_screen_validates_like_the_cli(
    api: tuple[TestClient, dict[str, str]], query: dict[str, Any], field: str
) -> None:
    response = _post(api, "/v1/screen", json.dumps(query), "application/json")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
