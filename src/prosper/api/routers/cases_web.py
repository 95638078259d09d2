"""``GET /cases``: the alert queue, one alert and the register with import (web page).

The page is static HTML plus ``cases.js``, which calls ``/v1/alerts`` and ``/v1/parties``
with the API key kept in the browser tab (the same slot as the main page); what a key's role
may not do is not offered, and the server refuses it anyway.
"""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter, Cookie, Header, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from prosper.api.routers.web import PAGE_HEADERS, STATIC_URL
from prosper.web import TEMPLATES_DIR
from prosper.web.case_strings import CASE_STRINGS
from prosper.web.i18n import LANGUAGE_NAMES, pick_language

router = APIRouter(include_in_schema=False)


@cache
def _template() -> Template:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"])
    )
    return env.get_template("cases.html")


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    lang: str | None = Query(None, max_length=5),
    prosper_lang: str | None = Cookie(None, max_length=5),
    accept_language: str | None = Header(None, max_length=200),
) -> HTMLResponse:
    """The case pages, in the language of ``?lang=``, the cookie or the browser."""
    chosen = pick_language(lang, prosper_lang, accept_language)
    words = CASE_STRINGS[chosen]
    strings_json = json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")
    html = _template().render(
        lang=chosen,
        t=words,
        languages=LANGUAGE_NAMES,
        strings_json=strings_json,
        static_url=STATIC_URL,
    )
    response = HTMLResponse(html, headers=PAGE_HEADERS)
    if lang == chosen:
        response.set_cookie("prosper_lang", chosen, max_age=365 * 86400, samesite="strict")
    return response
