"""``GET /``: the compliance officer's page, and ``/static`` for its script and styles."""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter, Cookie, Depends, FastAPI, Header, Query
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from prosper.api.deps import AppState, get_state
from prosper.web import STATIC_DIR, TEMPLATES_DIR
from prosper.web.i18n import LANGUAGE_NAMES, pick_language, strings_for

router = APIRouter(include_in_schema=False)

STATIC_URL = "/static"

# Only this server's own script and styles may run or load; the page may not be framed.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@cache
def _template() -> Template:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"])
    )
    return env.get_template("index.html")


@cache
def _example() -> str:
    return (STATIC_DIR / "example_transaction.yaml").read_text("utf-8")


@router.get("/", response_class=HTMLResponse)
def index(
    lang: str | None = Query(None, max_length=5),
    prosper_lang: str | None = Cookie(None, max_length=5),
    accept_language: str | None = Header(None, max_length=200),
    state: AppState = Depends(get_state),
) -> HTMLResponse:
    """The page, in the language of ``?lang=``, the cookie or the browser."""
    chosen = pick_language(lang, prosper_lang, accept_language)
    words = strings_for(chosen)
    # "<" escaped so that no string can close the <script> element it is embedded in.
    strings_json = json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")
    html = _template().render(
        lang=chosen,
        t=words,
        languages=LANGUAGE_NAMES,
        strings_json=strings_json,
        static_url=STATIC_URL,
        threshold=f"{state.settings.threshold:.2f}",
        example=_example(),
    )
    response = HTMLResponse(html, headers=PAGE_HEADERS)
    if lang == chosen:
        response.set_cookie("prosper_lang", chosen, max_age=365 * 86400, samesite="strict")
    return response


def mount_static(app: FastAPI) -> None:
    """Serve the page's script and styles."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
