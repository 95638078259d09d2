"""`prosper keys` commands: create, list and revoke the API keys of `prosper serve`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # the key store (SQLAlchemy) loads when a command runs, not for --help
    from prosper.keys import ApiKey, KeyStore

keys_app = typer.Typer(
    help="API keys for `prosper serve` (stored hashed in the audit database).",
    no_args_is_help=True,
)


def _store() -> KeyStore:
    from prosper.keys import KeyStore
    from prosper.settings import load_settings

    return KeyStore.open(load_settings().db_url)


def _as_json(key: ApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role.value,
        "created_at": key.created_at.isoformat(),
        "revoked_at": None if key.revoked_at is None else key.revoked_at.isoformat(),
    }


@keys_app.command("create")
def create_key(
    role: str = typer.Option(..., "--role", help="screener, reviewer or admin"),
    name: str | None = typer.Option(None, "--name", help="who or what uses the key"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Create a key and print it once: it is stored only as a hash and cannot be shown again."""
    from prosper.keys import parse_role

    new = _store().create(parse_role(role), name)
    if as_json:
        typer.echo(json.dumps({**_as_json(new.key), "key": new.secret}))
        return
    typer.echo(new.secret)
    typer.echo(
        f"created key {new.key.id} ({new.key.role.value}, name {new.key.name!r}); "
        "store it now: it is not shown again",
        err=True,
    )


@keys_app.command("list")
def list_keys(
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """List keys (id, name, role, created, revoked); never their secrets."""
    keys = _store().list()
    if as_json:
        typer.echo(json.dumps([_as_json(k) for k in keys]))
        return
    if not keys:
        typer.echo("no API keys; create one with: prosper keys create --role screener")
        return
    typer.echo(f"{'id':<10}{'role':<10}{'created (UTC)':<22}{'status':<10}name")
    for key in keys:
        status = "active" if key.active else "revoked"
        created = key.created_at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{key.id:<10}{key.role.value:<10}{created:<22}{status:<10}{key.name}")


@keys_app.command("revoke")
def revoke_key(key_id: str = typer.Argument(..., metavar="ID", help="id from `keys list`")) -> None:
    """Revoke a key: requests with it get 401 from then on."""
    key = _store().revoke(key_id)
    typer.echo(f"revoked key {key.id} ({key.role.value}, name {key.name!r})")


def register(app: typer.Typer) -> None:
    """Add the `keys` commands to ``app``."""
    app.add_typer(keys_app, name="keys")
