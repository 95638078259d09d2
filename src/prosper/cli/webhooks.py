"""`prosper webhooks` — subscriptions to alert.opened, alert.decided and lists.updated."""

from __future__ import annotations

import json

import typer

from prosper.errors import InputError

webhooks_app = typer.Typer(
    help="Signed event notifications (HMAC-SHA256, retried with backoff, delivery log).",
    no_args_is_help=True,
)


@webhooks_app.command("add")
def add_cmd(
    url: str = typer.Argument(..., help="http(s) URL receiving POSTs"),
    events: list[str] = typer.Option(
        ["*"], "--event", help="alert.opened, alert.decided, lists.updated (repeat; default all)"
    ),
) -> None:
    """Subscribe a URL; prints its id and signing secret (shown once)."""
    from prosper import casework
    from prosper.cases.webhooks import check_events, check_url, new_secret
    from prosper.settings import load_settings

    secret = new_secret()
    store = casework.case_store(load_settings())
    hook_id = store.add_webhook(check_url(url), check_events(events), secret)
    typer.echo(
        json.dumps({"id": hook_id, "url": url, "events": check_events(events), "secret": secret})
    )


@webhooks_app.command("list")
def list_cmd() -> None:
    """Active subscriptions (secrets hidden)."""
    from prosper import casework
    from prosper.settings import load_settings

    for hook in casework.case_store(load_settings()).webhooks():
        typer.echo(f"{hook['id']}\t{','.join(hook['events'])}\t{hook['url']}")


@webhooks_app.command("remove")
def remove_cmd(hook_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Stop a subscription."""
    from prosper import casework
    from prosper.settings import load_settings

    casework.case_store(load_settings()).remove_webhook(hook_id)
    typer.echo(f"removed webhook {hook_id}")


@webhooks_app.command("test")
def send_test(hook_id: int | None = typer.Argument(None, metavar="[ID]")) -> None:
    """Send a signed sample event (``webhook.test``) to one or every subscription; exit 1
    when a delivery failed after its retries."""
    from prosper import casework
    from prosper.cases.webhooks import TEST_EVENT, Dispatcher
    from prosper.settings import load_settings

    store = casework.case_store(load_settings())
    hooks = [h for h in store.webhooks() if hook_id is None or h["id"] == hook_id]
    if not hooks:
        raise InputError("no such webhook" if hook_id is not None else "no webhooks", field="ID")
    dispatcher = Dispatcher(store)
    failed = 0
    for hook in hooks:
        sample = {"sample": True, "message": "a test event from prosper webhooks test"}
        out = dispatcher.deliver(hook, TEST_EVENT, sample)
        failed += out.status != "delivered"
        typer.echo(
            f"{hook['id']}\t{out.status}\tHTTP {out.http_status}\t{out.attempts} "
            f"attempt(s)\t{hook['url']}" + (f"\t{out.error}" if out.error else "")
        )
    if failed:
        raise typer.Exit(1)


@webhooks_app.command("log")
def log_cmd(limit: int = typer.Option(50, "--limit", min=1, max=1000)) -> None:
    """The newest delivery outcomes."""
    from prosper import casework
    from prosper.settings import load_settings

    for row in casework.case_store(load_settings()).deliveries(limit):
        typer.echo(
            f"{row['at']}\t{row['webhook_id']}\t{row['event']}\t{row['status']}\t"
            f"{row['attempts']}\t{row['http_status']}\t{row['error'] or ''}"
        )


def register(app: typer.Typer) -> None:
    """Add ``prosper webhooks`` to ``app``."""
    app.add_typer(webhooks_app, name="webhooks")
