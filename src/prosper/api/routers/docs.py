"""``GET /docs``: the interactive OpenAPI page, behind the same API key as ``/v1``.

The page is Swagger UI served from this server, never from a CDN: its files come from the
``swagger-ui-bundle`` package (Swagger UI 4.15, Apache-2.0; the ``api`` extra installs it) at
``/docs/assets/…``. Without that package ``/docs`` is a plain page listing every operation of
``/openapi.json``. A browser opens it as ``/docs?api_key=psk_…`` (or sends ``X-API-Key``);
"Authorize" in the page then takes the key for the calls it makes. The assets are the
library's own files and carry no data, so they are served without a key.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from prosper.api.errors import ApiError
from prosper.api.routers.reconcile import reconcile_key
from prosper.keys import ApiKey

router = APIRouter(include_in_schema=False)

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the ?api_key= of the page's URL goes nowhere
    "Cache-Control": "no-store",
}
# Swagger UI's start-up, as a file so that the page needs no inline script
INIT_JS = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
"""


def swagger_dir() -> Path | None:
    """The folder of the Swagger UI files, or None when ``swagger-ui-bundle`` is missing."""
    try:
        import swagger_ui_bundle  # type: ignore[import-untyped]
    except ImportError:
        return None
    folder = Path(str(swagger_ui_bundle.swagger_ui_path))
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _swagger_page(title: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} — API</title>"
        '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">'
        '<link rel="icon" href="/docs/assets/favicon-32x32.png"></head>'
        '<body><div id="swagger-ui"></div>'
        '<script src="/docs/assets/swagger-ui-bundle.js"></script>'
        '<script src="/docs/init.js"></script></body></html>'
    )


def _plain_page(title: str, doc: dict[str, Any]) -> str:
    rows = []
    for path, ops in sorted(doc.get("paths", {}).items()):
        for method, op in ops.items():
            summary = op.get("summary") or op.get("description", "").split("\n")[0]
            rows.append(
                f"<tr><td><code>{html.escape(method.upper())}</code></td>"
                f"<td><code>{html.escape(path)}</code></td><td>{html.escape(summary)}</td></tr>"
            )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} — API</title></head><body>"
        f"<h1>{html.escape(title)} API</h1>"
        "<p>Swagger UI is not installed (<code>pip install swagger-ui-bundle</code>); "
        'the full description is <a href="/openapi.json">/openapi.json</a>.</p>'
        f"<table>{''.join(rows)}</table></body></html>"
    )


@router.get("/docs")
def docs_page(request: Request, key: ApiKey = Depends(reconcile_key)) -> HTMLResponse:
    """The interactive API page (any valid key)."""
    del key
    title = str(request.app.title)
    if swagger_dir() is None:
        return HTMLResponse(_plain_page(title, request.app.openapi()), headers=HEADERS)
    return HTMLResponse(_swagger_page(title), headers=HEADERS)


@router.get("/docs/init.js")
def docs_init() -> Response:
    """Swagger UI's start-up script (no data in it)."""
    return Response(INIT_JS, media_type="text/javascript", headers=HEADERS)


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> FileResponse:
    """One of Swagger UI's own files (library code, no data)."""
    folder = swagger_dir()
    if folder is None or name not in ASSETS:
        raise ApiError(404, "not_found", f"no asset {name!r}", field="name")
    return FileResponse(folder / name, headers={"Cache-Control": "max-age=86400"})
