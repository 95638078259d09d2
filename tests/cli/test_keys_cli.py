"""`prosper keys create|list|revoke` through the real entry point: the last admin key stays."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from prosper.cli import main


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROSPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PROSPER_DB_URL", raising=False)
    return tmp_path / "data"


def run(args: list[str], capsys: Any, monkeypatch: Any) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["prosper", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def create(role: str, capsys: Any, monkeypatch: Any) -> str:
    code, out, err = run(["keys", "create", "--role", role, "--json"], capsys, monkeypatch)
    assert code == 0, err
    key_id: str = json.loads(out)["id"]
    return key_id


def test_the_last_admin_key_cannot_be_revoked(capsys: Any, monkeypatch: Any) -> None:
    first = create("admin", capsys, monkeypatch)
    screener = create("screener", capsys, monkeypatch)
    code, out, err = run(["keys", "revoke", first], capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert err == (
        f"error: id: key {first} is the last active admin key: create another admin key first\n"
    )
    assert run(["keys", "revoke", screener], capsys, monkeypatch)[0] == 0
    second = create("admin", capsys, monkeypatch)
    code, out, _ = run(["keys", "revoke", first], capsys, monkeypatch)
    assert code == 0
    assert f"revoked key {first}" in out
    assert run(["keys", "revoke", second], capsys, monkeypatch)[0] == 2
    code, out, _ = run(["keys", "list", "--json"], capsys, monkeypatch)
    active = {k["id"] for k in json.loads(out) if k["revoked_at"] is None}
    assert active == {second}
