"""API keys: shown once, stored as a digest, compared in constant time, revocable."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from prosper.cli import app
from prosper.errors import InputError, NotFoundError
from prosper.keys import KeyStore, Role, digest_key


def test_key_round_trip_and_hashing(db_url: str) -> None:
    store = KeyStore.open(db_url)
    new = store.create(Role.REVIEWER, "auditor")
    assert new.secret.startswith(f"psk_{new.key.id}_")
    found = store.authenticate(new.secret)
    assert found is not None
    assert (found.id, found.name, found.role) == (new.key.id, "auditor", Role.REVIEWER)
    assert found.actor == f"key:{new.key.id}:auditor"
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM prosper_api_keys")).mappings().all()
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0].values())
    assert new.secret not in stored
    assert rows[0]["digest"] == digest_key(new.secret)


def test_wrong_malformed_and_revoked_keys_fail(db_url: str) -> None:
    store = KeyStore.open(db_url)
    new = store.create("screener")
    assert store.authenticate(new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B")) is None
    assert store.authenticate("") is None
    assert store.authenticate("psk_zz_") is None
    assert store.authenticate(f"psk_{'0' * 8}_{'x' * 43}") is None
    store.revoke(new.key.id)
    assert store.authenticate(new.secret) is None
    assert not store.get(new.key.id).active
    with pytest.raises(NotFoundError):
        store.revoke("nope")
    with pytest.raises(InputError, match="role"):
        store.create("root")


def test_roles_nest() -> None:
    assert Role.ADMIN.allows(Role.REVIEWER)
    assert Role.REVIEWER.allows(Role.SCREENER)
    assert not Role.SCREENER.allows(Role.REVIEWER)
    assert not Role.REVIEWER.allows(Role.ADMIN)


def test_cli_create_list_revoke(data_dir: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "admin", "--name", "ops"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    assert secret.startswith("psk_")
    listed = runner.invoke(app, ["keys", "list"])
    assert "ops" in listed.stdout
    assert secret not in listed.stdout
    key_id = secret.split("_")[1]
    revoked = runner.invoke(app, ["keys", "revoke", key_id])
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list"]).stdout
    store = KeyStore.open(f"sqlite:///{data_dir / 'audit.sqlite3'}")
    assert store.authenticate(secret) is None
