"""The web page for compliance officers, served at ``/`` by ``prosper serve``.

``templates/index.html`` is rendered by the server in English or Korean
(:mod:`prosper.web.i18n`); ``static/app.js`` calls the ``/v1/`` API with the key the
officer signed in with (kept in ``sessionStorage``, so it is gone when the tab closes).
No external scripts, fonts or styles: the page works offline.
"""

from pathlib import Path

WEB_DIR = Path(__file__).parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "WEB_DIR"]
