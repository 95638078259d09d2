"""`prosper serve`: the HTTP API and the web page, on loopback unless told otherwise."""

from __future__ import annotations

import typer

from prosper.errors import InputError


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback)."),
    port: int = typer.Option(8000, "--port", help="TCP port.", min=1, max=65535),
    rate_limit: float = typer.Option(
        600.0, "--rate-limit", help="Requests a minute per API key (average).", min=0.0
    ),
    burst: int = typer.Option(60, "--burst", help="Requests a key may make at once.", min=1),
    max_body: int = typer.Option(
        1_048_576, "--max-body", help="Largest request body in bytes.", min=1024
    ),
    max_batch: int = typer.Option(
        1000, "--max-batch", help="Most queries in one POST /v1/screen/batch.", min=1
    ),
    key_cache: float = typer.Option(
        2.0,
        "--key-cache",
        help="Seconds a checked API key is trusted before it is looked up again (a key revoked "
        "by `prosper keys revoke` is refused within this time; 0: look up every request).",
        min=0.0,
    ),
    lean_routes: bool = typer.Option(
        True,
        "--lean-routes/--no-lean-routes",
        help="Answer ordinary POST /v1/screen and /v1/check requests without FastAPI's "
        "routing and dependency machinery (same answers, less CPU); off: all through FastAPI.",
    ),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API under /v1/ and the web page at / (create a key: prosper keys create)."""
    try:
        import uvicorn

        from prosper.api import ApiLimits, create_app
    except ImportError as exc:  # the [api] extra is not installed
        raise InputError(
            f"the HTTP API needs the api extra: pip install 'prosper[api]' ({exc.name} missing)",
            field="serve",
        ) from None
    from prosper.settings import load_settings

    settings = load_settings()
    limits = ApiLimits(
        max_body_bytes=max_body,
        max_batch=max_batch,
        rate_per_minute=rate_limit,
        burst=burst,
        key_cache_seconds=key_cache,
    )
    app = create_app(settings, limits=limits, refresh=True, lean_routes=lean_routes)
    from prosper.api.access_log import enable_access_log

    enable_access_log()  # one JSON line per request on stderr (never a key or a query string)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: listening on {host}, not only on loopback", err=True)
    typer.echo(f"Prosper on http://{host}:{port}/  (API key: prosper keys create --role …)")
    every = settings.lists_refresh
    typer.echo(
        "lists: no scheduled refresh (PROSPER_LISTS_REFRESH=off)"
        if every is None
        else f"lists: refreshed from the official URLs every {every / 3600:g} h "
        "(PROSPER_LISTS_REFRESH)"
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def register(app: typer.Typer) -> None:
    """Add the `serve` command to ``app``."""
    app.command("serve")(serve)
