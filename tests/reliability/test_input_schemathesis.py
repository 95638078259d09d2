"""Schemathesis against the app's own OpenAPI document: no request is answered with a 500.

Every operation is called with generated valid and invalid requests (a reviewer key, so the
admin operations answer 403; ``POST /v1/lists/update`` is left out, it would download the
official lists). ``PROSPER_SCHEMATHESIS_EXAMPLES`` sets the examples per operation (default
10, bounded); the count of requests and of server errors is printed at the end (``-s``).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("schemathesis")

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from prosper.api import ApiLimits, create_app
from prosper.keys import KeyStore, Role
from prosper.service import reset_engines
from prosper.settings import load_settings

EXAMPLES = int(os.environ.get("PROSPER_SCHEMATHESIS_EXAMPLES", "10"))
STATUSES: Counter[int] = Counter()
HEADERS: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("prosper-schemathesis")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROSPER_DATA_DIR", str(folder))
        mp.delenv("PROSPER_DB_URL", raising=False)
        app_settings = load_settings()
        store = KeyStore.open(app_settings.db_url)
        HEADERS["X-API-Key"] = store.create(Role.REVIEWER, "schemathesis").secret
        app = create_app(
            app_settings, key_store=store, limits=ApiLimits(rate_per_minute=1e9, burst=10**9)
        )
        with TestClient(app) as client:  # runs the start-up (engine warm-up) once
            deadline = time.monotonic() + 900
            while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(1)
            yield schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
                path="/v1/lists/update"
            )
    reset_engines()


def test_no_server_errors(api_schema: Any) -> None:
    """Every operation, ``EXAMPLES`` generated requests each: the status is never 5xx."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(headers=HEADERS, timeout=120)
            STATUSES[response.status_code] += 1
            assert response.status_code < 500, (case.method, case.path, response.text[:500])

        call()
    total = sum(STATUSES.values())
    errors = sum(n for status, n in STATUSES.items() if status >= 500)
    print(f"schemathesis: {total} requests, {errors} server errors, statuses {dict(STATUSES)}")
    assert total >= EXAMPLES * len(operations) // 2
