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
    # the last active admin key cannot be revoked: make a second one first
    assert runner.invoke(app, ["keys", "create", "--role", "admin"]).exit_code == 0
    revoked = runner.invoke(app, ["keys", "revoke", key_id])
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list"]).stdout
    store = KeyStore.open(f"sqlite:///{data_dir / 'audit.sqlite3'}")
    assert store.authenticate(secret) is None


def test_the_last_admin_key_cannot_be_revoked(db_url: str) -> None:
    from prosper.errors import ConflictError

    store = KeyStore.open(db_url)
    only = store.create(Role.ADMIN, "only")
    with pytest.raises(ConflictError, match="last active admin key") as caught:
        store.revoke(only.key.id)
    assert (caught.value.http_status, caught.value.exit_code) == (409, 2)
    assert store.get(only.key.id).active


def test_two_admins_revoking_each_other_at_once_leave_one(db_url: str) -> None:
    import threading

    from prosper.errors import ConflictError

    store = KeyStore.open(db_url)
    for round_ in range(5):
        a = store.create(Role.ADMIN, f"a{round_}").key.id
        b = store.create(Role.ADMIN, f"b{round_}").key.id
        # revoke every other active admin first, so that a and b are the only two
        for key in store.list(include_revoked=False):
            if key.role is Role.ADMIN and key.id not in (a, b):
                store.revoke(key.id)
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def revoke(
            key_id: str, barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes
        ) -> None:
            barrier.wait()
            try:
                store.revoke(key_id)
                outcomes.append("revoked")
            except ConflictError:
                outcomes.append("refused")

        threads = [threading.Thread(target=revoke, args=(k,)) for k in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        active = [k for k in store.list(include_revoked=False) if k.role is Role.ADMIN]
        assert len(active) == 1, outcomes
        assert sorted(outcomes) == ["refused", "revoked"]
