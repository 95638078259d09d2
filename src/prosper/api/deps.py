"""Injectable providers: the routers get the app's state, backend and caller from here.

Override :func:`get_backend` (``app.dependency_overrides[get_backend] = lambda: fake``) or
pass ``backend=`` to :func:`prosper.api.create_app` to test a router without the core.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import Depends, Request

from prosper.api.backend import Backend
from prosper.api.jobs import JobManager
from prosper.api.keycache import KeyCache
from prosper.api.limits import ApiLimits, AuthThrottle, RateLimiter
from prosper.api.metrics import Metrics
from prosper.api.refresh import ListRefresher, RefreshLog
from prosper.keys import KeyStore
from prosper.settings import Settings


@dataclass
class AppState:
    """Everything one app instance holds (``app.state.prosper``)."""

    settings: Settings
    backend: Backend
    keys: KeyStore
    limits: ApiLimits
    limiter: RateLimiter
    jobs: JobManager
    metrics: Metrics
    auth_throttle: AuthThrottle = field(default_factory=lambda: AuthThrottle(10, 60.0))
    key_cache: KeyCache = field(default_factory=lambda: KeyCache(0.0))
    ready: threading.Event = field(default_factory=threading.Event)
    ready_error: str | None = None
    refresh_log: RefreshLog = field(default_factory=RefreshLog)
    refresher: ListRefresher | None = None


async def get_state(request: Request) -> AppState:
    """The state of the app serving ``request``."""
    state: AppState = request.app.state.prosper
    return state


async def get_backend(state: AppState = Depends(get_state)) -> Backend:
    """The backend the routers call (override in tests)."""
    return state.backend


async def get_settings(state: AppState = Depends(get_state)) -> Settings:
    """The settings the app was built with."""
    return state.settings
