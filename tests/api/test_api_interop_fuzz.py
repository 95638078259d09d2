"""The yente and reconciliation routes never answer 5xx, whatever schemathesis derives from
their OpenAPI operations (valid and invalid requests), over a small engine."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("schemathesis")

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from tests.api.conftest import FakeBackend, Keys
from tests.api.test_api_yente import ENTITIES, SOURCES

from prosper.api import ApiLimits, create_app
from prosper.api.routers import yente
from prosper.engine import Engine
from prosper.lists.snapshot import Snapshot
from prosper.screening.index import ScreeningIndex
from prosper.settings import Settings

MINE = ("/match/", "/search/", "/entities/", "/catalog", "/reconcile/")


def test_no_server_error_on_interop_routes(settings: Settings, keys: Keys) -> None:
    engine = Engine(
        snapshot=Snapshot(sources=SOURCES, entities=ENTITIES),
        index=ScreeningIndex.build(ENTITIES),
        threshold=0.8,
    )
    limits = ApiLimits(rate_per_minute=1e6, burst=100_000)
    app = create_app(settings, backend=FakeBackend(settings), key_store=keys.store, limits=limits)
    app.dependency_overrides[yente.get_engine] = lambda: engine
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in api.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(MINE)]
    assert len(operations) >= 9
    failures: list[str] = []
    headers = keys.header("screener")
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis_settings(
                max_examples=15,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                phases=[Phase.generate],
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(
                        f"{response.status_code} {case.method} {case.formatted_path} "
                        f"query={case.query!r:.200} body={case.body!r:.300} "
                        f"-> {response.text[:300]}"
                    )

            try:
                run()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE
    assert not failures, "\n".join(failures[:10])
