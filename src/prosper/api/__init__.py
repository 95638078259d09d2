"""The HTTP API and web page of ``prosper serve`` (extra ``[api]``: FastAPI, uvicorn).

:func:`create_app` is the factory; :class:`Backend` is what its routers call, and
:class:`CoreBackend` the default that calls the same core as the CLI.
"""

from __future__ import annotations

from prosper.api.app import build_openapi, create_app
from prosper.api.backend import Backend, CoreBackend
from prosper.api.limits import ApiLimits

__all__ = ["ApiLimits", "Backend", "CoreBackend", "build_openapi", "create_app"]
